import { mechanismOf, type Notice, type PlanContext } from '../mechanisms/index.js'
import type { PlannedProtection } from '../plan-format.js'
import type { MechanismId } from '../protections/ids.js'

/** The planner's own notice about relay routing (rank 20 among the mechanisms' notices). */
const RELAY: Notice = {
  rank: 20,
  text: 'Microsoft strongly recommends against in-and-out relay routing (mdo-integrate-security-service): moving the relay to MX (with enhanced filtering) or to API integration is safer than any allow. If it must stay, Microsoft advises quarantining every negative verdict and two spoofed-sender allows (External and Internal) for the relay, not mail flow rules or IP allows, which can let false negatives through.',
}

/**
 * What the plan's allows can do with malware and high-confidence phish, said first in every plan.
 * Secure by default holds only while MX points to Microsoft 365; with MX elsewhere, SCL -1 rules,
 * Tenant Allow/Block List allows and anti-spam allowed senders can deliver high-confidence phish.
 */
// ms-rule: plan.notice.hc-phish-routing
export function highConfidencePhishNotice(
  ctx: PlanContext,
  mechanisms: readonly MechanismId[],
): string {
  const mx = ctx.snapshot.mx
  if (mx.route === 'microsoft')
    return 'MX points to Microsoft 365, so secure by default holds: no allow in this plan delivers malware or high-confidence phish; those messages stay quarantined (only advanced delivery for simulations is exempt).'
  const titles = (kind: 'delivers' | 'unknown') =>
    mechanisms
      .filter((m) => mechanismOf(m).highConfidencePhishOffMicrosoftMx === kind)
      .map((m) => mechanismOf(m).def.title)
  const delivers = titles('delivers')
  const unknown = titles('unknown')
  const out = [
    `MX points to ${mx.gateway}, not Microsoft 365: secure by default does not apply, so Microsoft no longer promises that high-confidence phish stays quarantined.`,
  ]
  if (delivers.length)
    out.push(
      `These planned allows can deliver messages Microsoft detects as high-confidence phish: ${delivers.join('; ')}.`,
    )
  if (unknown.length)
    out.push(
      `Microsoft does not say whether these can: ${unknown.join('; ')} (its list for MX elsewhere leaves out the IP Allow List, which it lists among the overrides secure by default ignores).`,
    )
  if (!delivers.length && !unknown.length)
    out.push('None of this plan’s changes is an allow Microsoft lists as delivering it.')
  out.push('Malware is still quarantined.')
  return out.join(' ')
}

/** What the admin must know about a plan: what its allows can deliver, then the mechanisms' notices. */
export function planNotices(
  ctx: PlanContext,
  planned: readonly PlannedProtection[],
): [string, ...string[]] {
  const mechanisms = [...new Set(planned.map((p) => p.mechanism))]
  const notices = mechanisms.flatMap((m) => mechanismOf(m).notices?.(ctx) ?? [])
  if (ctx.vendor.category === 'inbound-relay') notices.push(RELAY)
  const texts = notices.sort((a, b) => a.rank - b.rank).map((n) => n.text)
  // Mechanisms that share a notice (the two quarantine ones) say it once.
  return [highConfidencePhishNotice(ctx, mechanisms), ...new Set(texts)]
}
