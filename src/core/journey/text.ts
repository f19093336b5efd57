/**
 * The journey as plain text: one line per stage, the deciding stage marked. What `passage
 * simulate` and `passage explain` print (the CLI adds colour), and what the wizard saves as a file.
 */
import type { Journey, JourneyPair, JourneyStage, StageStatus } from './types.js'
import { named } from './words.js'

/** The mark of each status, readable without colour. */
export const STATUS_MARKS: Record<StageStatus, string> = {
  decided: '▶',
  acted: '•',
  passed: '✓',
  skipped: '–',
}

const TITLE_WIDTH = 36
const STATUS_WIDTH = 8

/** The stage's detail with its object named, unless the detail already names it. */
export function stageDetail(s: JourneyStage): string {
  const o = s.object
  const withObject =
    o && o.name && !s.detail.includes(o.name) ? `${s.detail} (${named(o)})` : s.detail
  return s.uncertain ? `${withObject} [not certain]` : withObject
}

/** One stage as one line: mark, name, status, what happened. */
export function stageLine(s: JourneyStage): string {
  return `${STATUS_MARKS[s.status]} ${s.title.padEnd(TITLE_WIDTH)} ${s.status.padEnd(STATUS_WIDTH)} ${stageDetail(s)}`
}

/** A journey: its summary, then one line per stage (indented). */
export function journeyLines(j: Journey, indent = '  '): string[] {
  return [j.summary, ...j.stages.map((s) => `${indent}${stageLine(s)}`)]
}

/** Who the copy is for, with the preset that covers them. */
export function recipientLabel(j: Journey): string {
  if (!j.recipient) return 'the recipient'
  return j.preset ? `${j.recipient} (covered by ${j.preset})` : j.recipient
}

/**
 * A message's path today and after the plan, as text: a heading, then each journey with one line
 * per stage.
 */
export function journeyPairLines(label: string, pair: JourneyPair): string[] {
  const out = [`${label} to ${recipientLabel(pair.before)}`]
  out.push(`  today: ${pair.before.summary}`)
  out.push(...pair.before.stages.map((s) => `    ${stageLine(s)}`))
  if (pair.after) {
    out.push(`  after the plan: ${pair.after.summary}`)
    out.push(...pair.after.stages.map((s) => `    ${stageLine(s)}`))
  }
  return out
}
