/**
 * The guard apply runs before it writes anything: a plan file is data, never trusted. Every
 * change must be one its surface can carry out (known surface, allowed operation, only fields
 * the surface lets passage set, objects passage owns), its stored calls must be exactly those the
 * surface derives, what it grants (addresses, domains) must belong to the vendor and pass the
 * planner's safety rules against the tenant as read now, and it must stay within Microsoft's
 * limits. Pure: the tenant and the vendor are passed in.
 */
import type { Change, Json, LimitNote } from '../change.js'
import type { ErrorCode } from '../errors/index.js'
import { isPassageError } from '../errors/index.js'
import { canonicalJson } from '../hash.js'
import { PASSAGE_PREFIX } from '../model/common.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { isSameOrSubdomain, isValidDomain, sharedDomainReason } from '../net/domain.js'
import {
  entryWithin,
  forbiddenBlock,
  isPublic,
  PASSAGE_WIDEST,
  parseIpEntry,
  sharedInfrastructure,
  widerThan,
} from '../net/ip.js'
import type { MechanismId } from '../protections/ids.js'
import {
  applyChange,
  applyUpdate,
  carriesMarker,
  inEffect,
  isRenewal,
  isSurfaceKind,
  surfaceOf,
  type DriftField,
  type Surface,
} from '../surfaces/index.js'
import { senderDomains, type ResolvedVendor } from '../vendor/resolve.js'
import type { PlanContext } from './context.js'
import { isOwnDomain } from './context.js'
import { limitsFor } from './limits.js'
import { presetRuleProblems } from './preset-guard.js'
import { safetyRefusals } from './safety.js'
import type { Plan } from './types.js'

/** One reason apply refuses a plan: which change, which rule, in words. */
export interface GuardDiagnostic {
  changeId: string | null
  code: ErrorCode
  message: string
}

/** Surfaces whose entries may name the tenant's own domains (relay spoof and rule scoping). */
const OWN_DOMAINS_OK: ReadonlySet<Change['surface']> = new Set(['tabl-spoof', 'transport-rule'])

/**
 * Verdict actions passage only ever tightens to Quarantine (plan.relay.quarantine-verdicts): any
 * other value in a plan is forged.
 */
const QUARANTINE_ONLY = [
  'SpamAction',
  'HighConfidenceSpamAction',
  'PhishSpamAction',
  'BulkSpamAction',
  'AuthenticationFailAction',
]

/** Rule and connector fields that hold free text, not addresses or domains. */
const TEXT_FIELDS = new Set([
  'Name',
  'Comments',
  'Notes',
  'AdminDisplayName',
  'SetHeaderName',
  'SetHeaderValue',
  'HeaderMatchesMessageHeader',
  'HeaderMatchesPatterns',
  'HeaderContainsMessageHeader',
  'HeaderContainsWords',
  'Mode',
  'State',
  'FromScope',
  'SenderAddressLocation',
  'ListType',
  'ListSubType',
  'Action',
  'SpoofType',
  'Identity',
])

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null)

/** The values a change grants: entries it adds and the values of an object it creates. */
function granted(change: Change): { field: string; value: string }[] {
  const out: { field: string; value: string }[] = []
  const push = (field: string, v: Json | undefined) => {
    if (TEXT_FIELDS.has(field)) return
    if (typeof v === 'string') out.push({ field, value: v })
    else if (Array.isArray(v))
      for (const x of v) if (typeof x === 'string') out.push({ field, value: x })
  }
  for (const [f, entries] of Object.entries(change.add ?? {})) push(f, entries)
  for (const [f, v] of Object.entries(change.set ?? {})) push(f, v)
  if (change.op === 'create') for (const [f, v] of Object.entries(change.after ?? {})) push(f, v)
  return out
}

/** The host a URL entry (`*.example.com/*`, `https://example.com/x`) names. */
function hostOf(value: string): string {
  return (
    value
      .replace(/^[a-z]+:\/\//i, '')
      .replace(/^\*\./, '')
      .replace(/[/:?#].*$/, '')
      .replace(/^~/, '')
      // A right tilde (`~host~`) names the same host; left as is it would parse as no domain at all
      // and escape the scope check.
      .replace(/~$/, '')
      .toLowerCase()
  )
}

/** The vendor's addresses and domains: what a change for it may grant. */
interface Scope {
  ips: ReturnType<typeof parseIpEntry>[]
  domains: string[]
  own: (d: string) => boolean
}

function scopeOf(ctx: PlanContext, tenant: TenantSnapshot): Scope {
  const v = ctx.vendor
  // Enhanced filtering skips the gateway's own egress addresses, which the connector lists.
  const connectorIps = tenant.state.inboundConnectors.flatMap((c) => c.SenderIPAddresses)
  return {
    ips: [...v.sending.ips, ...connectorIps].map(parseIpEntry).filter((e) => e !== null),
    domains: [
      ...senderDomains(v),
      ...v.sending.envelopeDomains,
      ...v.sending.dkimDomains,
      ...v.sending.linkDomains,
    ].map((d) => d.toLowerCase()),
    own: (d) => isOwnDomain(ctx, d),
  }
}

/** Why a granted value is out of the vendor's scope or unsafe, or null when it is fine. */
function valueProblem(
  change: Change,
  field: string,
  value: string,
  scope: Scope,
): { code: ErrorCode; why: string } | null {
  const ip = parseIpEntry(value)
  if (ip) {
    if (!isPublic(ip)) {
      const b = forbiddenBlock(ip)
      return {
        code: 'PASSAGE_E_REFUSED_ADDRESS',
        why: `${value} is a ${ip.range} address, not a public internet sender${b ? ` (it includes ${b.cidr}, ${b.name})` : ''}`,
      }
    }
    if (widerThan(ip, PASSAGE_WIDEST))
      return { code: 'PASSAGE_E_REFUSED_CIDR', why: `${value} covers ${ip.size} addresses` }
    const esp = sharedInfrastructure(ip)
    if (esp)
      return {
        code: 'PASSAGE_E_REFUSED_CIDR',
        why: `${value} takes in ${esp.provider}'s shared sending block ${esp.cidr}`,
      }
    // A spoof entry names the sender's /24, which holds the vendor's address rather than
    // sitting inside it.
    const fits = (v: NonNullable<Scope['ips'][number]>) =>
      entryWithin(ip, v) || (field === 'SendingInfrastructure' && entryWithin(v, ip))
    if (!scope.ips.some((v) => v !== null && fits(v)))
      return {
        code: 'PASSAGE_E_PLAN_FORGED',
        why: `${value} is not one of the vendor's sending addresses`,
      }
    return null
  }
  const email = value.includes('@') ? (value.split('@').pop() ?? '') : ''
  const host = email || hostOf(value)
  if (!isValidDomain(host)) return null
  const shared = sharedDomainReason(host)
  if (shared)
    return {
      code: 'PASSAGE_E_REFUSED_SHARED_DOMAIN',
      why: `${host} is on the ${shared.list} list (${shared.matched}): ${shared.why}`,
    }
  if (scope.own(host))
    return OWN_DOMAINS_OK.has(change.surface)
      ? null
      : {
          code: 'PASSAGE_E_REFUSED_OWN_DOMAIN',
          why: `${host} is this tenant's own domain; allow-listing it lets anyone who forges it in`,
        }
  if (!scope.domains.some((d) => isSameOrSubdomain(host, d)))
    return {
      code: 'PASSAGE_E_PLAN_FORGED',
      why: `${host} (${field}) is not one of the vendor's domains`,
    }
  return null
}

/**
 * The problems of a spoofed-sender entry's form: the wildcard only as the spoofed user and only for
 * an in-and-out relay (Microsoft's advice for that routing), never as the sending infrastructure
 * (the vendor's own /24 or DKIM domain is), and an Internal entry names an address or the
 * wildcard, never a domain (New-TenantAllowBlockListSpoofItems.md).
 */
// ms-rule: plan.relay.spoof-pair
// ms-rule: plan.spoof.documented-forms
function quarantineOnlyProblems(change: Change): string[] {
  const set = change.set ?? {}
  return QUARANTINE_ONLY.filter((f) => f in set && set[f] !== 'Quarantine').map(
    (f) => `it sets ${f} to ${JSON.stringify(set[f])}; passage only ever sets it to Quarantine`,
  )
}

function spoofFormProblems(change: Change, vendor: ResolvedVendor): string[] {
  if (change.surface !== 'tabl-spoof' || change.op !== 'create' || !change.after) return []
  const o = change.after
  const user = typeof o.SpoofedUser === 'string' ? o.SpoofedUser : ''
  const infra = typeof o.SendingInfrastructure === 'string' ? o.SendingInfrastructure : ''
  const out: string[] = []
  if (infra.includes('*')) out.push('its sending infrastructure is a wildcard')
  if (user.includes('*') && (user !== '*' || vendor.category !== 'inbound-relay'))
    out.push(
      `its spoofed user '${user}' is a wildcard, which passage plans only for an in-and-out relay`,
    )
  if (o.SpoofType === 'Internal' && user !== '*' && !user.includes('@'))
    out.push(`an Internal spoofed-sender entry names a full address, not the domain '${user}'`)
  return out
}

/**
 * The one update passage makes of an allow/block entry is a renewal (tabl-item.ts): of an allow
 * it created, kept until 45 days after last use, re-created as it is.
 */
function renewalProblems(change: Change): string[] {
  if (!isRenewal(change)) return ['it edits an allow/block entry, which passage only renews']
  const b = change.before
  if (!carriesMarker(b)) return ['it renews an entry passage did not create']
  if (b?.Action !== 'Allow' || b.RemoveAfter !== 45)
    return ['it renews an entry that is not an allow kept until 45 days after last use']
  return []
}

/** The problems of one change's shape: what its surface can carry out, and its calls. */
function shapeProblems(surface: Surface, change: Change): string[] {
  const out: string[] = []
  if (!surface.ops.includes(change.op))
    out.push(`passage does not ${change.op} a ${surface.title.toLowerCase()}`)
  const obj = change.after ?? change.before
  if (!obj) out.push('it has neither a before nor an after state')
  else if (surface.key(obj) !== change.target)
    out.push(`its target '${change.target}' is not the object it describes`)
  const edited = [
    ...Object.keys(change.set ?? {}),
    ...Object.keys(change.add ?? {}),
    ...Object.keys(change.remove ?? {}),
  ]
  const foreign = edited.filter((f) => !surface.fields.includes(f))
  if (change.op === 'update' && foreign.length)
    out.push(`it edits ${foreign.join(', ')}, which passage never sets on this surface`)
  if (change.op === 'update' && change.remove && Object.keys(change.remove).length)
    out.push('it removes list entries, which a plan never does (only undo does)')
  if (
    change.op === 'update' &&
    change.before &&
    !same(applyUpdate(change.before, change), change.after)
  )
    out.push('its after state does not follow from its before state and its edits')
  if (surface.owned) {
    if (change.op === 'create') {
      const name = typeof change.after?.Name === 'string' ? change.after.Name : ''
      if (!carriesMarker(change.after) || !name.toLowerCase().startsWith(PASSAGE_PREFIX))
        out.push("it creates an object without passage's name prefix and marker")
    } else if (!carriesMarker(change.before))
      out.push('it changes an object passage did not create')
  }
  if (change.op === 'remove' && !carriesMarker(change.before))
    out.push('it removes an object passage did not create')
  if (change.surface === 'tabl-item' && change.op === 'update') out.push(...renewalProblems(change))
  if (!out.length) {
    let derived: unknown
    try {
      derived = surface.calls(change)
    } catch (e) {
      out.push(`its surface cannot carry it out (${e instanceof Error ? e.message : String(e)})`)
      return out
    }
    if (!same(derived, change.calls))
      out.push('its stored cmdlet calls differ from the calls passage derives from the change')
  }
  return out
}

/** What apply learns from walking a plan over the tenant as read now, before its first write. */
export interface PlanReview {
  /** Every reason to refuse the plan (see the module comment). */
  refusals: GuardDiagnostic[]
  /**
   * The counts behind each Microsoft limit the plan recorded (mail flow rules in the organisation,
   * entries of a list, ...), which also fix where a new rule's Priority lands, where they changed
   * since the plan: apply refuses the plan whole rather than fail half-way on a Priority.
   */
  drift: DriftField[]
}

/**
 * Walks `plan` for `vendor` over the tenant as read now (`tenant`): every reason to refuse it, and
 * the limit counts that drifted. Changes already in effect (a resumed run) are checked for shape
 * and scope but not for limits; those in `begun` (done or begun by an interrupted run) are not
 * judged for drift.
 */
export function reviewPlan(
  plan: Plan,
  vendor: ResolvedVendor,
  tenant: TenantSnapshot,
  now: string,
  begun: ReadonlySet<string> = new Set(),
): PlanReview {
  const out: GuardDiagnostic[] = []
  const drift: DriftField[] = []
  const ctx: PlanContext = { snapshot: tenant, vendor, now, mode: plan.mode }
  const planned = new Set<MechanismId>(plan.protections.map((p) => p.mechanism))
  const protections = new Set(plan.protections.map((p) => p.protection))
  if (plan.vendor.id !== vendor.id || plan.vendor.category !== vendor.category)
    out.push({
      changeId: null,
      code: 'PASSAGE_E_PLAN_FORGED',
      message: `the plan names vendor ${plan.vendor.id} (${plan.vendor.category}), which is not ${vendor.id} (${vendor.category})`,
    })
  for (const e of safetyRefusals(ctx, planned))
    out.push({ changeId: null, code: e.code, message: e.message })
  const scope = scopeOf(ctx, tenant)
  let working = tenant
  for (const change of plan.changes) {
    const refuse = (code: ErrorCode, why: string) =>
      out.push({
        changeId: change.id,
        code,
        message: `${change.id} (${change.summary}): ${why}`,
      })
    if (!isSurfaceKind(change.surface)) {
      refuse('PASSAGE_E_PLAN_FORGED', `unknown surface '${String(change.surface)}'`)
      continue
    }
    const surface = surfaceOf(change.surface)
    for (const why of shapeProblems(surface, change)) refuse('PASSAGE_E_PLAN_FORGED', why)
    if (!planned.has(change.mechanism))
      refuse('PASSAGE_E_PLAN_FORGED', `its mechanism ${change.mechanism} is not one the plan chose`)
    if (change.protections.some((p) => !protections.has(p)))
      refuse('PASSAGE_E_PLAN_FORGED', 'it serves a protection the plan does not cover')
    for (const why of spoofFormProblems(change, vendor)) refuse('PASSAGE_E_PLAN_FORGED', why)
    for (const why of quarantineOnlyProblems(change)) refuse('PASSAGE_E_PLAN_FORGED', why)
    for (const why of presetRuleProblems(change, plan)) refuse('PASSAGE_E_PLAN_FORGED', why)
    // A preset exception grants the tenant's own recipients, checked just above, not the vendor's.
    if (change.surface !== 'preset-rule')
      for (const { field, value } of granted(change)) {
        const p = valueProblem(change, field, value, scope)
        if (p) refuse(p.code, p.why)
      }
    if (inEffect(working, change)) continue
    try {
      const limits = limitsFor(change, working)
      if (!begun.has(change.id)) drift.push(...limitDrift(change, limits))
      working = applyChange(working, change)
    } catch (e) {
      if (isPassageError(e)) refuse(e.code, e.message)
      // Otherwise the change does not apply to the tenant as it is: drift reports it.
    }
  }
  return { refusals: out, drift }
}

/** Every reason to refuse applying `plan` (reviewPlan's refusals). */
export function guardPlan(
  plan: Plan,
  vendor: ResolvedVendor,
  tenant: TenantSnapshot,
  now: string,
): GuardDiagnostic[] {
  return reviewPlan(plan, vendor, tenant, now).refusals
}

/** The limits whose count before the change differs from what the plan recorded. */
function limitDrift(change: Change, now: readonly LimitNote[]): DriftField[] {
  return change.limits.flatMap((planned) => {
    const actual = now.find((n) => n.limit === planned.limit)
    return actual && actual.before !== planned.before
      ? [
          {
            changeId: change.id,
            target: change.target,
            field: `(${planned.limit})`,
            planned: planned.before,
            actual: actual.before,
          },
        ]
      : []
  })
}
