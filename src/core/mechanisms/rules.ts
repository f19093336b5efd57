import type { JsonObject } from '../change.js'
import { isPassageError, PassageError } from '../errors/index.js'
import { hasMarker, PASSAGE_MARKER } from '../model/common.js'
import type { TransportRule } from '../model/transport-rule.js'
import { vendorAuthDomains, vendorSenderDomains, type PlanContext } from './context.js'
import { create, setFields, type Draft } from './draft.js'
import type { Notice, RuleHeader, RulePart } from './types.js'

/**
 * What to say when a rule is planned for a vendor that sends as the tenant's own domains:
 * Microsoft says mail flow rules cannot make an internal sender safe (they work for external
 * senders only), so the rule may not keep that mail out of spam filtering.
 */
// ms-rule: plan.rule.internal-senders
export function internalSenderNotice(ctx: PlanContext): Notice[] {
  const c = ctx.vendor.category
  if (c === 'inbound-relay' || c === 'gateway-mx' || vendorSenderDomains(ctx).length) return []
  return [
    {
      rank: 45,
      text: `${ctx.vendor.name} sends as your own domain: Microsoft says mail flow rules cannot make an internal sender safe (its rule procedure is for external senders only), so the planned rule may not be honoured for this mail. What makes it deliverable is authentication: SPF, DKIM and DMARC for your domain covering ${ctx.vendor.name}'s sending service.`,
    },
  ]
}

/** The header that keeps a message out of Clutter (reference §3.14: name and value are exact). */
export const BYPASS_CLUTTER = { name: 'X-MS-Exchange-Organization-BypassClutter', value: 'true' }
/** The undocumented header that skips Safe Links (reference §3.14). */
export const SKIP_SAFE_LINKS = {
  name: 'X-MS-Exchange-Organization-SkipSafeLinksProcessing',
  value: '1',
}
/** The undocumented header that skips Safe Attachments (reference §3.14). */
export const SKIP_SAFE_ATTACHMENTS = {
  name: 'X-MS-Exchange-Organization-SkipSafeAttachmentProcessing',
  value: '1',
}
/** Microsoft recommends a marker header on SCL -1 rules for troubleshooting (X-ETR). */
export const MARKER_HEADER = 'X-ETR'

/** One rule to build: its parts merged. */
interface RuleSpec {
  name: string
  purpose: string
  mechanism: RulePart['mechanism']
  protections: RulePart['protections']
  scl: number | null
  header: RuleHeader
  stop: boolean
}

/** Prefixes a rule name with passage's marker, within Exchange's 64-character limit. */
export function ruleName(base: string): string {
  return `passage: ${base}`.slice(0, 64)
}

/** Merges the parts into rules: one per group, groups and parts in their order. */
function specs(ctx: PlanContext, parts: readonly RulePart[]): RuleSpec[] {
  const groups = new Map<string, RulePart[]>()
  for (const p of [...parts].sort((a, b) => a.order - b.order))
    groups.set(p.group, [...(groups.get(p.group) ?? []), p])
  return [...groups.values()].map((group) => {
    const lead = group[0] as RulePart
    const scl = group.find((p) => p.scl !== undefined)?.scl
    return {
      name: ruleName(lead.name),
      purpose: group.map((p) => p.purpose).join(' and '),
      mechanism: lead.mechanism,
      protections: group.flatMap((p) => p.protections),
      scl: scl ?? null,
      // A rule without a header of its own carries the troubleshooting marker.
      header: group.find((p) => p.header)?.header ?? {
        name: MARKER_HEADER,
        value: `passage ${ctx.vendor.id}`,
      },
      stop: group.some((p) => p.stop),
    }
  })
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
  // ms-rule: plan.rule.simulation-scope
  // A simulation spoofs its From domains, so DMARC for them never passes: a rule requiring both
  // could never match. Its rule is scoped by the vendor's IPs AND its envelope domains instead,
  // the pairing advanced delivery itself uses.
  if (v.category === 'phishing-simulation' && v.sending.ips.length) {
    const auth = vendorAuthDomains(ctx)
    const sim: Partial<TransportRule> = { SenderIpRanges: [...v.sending.ips] }
    if (auth.length) {
      sim.SenderDomainIs = auth
      sim.SenderAddressLocation = 'Envelope'
    }
    return sim
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

function ruleObject(
  ctx: PlanContext,
  spec: RuleSpec,
  scope: Partial<TransportRule>,
  priority: number,
): JsonObject {
  const rule: JsonObject = {
    Name: spec.name,
    Priority: priority,
    State: 'Enabled',
    Mode: 'Enforce',
    Comments: `${PASSAGE_MARKER} vendor=${ctx.vendor.id}: ${spec.purpose} for ${ctx.vendor.name}`,
  }
  Object.assign(rule, structuredClone(scope))
  if (spec.scl !== null) rule.SetSCL = spec.scl
  rule.SetHeaderName = spec.header.name
  rule.SetHeaderValue = spec.header.value
  rule.StopRuleProcessing = spec.stop
  return rule
}

/** The vendor's mail flow rules, and every refusal met building them. */
export interface RuleBuild {
  drafts: Draft[]
  refusals: PassageError[]
}

/**
 * The mail flow rules the rule mechanisms' parts make. Rules that stop processing come last in the
 * group; for an inbound relay the group sits right after the relay's own inbound rule.
 */
export function buildRules(ctx: PlanContext, parts: readonly RulePart[]): RuleBuild {
  const wanted = specs(ctx, parts)
  if (!wanted.length) return { drafts: [], refusals: [] }
  let scope: Partial<TransportRule>
  try {
    scope = ruleScope(ctx)
  } catch (e) {
    // Every rule shares the scope: one refusal says it for all of them.
    if (isPassageError(e)) return { drafts: [], refusals: [e] }
    throw e
  }
  const rules = ctx.snapshot.state.transportRules
  const relay = relayRule(ctx)
  const out: RuleBuild = { drafts: [], refusals: [] }
  let count = rules.length
  wanted.forEach((spec, i) => {
    const existing = rules.find((r) => r.Name.toLowerCase() === spec.name.toLowerCase())
    if (existing && !hasMarker(existing.Comments)) {
      out.refusals.push(
        new PassageError(
          'PASSAGE_E_CONFLICT',
          `A mail flow rule named '${existing.Name}' exists and was not created by passage.`,
          { details: { mechanism: spec.mechanism } },
        ),
      )
      return
    }
    const meta = { protections: spec.protections, mechanism: spec.mechanism }
    const desiredPriority = relay ? relay.Priority + 1 + i : null
    if (!existing) {
      const priority = desiredPriority ?? count
      out.drafts.push(
        create(
          'transport-rule',
          ruleObject(ctx, spec, scope, priority),
          meta,
          `Create mail flow rule '${spec.name}' to ${spec.purpose} for ${ctx.vendor.name}`,
        ),
      )
      count++
      return
    }
    const want = ruleObject(ctx, spec, scope, desiredPriority ?? existing.Priority)
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
    if (d) out.drafts.push(d)
  })
  return out
}
