import type { TenantSnapshot } from '../model/snapshot.js'
import type { TransportRule } from '../model/transport-rule.js'
import { ipMatchesAny } from '../net/ip.js'
import type { HeaderMap } from './headers-map.js'
import { domainRelation, matchRecipientScope } from './match.js'
import { domainOf, type TestMessage } from './message.js'
import { testPattern } from './safe-regex.js'
import { isAttachmentCondition, unmodelledPartsOf } from './unmodelled.js'
import { obj, type Trace } from './trace.js'

/** What the mail flow rules did to the message for one recipient. */
export interface RuleOutcome {
  /** The SCL the last acting SetSCL rule asked for, or null. */
  scl: number | null
  /** The rule that set it. */
  sclRule: string | null
  /** Headers set by acting rules, in order (a later rule overwrites an earlier one). */
  headersSet: Record<string, string>
  /** Which rule set each header. */
  headerRules: Record<string, string>
  /** Rules that matched and acted (Enforce mode). */
  acted: string[]
}

/** What the rules see: the message, the recipient, the source IP and the current headers. */
export interface RuleInput {
  snapshot: TenantSnapshot
  message: TestMessage
  recipient: string
  /** The source IP as Exchange sees it (the connecting IP, or EF's source). */
  cip: string
  /**
   * The IP of the last hop before Exchange Online. SenderIpRanges is matched against it, not
   * against Enhanced Filtering's source (New-TransportRule.md; ms-rule: eval.rule.sender-ip-last-hop).
   * Defaults to `cip` when not given.
   */
  lastHop?: string
  headers: HeaderMap
}

type Check =
  { ok: true; why: string[] } | { ok: false; why: string } | { ok: 'unknown'; why: string }

function senderAddresses(rule: TransportRule, m: TestMessage): string[] {
  switch (rule.SenderAddressLocation) {
    case 'Envelope':
      return [m.mailFrom]
    case 'HeaderOrEnvelope':
      return [m.headerFrom, m.mailFrom]
    default:
      return [m.headerFrom]
  }
}

function domainIs(addresses: string[], domains: readonly string[]): string | null {
  for (const a of addresses)
    for (const d of domains) if (domainRelation(domainOf(a), d) !== null) return d
  return null
}

function fromIs(addresses: string[], list: readonly string[]): string | null {
  const set = new Set(list.map((x) => x.trim().toLowerCase()))
  return addresses.find((a) => set.has(a)) ?? null
}

/** Evaluates a rule's modelled conditions and exceptions (all conditions ANDed). */
function checkConditions(rule: TransportRule, input: RuleInput): Check {
  const { message, headers, snapshot, recipient } = input
  // ms-rule: eval.rule.sender-ip-last-hop
  // In Exchange Online the sender IP condition sees the last hop before the service, so behind a
  // gateway it is the gateway's IP even when Enhanced Filtering recovers the original source.
  const ip = input.lastHop ?? input.cip
  const efNote =
    ip !== input.cip
      ? ` (the last hop before Exchange; Enhanced Filtering's source ${input.cip} is not what the condition sees)`
      : ''
  const why: string[] = []
  const senders = senderAddresses(rule, message)

  if (rule.SenderIpRanges.length) {
    if (!ipMatchesAny(ip, rule.SenderIpRanges))
      return { ok: false, why: `sender IP ${ip} not in SenderIpRanges${efNote}` }
    why.push(`sender IP ${ip} in SenderIpRanges${efNote}`)
  }
  if (rule.FromScope) {
    const internal =
      message.direction === 'intra-org' &&
      senders.some((a) =>
        snapshot.acceptedDomains.some(
          (d) =>
            d.DomainType !== 'ExternalRelay' && domainRelation(domainOf(a), d.DomainName) !== null,
        ),
      )
    const want = rule.FromScope === 'InOrganization'
    if (internal !== want)
      return {
        ok: false,
        why: `sender is ${internal ? 'inside' : 'outside'} the organisation (FromScope ${rule.FromScope})`,
      }
    why.push(`FromScope ${rule.FromScope}`)
  }
  if (rule.SenderDomainIs.length) {
    const d = domainIs(senders, rule.SenderDomainIs)
    if (!d)
      return {
        ok: false,
        why: `sender domain not in SenderDomainIs (${rule.SenderAddressLocation})`,
      }
    why.push(`sender domain is ${d} (${rule.SenderAddressLocation})`)
  }
  if (rule.From.length) {
    const a = fromIs(senders, rule.From)
    if (!a) return { ok: false, why: 'sender not in From' }
    why.push(`from ${a}`)
  }
  if (rule.HeaderMatchesMessageHeader) {
    const name = rule.HeaderMatchesMessageHeader
    const value = headers.get(name)
    if (value === undefined) return { ok: false, why: `no ${name} header` }
    let hit: string | null = null
    for (const p of rule.HeaderMatchesPatterns) {
      const r = testPattern(p, value)
      if (!r.ok)
        return { ok: 'unknown', why: `pattern '${p}' on ${name} not evaluated: ${r.reason}` }
      if (r.matched) {
        hit = p
        break
      }
    }
    if (hit === null) return { ok: false, why: `${name} does not match any pattern` }
    why.push(`${name} matches '${hit}'`)
  }
  if (rule.HeaderContainsMessageHeader) {
    const name = rule.HeaderContainsMessageHeader
    const value = headers.get(name)
    if (value === undefined) return { ok: false, why: `no ${name} header` }
    const word = rule.HeaderContainsWords.find((w) => value.toLowerCase().includes(w.toLowerCase()))
    if (!word) return { ok: false, why: `${name} contains none of the words` }
    why.push(`${name} contains '${word}'`)
  }
  if (rule.SentTo.length || rule.SentToMemberOf.length || rule.RecipientDomainIs.length) {
    const m = matchRecipientScope(rule, recipient, snapshot, true)
    if (m.unknownGroups.length && !m.matched)
      return {
        ok: 'unknown',
        why: `membership of ${m.unknownGroups.join(', ')} is not in the snapshot`,
      }
    if (!m.matched) return { ok: false, why: m.why }
    why.push(m.why)
  }
  // Exceptions
  if (rule.ExceptIfSenderIpRanges.length && ipMatchesAny(ip, rule.ExceptIfSenderIpRanges))
    return { ok: false, why: `excepted: sender IP ${ip} in ExceptIfSenderIpRanges${efNote}` }
  if (rule.ExceptIfSenderDomainIs.length) {
    const d = domainIs(senders, rule.ExceptIfSenderDomainIs)
    if (d) return { ok: false, why: `excepted: sender domain ${d}` }
  }
  if (rule.ExceptIfFrom.length) {
    const a = fromIs(senders, rule.ExceptIfFrom)
    if (a) return { ok: false, why: `excepted: from ${a}` }
  }
  if (!why.length) why.push('no conditions: applies to every message')
  return { ok: true, why }
}

/** True when the rule's sender conditions use only the sender's domain or address (forgeable). */
function senderOnly(rule: TransportRule): boolean {
  return (
    (rule.SenderDomainIs.length > 0 || rule.From.length > 0) &&
    !rule.SenderIpRanges.length &&
    !rule.HeaderMatchesMessageHeader &&
    !rule.HeaderContainsMessageHeader
  )
}

/**
 * Runs the mail flow rules in priority order (0 first) for one recipient. Disabled rules are
 * skipped; rules in Audit mode match but do not act; StopRuleProcessing ends evaluation. A rule
 * with conditions passage does not model, or unmodelled actions that can change the placement
 * (reject, delete, quarantine, redirect, route, moderate), is never applied and the trace says it
 * might act; unmodelled actions that cannot (disclaimers, copies, ...) are noted. Headers set by a
 * rule are visible to later rules. Mutates `input.headers`.
 */
export function runTransportRules(input: RuleInput, trace: Trace): RuleOutcome {
  const out: RuleOutcome = { scl: null, sclRule: null, headersSet: {}, headerRules: {}, acted: [] }
  const rules = [...input.snapshot.state.transportRules].sort((a, b) => a.Priority - b.Priority)
  if (!rules.length) {
    trace.step('transport-rules', 'No mail flow rules', null)
    return out
  }
  for (const rule of rules) {
    const o = obj('transport-rule', rule.Name)
    if (rule.State !== 'Enabled') {
      trace.step('transport-rules', `Skipped (disabled), priority ${rule.Priority}`, o)
      continue
    }
    const c = checkConditions(rule, input)
    if (c.ok === false) {
      trace.step('transport-rules', `Does not match: ${c.why}`, o)
      continue
    }
    if (c.ok === 'unknown') {
      trace.uncertain(
        'transport-rules',
        'Cannot tell whether the rule matches; not applied',
        o,
        c.why,
      )
      continue
    }
    if (rule.Mode !== 'Enforce') {
      const unknown = unmodelledPartsOf(rule.Unmodelled).predicates
      trace.step(
        'transport-rules',
        unknown.length
          ? `In ${rule.Mode} mode: no action taken whether or not it matches (${unknown.join(', ')} not modelled)`
          : `Matches (${c.why.join('; ')}) but is in ${rule.Mode} mode: no action taken`,
        o,
      )
      if (rule.StopRuleProcessing && !unknown.length)
        trace.uncertain(
          'transport-rules',
          'StopRuleProcessing not applied for a rule in audit mode',
          o,
          'The reference does not say whether an audit-mode rule stops later rules',
        )
      continue
    }
    const parts = unmodelledPartsOf(rule.Unmodelled)
    if (
      parts.predicates.length &&
      !input.message.attachments.length &&
      parts.predicates.some(isAttachmentCondition)
    ) {
      trace.step(
        'transport-rules',
        'Does not match: the message has no attachments',
        o,
        `Condition ${parts.predicates.filter(isAttachmentCondition).join(', ')}`,
      )
      continue
    }
    if (parts.predicates.length || parts.placementActions.length) {
      trace.uncertain(
        'transport-rules',
        parts.predicates.length
          ? `Matches on every condition passage models, but also has ${parts.predicates.join(', ')}; not applied`
          : `Matches, but would also ${parts.placementActions.join(', ')}; not applied`,
        o,
        parts.predicates.length
          ? 'passage does not model these conditions: the rule may act on this message'
          : 'passage does not model these actions, which can change where the message lands',
      )
      continue
    }
    const actions: string[] = []
    if (rule.SetSCL !== null && rule.SetSCL !== undefined) {
      if (out.scl !== null)
        trace.uncertain(
          'transport-rules',
          `SCL ${rule.SetSCL} overwrites SCL ${out.scl} set by '${out.sclRule}'`,
          o,
          'The reference does not say which SetSCL wins when several rules set it; the later rule is assumed to',
        )
      out.scl = rule.SetSCL
      out.sclRule = rule.Name
      actions.push(`SetSCL ${rule.SetSCL}`)
      if (rule.SetSCL >= 0 && rule.SetSCL <= 4)
        trace.uncertain(
          'transport-rules',
          `SCL ${rule.SetSCL} is neither a bypass nor a spam mark`,
          o,
          'The reference documents SetSCL -1 (bypass), 5/6 (spam) and 9 (HC spam) as inputs to filtering; SCL 0-4 is treated as having no effect',
        )
    }
    if (rule.SetHeaderName || rule.SetHeaderValue) {
      if (rule.SetHeaderName && rule.SetHeaderValue !== null && rule.SetHeaderValue !== undefined) {
        input.headers.set(rule.SetHeaderName, rule.SetHeaderValue)
        out.headersSet[rule.SetHeaderName] = rule.SetHeaderValue
        out.headerRules[rule.SetHeaderName] = rule.Name
        actions.push(`SetHeader ${rule.SetHeaderName}: ${rule.SetHeaderValue}`)
      } else
        trace.uncertain(
          'transport-rules',
          'SetHeader ignored: the rule sets a header name or a value but not both',
          o,
          'The reference says to always use SetHeaderName and SetHeaderValue together',
        )
    }
    out.acted.push(rule.Name)
    if (parts.otherActions.length)
      actions.push(
        `also ${parts.otherActions.join(', ')} (not modelled; they do not change where the message lands)`,
      )
    trace.step(
      'transport-rules',
      `Matches (${c.why.join('; ')}): ${actions.length ? actions.join(', ') : 'no modelled action'}`,
      o,
      rule.SetSCL === -1 && senderOnly(rule)
        ? 'Bypass on the sender address alone: anyone can forge it (Microsoft advises an authentication or IP condition)'
        : undefined,
    )
    if (rule.StopRuleProcessing) {
      trace.step('transport-rules', 'StopRuleProcessing: later rules are not evaluated', o)
      break
    }
  }
  return out
}
