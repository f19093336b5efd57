/**
 * The mail's path as the wizard's API carries it: a delivered message's journey from its headers,
 * and, for a plan's simulation, where the vendor's copies land per group of recipients (the
 * before/after chart) and the text rendering the wizard saves as a file.
 *
 * Node-free (core only), like views.ts: the web client's type-check follows these imports.
 */
import type { HeaderAnalysis } from '../core/headers/index.js'
import {
  journeyFromHeaders,
  journeyLines,
  journeyPairLines,
  landingSummary,
} from '../core/journey/index.js'
import type { Simulation } from '../core/simulate/index.js'

/** A delivered message's path through Defender, as its headers tell it, with its text. */
export function headerJourneyView(a: HeaderAnalysis) {
  const journey = journeyFromHeaders(a)
  return { ...journey, text: journeyLines(journey) }
}

/**
 * What the wizard draws beside a plan's simulation (each row already carries its journey):
 * where copies land per group of recipients today and after the plan, and the whole text.
 */
export function simulationJourneyView(sim: Simulation | null) {
  if (!sim) return null
  return {
    landing: landingSummary(sim.rows),
    text: sim.rows.flatMap((r) => [...journeyPairLines(r.label, r.journey), '']),
  }
}
