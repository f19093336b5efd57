/**
 * Where a vendor's messages land across recipients, today and after the plan: counts per
 * placement for each group of recipients (each preset policy's members, and everyone else), the
 * data of the wizard's before/after chart.
 */
import type { JourneyPair, Placement } from './types.js'

/** Placements in the order a chart shows them, best first. */
export const PLACEMENTS: readonly Placement[] = [
  'inbox',
  'junk',
  'quarantine',
  'dropped',
  'rejected',
  'unknown',
]

/** Message copies per placement. */
export type PlacementCounts = Record<Placement, number>

/** One group of recipients and where their copies land. */
export interface LandingGroup {
  /** The preset policy covering the group, or null for recipients no preset covers. */
  preset: string | null
  /** The group in words. */
  label: string
  recipients: string[]
  before: PlacementCounts
  after: PlacementCounts | null
  /** Copies counted in the group (the same before and after). */
  copies: number
}

function zero(): PlacementCounts {
  return { inbox: 0, junk: 0, quarantine: 0, dropped: 0, rejected: 0, unknown: 0 }
}

/**
 * Groups copies by the preset covering their recipient (ordinary recipients last) and counts
 * where they land today and after the plan.
 */
export function landingSummary(
  rows: readonly { recipient: string; journey: JourneyPair }[],
): LandingGroup[] {
  const groups = new Map<string, LandingGroup>()
  for (const r of rows) {
    const preset = r.journey.before.preset
    const key = preset ?? ''
    let g = groups.get(key)
    if (!g) {
      g = {
        preset,
        label: preset ? `Covered by ${preset}` : 'Not covered by a preset policy',
        recipients: [],
        before: zero(),
        after: r.journey.after ? zero() : null,
        copies: 0,
      }
      groups.set(key, g)
    }
    if (!g.recipients.includes(r.recipient)) g.recipients.push(r.recipient)
    g.copies++
    g.before[r.journey.before.placement]++
    if (g.after && r.journey.after) g.after[r.journey.after.placement]++
  }
  return [...groups.values()].sort((a, b) => Number(a.preset === null) - Number(b.preset === null))
}
