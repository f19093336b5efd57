import type { TenantSnapshot } from '../model/snapshot.js'
import { ipMatchesAny } from '../net/ip.js'
import { domainRelation } from './match.js'
import { domainOf, type TestMessage } from './message.js'
import type { Routing } from './routing.js'
import { obj, type Trace } from './trace.js'
import type { TraceObject } from './types.js'

/** Which advanced delivery override applies to the recipient, if any. */
export interface AdvancedDeliveryMatch {
  kind: 'secops' | 'phish-sim' | null
  object: TraceObject | null
}

/**
 * Advanced delivery (reference §3.8): a SecOps mailbox override for listed recipients, or the
 * phishing simulation override, which needs the MAIL FROM or (passing) DKIM domain to match one of
 * its Domains AND the source IP to match one of its SenderIpRanges. It needs the MX at Microsoft
 * 365 or Enhanced Filtering, and does not support intra-organisation mail (DIR:INT).
 */
export function checkAdvancedDelivery(
  snapshot: TenantSnapshot,
  message: TestMessage,
  recipient: string,
  routing: Routing,
  trace: Trace,
): AdvancedDeliveryMatch {
  const stage = 'advanced-delivery'
  const ad = snapshot.state.advancedDelivery
  const secops = ad.secOpsPolicy
  if (secops?.Enabled && secops.SentTo.some((m) => m.trim().toLowerCase() === recipient)) {
    const o = obj('advanced-delivery', secops.Name)
    trace.step(stage, `Recipient is a SecOps mailbox: the message is delivered unfiltered`, o)
    return { kind: 'secops', object: o }
  }
  const policy = ad.phishSimPolicy
  const rule = ad.phishSimRule
  if (!policy || !rule) return { kind: null, object: null }
  const o = obj('advanced-delivery', rule.Name)
  if (!policy.Enabled) {
    trace.step(
      stage,
      'Phishing simulation override is disabled',
      obj('advanced-delivery', policy.Name),
    )
    return { kind: null, object: null }
  }
  const domains = rule.Domains.map((d) => d.trim().toLowerCase())
  const mailFromDomain = domainOf(message.mailFrom)
  const envelopeHit = domains.find((d) => domainRelation(mailFromDomain, d) === 'exact')
  const dkimHit =
    message.dkimDomain !== null && message.auth.dkim === 'pass'
      ? domains.find((d) => domainRelation(message.dkimDomain ?? '', d) === 'exact')
      : undefined
  const domainHit = envelopeHit ?? dkimHit
  const ipHit = ipMatchesAny(routing.cip, rule.SenderIpRanges)
  if (!domainHit || !ipHit) {
    const missing = [
      ...(domainHit
        ? []
        : [
            `neither the MAIL FROM domain ${mailFromDomain} nor a passing DKIM domain is in Domains`,
          ]),
      ...(ipHit ? [] : [`the source IP ${routing.cip} is not in SenderIpRanges`]),
    ]
    if (domainHit || ipHit)
      trace.step(
        stage,
        `Phishing simulation override does not apply: ${missing.join('; ')}`,
        o,
        'It needs one domain AND one IP to match',
      )
    else
      trace.step(
        stage,
        'Phishing simulation override does not apply (neither domain nor IP matches)',
        o,
      )
    if (
      !domainHit &&
      message.dkimDomain &&
      message.auth.dkim !== 'pass' &&
      domains.includes(message.dkimDomain)
    )
      trace.uncertain(
        stage,
        'DKIM domain listed but the signature does not pass',
        o,
        'Only a verified DKIM domain is treated as a match; the reference does not say',
      )
    return { kind: null, object: null }
  }
  if (routing.complexRouting && !routing.enhancedFiltering) {
    trace.step(
      stage,
      'Phishing simulation override matches but does not apply: the MX is not at Microsoft 365 and Enhanced Filtering is off',
      o,
      'Do not list the gateway’s IPs in the override: that would exempt anyone spoofing the domain',
    )
    return { kind: null, object: null }
  }
  if (message.direction === 'intra-org') {
    trace.step(
      stage,
      'Phishing simulation override does not apply to intra-organisation mail (DIR:INT)',
      o,
    )
    return { kind: null, object: null }
  }
  trace.step(
    stage,
    `Phishing simulation override applies: domain ${domainHit} (${envelopeHit ? 'MAIL FROM' : 'DKIM'}) and source IP ${routing.cip}`,
    o,
  )
  return { kind: 'phish-sim', object: o }
}
