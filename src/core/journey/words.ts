/** The plain words the journey uses for the evaluator's kinds, verdicts and placements. */
import type { Action, TraceObject } from '../evaluator/types.js'
import { OBJECT_WORDS } from '../evaluator/words.js'
import type { JourneyObject, Placement } from './types.js'

/** An evaluator object in words. */
export function objectOf(o: TraceObject | null): JourneyObject | null {
  return o ? { kind: OBJECT_WORDS[o.kind], name: o.name } : null
}

/** `mail flow rule 'X'`, or the kind alone when unnamed. */
export function named(o: JourneyObject | null): string {
  if (!o) return ''
  return o.name ? `${o.kind} '${o.name}'` : `${article(o.kind)} ${o.kind}`
}

/**
 * "a" or "an" before a kind: by its sound, so an initialism whose first letter is said with a
 * vowel takes "an" ("an IP Allow List entry", "an MX record", "a Safe Links policy").
 */
export function article(phrase: string): 'a' | 'an' {
  const initialism = /^[A-Z]{2,}\b/.test(phrase)
  if (initialism) return 'AEFHILMNORSX'.includes(phrase[0]!) ? 'an' : 'a'
  return /^[aeiou]/i.test(phrase) ? 'an' : 'a'
}

/** Where a placement puts the message, in words. */
export const PLACEMENT_WORDS: Record<Placement, string> = {
  inbox: 'Inbox',
  junk: 'Junk Email',
  quarantine: 'quarantine',
  dropped: 'dropped (not delivered)',
  rejected: 'rejected (returned to the sender)',
  unknown: 'not known',
}

/** The placement in words, with the quarantine policy when there is one. */
export function landingOf(action: Action | Placement, quarantinePolicy: string | null): string {
  return action === 'quarantine' && quarantinePolicy
    ? `quarantine (${quarantinePolicy})`
    : PLACEMENT_WORDS[action]
}

/** A list in words: `a`, `a and b`, `a, b and c`. */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}
