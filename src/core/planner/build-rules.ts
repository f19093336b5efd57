import type { JsonObject } from '../change.js'
import { PassageError } from '../errors/index.js'
import { hasMarker, PASSAGE_MARKER } from '../model/common.js'
import type { TransportRule } from '../model/transport-rule.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import { vendorSenderDomains, type PlanContext } from './context.js'
import { create, setFields, type Draft } from './draft.js'

/** Headers a passage rule may set (reference §3.14). */
export const BYPASS_CLUTTER = { name: 'X-MS-Exchange-Organization-BypassClutter', value: 'true' }
export const SKIP_SAFE_LINKS = {
  name: 'X-MS-Exchange-Organization-SkipSafeLinksProcessing',
  value: '1',
}
export const SKIP_SAFE_ATTACHMENTS = {
  name: 'X-MS-Exchange-Organization-SkipSafeAttachmentProcessing',
  value: '1',
}
/** Microsoft recommends a marker header on SCL -1 rules for troubleshooting (X-ETR). */
export const MARKER_HEADER = 'X-ETR'

/** Which mechanisms were picked for which protections. */
export type Picks = Map<MechanismId, ProtectionId[]>

interface RuleSpec {
  name: string
  purpose: string
  mechanism: MechanismId
  protections: ProtectionId[]
  scl: number | null
  header: { name: string; value: string }
  stop: boolean
}

/** Prefixes a rule name with passage's marker, within Exchange's 64-character limit. */
export function ruleName(base: string): string {
  return `passage: ${base}`.slice(0, 64)
}

function specs(ctx: PlanContext, picks: Picks): RuleSpec[] {
  const v = ctx.vendor
  const out: RuleSpec[] = []
  const get = (m: MechanismId) => picks.get(m)
  const sl = get('skip-safe-links-header')
  const sa = get('skip-safe-attachments-header')
  if (sl)
    out.push({
      name: ruleName(`${v.name} skip Safe Links`),
      purpose: 'skip Safe Links',
      mechanism: 'skip-safe-links-header',
      protections: sl,
      scl: null,
      header: SKIP_SAFE_LINKS,
      stop: false,
    })
  if (sa)
    out.push({
      name: ruleName(`${v.name} skip Safe Attachments`),
      purpose: 'skip Safe Attachments',
      mechanism: 'skip-safe-attachments-header',
      protections: sa,
      scl: null,
      header: SKIP_SAFE_ATTACHMENTS,
      stop: false,
    })
  const scl = get('scoped-rule')
  const clutter = get('bypass-clutter-header')
  if (scl || clutter) {
    const base =
      v.profile.ruleName ?? (scl ? `${v.name} bypass spam filtering` : `${v.name} bypass Clutter`)
    out.push({
      name: ruleName(base),
      purpose: [scl ? 'bypass spam filtering (SCL -1)' : '', clutter ? 'bypass Clutter' : '']
        .filter(Boolean)
        .join(' and '),
      mechanism: scl ? 'scoped-rule' : 'bypass-clutter-header',
      protections: [...(scl ?? []), ...(clutter ?? [])],
      scl: scl ? -1 : null,
      header: clutter ? BYPASS_CLUTTER : { name: MARKER_HEADER, value: `passage ${v.id}` },
      // The vendor's own recipe (Trustifi's) stops rule processing; passage's default lets later rules run.
      stop: ctx.mode === 'recipe',
    })
  }
  return out
}

/** The conditions that scope a passage rule to the vendor's mail (design.md safety rules). */
export function ruleScope(ctx: PlanContext): Partial<TransportRule> {
  const v = ctx.vendor
  const relayed = v.category === 'inbound-relay' || v.category === 'gateway-mx'
  const domains = relayed ? [] : vendorSenderDomains(ctx)
  if (!v.sending.ips.length && !domains.length) {
    const headers = v.profile.headers
    throw new PassageError(
      'PASSAGE_E_REFUSED_HEADER_ONLY',
      `${v.name} would be recognised only by ${headers.length ? `the header ${headers.join(', ')}` : 'headers'}, which anyone can forge.`,
    )
  }
  const scope: Partial<TransportRule> = { SenderIpRanges: [...v.sending.ips] }
  if (domains.length) {
    scope.SenderDomainIs = domains
    scope.SenderAddressLocation = 'HeaderOrEnvelope'
  }
  if (!relayed) {
    // Microsoft: never a domain-only (or IP-only, for shared senders) bypass; require DMARC to pass.
    scope.HeaderMatchesMessageHeader = 'Authentication-Results'
    scope.HeaderMatchesPatterns = ['dmarc=pass', 'dmarc=bestguesspass']
  }
  return scope
}

/** The rule the relay uses to send inbound mail out (by the profile's name patterns), if any. */
export function relayRule(ctx: PlanContext): TransportRule | null {
  const patterns = ctx.vendor.profile.relayRulePatterns.map((p) => p.toLowerCase())
  if (!patterns.length) return null
  return (
    ctx.snapshot.state.transportRules
      .filter(
        (r) => !hasMarker(r.Comments) && patterns.some((p) => r.Name.toLowerCase().includes(p)),
      )
      .sort((a, b) => a.Priority - b.Priority)[0] ?? null
  )
}

function ruleObject(ctx: PlanContext, spec: RuleSpec, priority: number): JsonObject {
  const rule: JsonObject = {
    Name: spec.name,
    Priority: priority,
    State: 'Enabled',
    Mode: 'Enforce',
    Comments: `${PASSAGE_MARKER} vendor=${ctx.vendor.id}: ${spec.purpose} for ${ctx.vendor.name}`,
  }
  Object.assign(rule, ruleScope(ctx))
  if (spec.scl !== null) rule.SetSCL = spec.scl
  rule.SetHeaderName = spec.header.name
  rule.SetHeaderValue = spec.header.value
  rule.StopRuleProcessing = spec.stop
  return rule
}

/**
 * The mail flow rules the picked mechanisms need. Rules that stop processing come last in the group;
 * for an inbound relay the group sits right after the relay's own inbound rule.
 */
export function buildRules(ctx: PlanContext, picks: Picks): Draft[] {
  const wanted = specs(ctx, picks)
  if (!wanted.length) return []
  const rules = ctx.snapshot.state.transportRules
  const relay = relayRule(ctx)
  const drafts: Draft[] = []
  let count = rules.length
  wanted.forEach((spec, i) => {
    const existing = rules.find((r) => r.Name.toLowerCase() === spec.name.toLowerCase())
    if (existing && !hasMarker(existing.Comments))
      throw new PassageError(
        'PASSAGE_E_CONFLICT',
        `A mail flow rule named '${existing.Name}' exists and was not created by passage.`,
      )
    const meta = { protections: spec.protections, mechanism: spec.mechanism }
    const desiredPriority = relay ? relay.Priority + 1 + i : null
    if (!existing) {
      const priority = desiredPriority ?? count
      drafts.push(
        create(
          'transport-rule',
          ruleObject(ctx, spec, priority),
          meta,
          `Create mail flow rule '${spec.name}' to ${spec.purpose} for ${ctx.vendor.name}`,
        ),
      )
      count++
      return
    }
    const want = ruleObject(ctx, spec, desiredPriority ?? existing.Priority)
    const fields: JsonObject = {}
    // Compare what passage wants; conditions an admin added to the rule are left alone.
    for (const [f, v] of Object.entries(want)) if (f !== 'Name') fields[f] = v
    const d = setFields(
      'transport-rule',
      existing as unknown as JsonObject,
      fields,
      meta,
      `Update mail flow rule '${spec.name}'`,
    )
    if (d) drafts.push(d)
  })
  return drafts
}
