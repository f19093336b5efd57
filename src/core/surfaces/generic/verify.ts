import type { Change, JsonObject } from '../../change.js'
import { canonicalJson } from '../../hash.js'
import type { Finding } from '../surface.js'
import { missingFrom } from './update.js'
import { strs } from '../surface.js'

/** Fields Exchange assigns on creation: a created object is not judged by them. */
const ASSIGNED_ON_CREATE = new Set(['Identity', 'Guid', 'Name'])

/**
 * What keeps a change from being in effect on the object as it is now: a removed object still
 * there, a created or updated one missing, a field with another value, entries missing. Empty
 * when the change is in effect.
 */
export function effectProblems(current: JsonObject | null, change: Change): string[] {
  if (change.op === 'remove') return current ? ['still exists'] : []
  if (!current) return ['does not exist']
  const out: string[] = []
  const expected: JsonObject = change.op === 'create' ? (change.after ?? {}) : (change.set ?? {})
  for (const [field, value] of Object.entries(expected)) {
    if (change.op === 'create' && ASSIGNED_ON_CREATE.has(field)) continue
    if (canonicalJson(current[field] ?? null) !== canonicalJson(value ?? null))
      out.push(
        `${field} is ${JSON.stringify(current[field] ?? null)}, expected ${JSON.stringify(value)}`,
      )
  }
  for (const [field, entries] of Object.entries(change.add ?? {})) {
    const missing = missingFrom(strs(current, field), entries)
    if (missing.length) out.push(`${field} lacks ${missing.join(', ')}`)
  }
  return out
}

const REPLAN = 'Run `passage discover`, `passage plan` and `passage apply` again to put it back.'

/** The findings of a change not in effect, with the usual diagnosis (someone changed it). */
export function effectFindings(current: JsonObject | null, change: Change): Finding[] {
  return effectProblems(current, change).map((problem) =>
    problem === 'does not exist'
      ? {
          changeId: change.id,
          target: change.target,
          problem: `${change.summary}: the object does not exist`,
          diagnosis:
            'It was removed after apply, by an admin or another tool that manages this tenant (see the co-managers `passage discover` lists).',
          fix: REPLAN,
        }
      : {
          changeId: change.id,
          target: change.target,
          problem: `${change.summary}: ${problem}`,
          diagnosis:
            'It was changed after apply, by an admin or another tool that manages this tenant.',
          fix: REPLAN,
        },
  )
}
