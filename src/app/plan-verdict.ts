/**
 * Whether a plan that changes nothing may say "no changes": only when the vendor's typical
 * messages already land in the inbox, by the evaluator's simulation. Otherwise nothing can be
 * planned, and the admin is told why (the protections passed over, who stays unchanged, where the
 * messages land) rather than reassured: a refusal (PASSAGE_E_NOTHING_TO_PLAN, exit 2).
 *
 * Pure (core only): the CLI and the wizard's API both call it.
 */
import { PassageError } from '../core/errors/index.js'
import type { Plan } from '../core/plan-format.js'
import { protectionDef } from '../core/protections/definitions.js'
import type { Simulation } from '../core/simulate/index.js'

const PLACES: Record<string, string> = {
  inbox: 'the inbox',
  junk: 'Junk Email',
  quarantine: 'quarantine',
  dropped: 'nowhere (dropped)',
  rejected: 'nowhere (rejected)',
}

/** Where the simulated copies land today, in words ("2 of 4 in Junk Email, ..."). */
function landing(sim: Simulation): string {
  const n = sim.rows.length
  const parts = Object.entries(sim.totals.before)
    .filter(([, count]) => count > 0)
    .map(([action, count]) => `${count} of ${n} in ${PLACES[action] ?? action}`)
  return parts.join(', ')
}

/** True when every typical copy already lands in the inbox. */
export function alreadyLands(sim: Simulation | null): boolean {
  return sim !== null && sim.rows.length > 0 && sim.rows.every((r) => r.before.action === 'inbox')
}

/** What a plan without changes says when the vendor's mail already lands where it should. */
export function noChangesWords(p: Plan): string {
  return `No changes: ${p.vendor.name}'s typical messages already land in the inbox here.`
}

/**
 * The refusal of a plan that changes nothing while the vendor's mail does not land in the inbox
 * (or cannot be simulated); null when the plan changes something or nothing needs changing.
 */
export function nothingToPlan(p: Plan, sim: Simulation | null): PassageError | null {
  if (p.changes.length || alreadyLands(sim)) return null
  const why = p.skipped.map((s) => `${protectionDef(s.protection).title}: ${s.reason}`)
  const unchanged = (p.presets ?? []).map((n) => `${n.who} stay under the ${n.preset} preset`)
  const where = sim?.rows.length
    ? `Today its typical messages land: ${landing(sim)}.`
    : `passage cannot tell where ${p.vendor.name}'s mail lands: it has no sending IP addresses to simulate.`
  const reasons = [...why, ...unchanged]
  return new PassageError(
    'PASSAGE_E_NOTHING_TO_PLAN',
    `Nothing can be planned for ${p.vendor.name} here${reasons.length ? ` (${reasons.join('; ')})` : ''}. ${where}`,
    { details: { skipped: p.skipped, presets: p.presets ?? [] } },
  )
}
