import { mechanismOf, type Notice, type PlanContext } from '../mechanisms/index.js'
import type { PlannedProtection } from '../plan-format.js'

/** Said in every plan, first: what no allow can do. */
const NO_ALLOW_OVERRIDES =
  'No allow overrides malware or high-confidence phish verdicts: those messages are still quarantined (only advanced delivery for simulations is exempt).'

/** The planner's own notice about relay routing (rank 20 among the mechanisms' notices). */
const RELAY: Notice = {
  rank: 20,
  text: 'Microsoft strongly recommends against in-and-out relay routing; moving the relay to MX or API mode is safer than bypassing protections.',
}

/** What the admin must know about a plan: the general caveat, then the mechanisms' notices. */
export function planNotices(ctx: PlanContext, planned: readonly PlannedProtection[]): string[] {
  const mechanisms = [...new Set(planned.map((p) => p.mechanism))]
  const notices = mechanisms.flatMap((m) => mechanismOf(m).notices?.(ctx) ?? [])
  if (ctx.vendor.category === 'inbound-relay') notices.push(RELAY)
  const texts = notices.sort((a, b) => a.rank - b.rank).map((n) => n.text)
  // Mechanisms that share a notice (the two quarantine ones) say it once.
  return [NO_ALLOW_OVERRIDES, ...new Set(texts)]
}
