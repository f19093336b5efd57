/**
 * The mail's path in a terminal: the core's text rendering (one line per stage, the deciding
 * stage marked ▶) with the deciding line in bold and skipped stages dimmed when colour is on.
 */
import {
  journeyLines,
  journeyPairLines,
  type Journey,
  type JourneyPair,
} from '../core/journey/index.js'
import { paint } from './output.js'

/** Colours one rendered line by its mark (plain without a TTY or with NO_COLOR). */
function colour(line: string): string {
  const mark = line.trimStart()[0]
  if (mark === '▶') return paint('bold', line)
  if (mark === '–') return paint('dim', line)
  return line
}

/** One journey (a delivered message's headers, or one modelled copy). */
export function formatJourney(j: Journey): string {
  return journeyLines(j).map(colour).join('\n')
}

/** One group of copies sharing a path: who they are for, today and after the plan. */
export interface PathGroup {
  label: string
  pair: JourneyPair
  /** Other copies (other sending sources) that take exactly the same path. */
  alike: number
}

/**
 * Copies that take the same path (same recipient group, same stages today and after the plan)
 * shown once, so sixteen copies of one message do not print sixteen identical diagrams.
 */
export function pathGroups(rows: readonly { label: string; journey: JourneyPair }[]): PathGroup[] {
  const groups = new Map<string, PathGroup>()
  for (const r of rows) {
    const { before, after } = r.journey
    const key = JSON.stringify([
      before.recipient,
      before.stages,
      after?.stages ?? null,
      before.landing,
      after?.landing ?? null,
    ])
    const g = groups.get(key)
    if (g) g.alike++
    else groups.set(key, { label: r.label, pair: r.journey, alike: 0 })
  }
  return [...groups.values()]
}

/** The path of each distinct copy, today and after the plan. */
export function formatPaths(rows: readonly { label: string; journey: JourneyPair }[]): string {
  const out: string[] = []
  for (const g of pathGroups(rows)) {
    const lines = journeyPairLines(g.label, g.pair).map(colour)
    if (g.alike)
      lines[0] += ` (and ${g.alike} more cop${g.alike === 1 ? 'y' : 'ies'} from other sources alike)`
    out.push(...lines, '')
  }
  return out.join('\n').trimEnd()
}
