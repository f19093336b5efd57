// Small helpers the mechanism modules share.
import type { JsonObject } from '../change.js'
import { PassageError, type ErrorCode } from '../errors/index.js'
import { PASSAGE_MARKER } from '../model/common.js'
import { objectOf, tablKey } from '../surfaces/index.js'
import { policiesInForce, vendorSenderDomains, type PlanContext } from './context.js'
import { create, type Draft, type DraftMeta } from './draft.js'
import { presetsCoveringEveryone } from './preset-coverage.js'
import type { Availability } from './types.js'

/** A typed model object as the JSON object a draft holds. */
export const asJson = (o: object) => o as unknown as JsonObject

/** The mechanism works here. */
export const yes: Availability = { ok: true }

/** The mechanism does not work here, and why (with the refusal code when it is a refusal). */
export const no = (reason: string, refusal?: ErrorCode): Availability => ({
  ok: false,
  reason,
  ...(refusal ? { refusal } : {}),
})

/**
 * Refuses a policy-level change when a preset covers every recipient: presets always win, so it
 * would reach no one. The registry already passes such mechanisms over; this guards a build
 * reached some other way. A preset covering some recipients does not refuse it (the plan says
 * who stays unchanged).
 */
export function refuseIfPreset(ctx: PlanContext, kind: 'EOP' | 'ATP', what: string): void {
  const presets = presetsCoveringEveryone(ctx, kind)
  if (!presets.length) return
  const who = presets.map((p) => `the ${p.preset} preset covers ${p.who}`).join('; ')
  throw new PassageError(
    'PASSAGE_E_REFUSED_PRESET',
    `${what} would reach no one: ${who}, and preset security policies win over custom and default policies.`,
    { details: { presets: presets.map((p) => p.rule) } },
  )
}

/** The anti-spam policies in force (the default one and custom ones with an enabled rule). */
export function antiSpamInForce(ctx: PlanContext) {
  const s = ctx.snapshot.state.antiSpam
  return policiesInForce(s.policies, s.rules, (r) => r.HostedContentFilterPolicy)
}

/** Availability of a mechanism that allow-lists the vendor's own sender domains. */
export function needsSenderDomain(ctx: PlanContext): Availability {
  return vendorSenderDomains(ctx).length
    ? yes
    : no(`${ctx.vendor.name} has no sender domain of its own to allow`)
}

/** Availability of a rule mechanism: something to scope the rule to. */
export function needsRuleScope(ctx: PlanContext): Availability {
  const v = ctx.vendor
  // A vendor known only by headers reaches the rule builder, which refuses it with its own code.
  if (!v.sending.ips.length && !vendorSenderDomains(ctx).length && !v.profile.headers.length)
    return no(`${v.name} has neither sending IPs nor a sender domain to scope a rule to`)
  return yes
}

/** Tenant Allow/Block List allow entries for values not listed yet. */
export function tablAllows(
  ctx: PlanContext,
  listType: 'Sender' | 'Url',
  values: string[],
  meta: DraftMeta,
  what: string,
  subType: 'Tenant' | 'AdvancedDelivery' = 'Tenant',
): Draft[] {
  const out: Draft[] = []
  for (const value of values) {
    const key = tablKey({
      ListType: listType,
      ListSubType: subType,
      Action: 'Allow',
      Value: value,
    })
    // Looked up by key (the list is keyed once, not once per value: it may hold 40,000 entries).
    const existing = objectOf(ctx.snapshot, { surface: 'tabl-item', target: key })
    // An entry in force satisfies the intent; an expired one is being removed by Exchange, and a
    // duplicate value cannot be added beside it, so neither is planned again.
    if (existing) continue
    // Advanced delivery's simulation URLs are entries that do not expire (Microsoft's example).
    const ad = subType === 'AdvancedDelivery'
    out.push(
      create(
        'tabl-item',
        {
          ListType: listType,
          ListSubType: subType,
          Action: 'Allow',
          Value: value,
          ...(ad ? {} : { RemoveAfter: 45 }),
          Notes: `${PASSAGE_MARKER} vendor=${ctx.vendor.id}`,
        },
        meta,
        ad
          ? `Allow ${what} ${value} in advanced delivery's simulation URLs (no expiry)`
          : `Allow ${what} ${value} in the Tenant Allow/Block List (kept until 45 days after last use)`,
      ),
    )
  }
  return out
}

/** Drops the nulls of builders that return null for "nothing to change". */
export const drafts = (list: readonly (Draft | null)[]): Draft[] =>
  list.filter((d): d is Draft => d !== null)
