import type { Change, Json, JsonObject } from '../../change.js'
import { canonicalJson } from '../../hash.js'
import type { DriftField } from '../surface.js'
import { sameEntries } from './update.js'
import { strs } from '../surface.js'

/** Identity-like fields Exchange assigns: never drift. */
const ASSIGNED = new Set(['Identity', 'Guid'])

/**
 * The fields a change touches that differ between what the plan recorded (`recorded`, the
 * change's `before`) and the object now: apply refuses to write over someone else's change.
 */
export function driftFields(
  recorded: JsonObject | null,
  current: JsonObject | null,
  change: Change,
): DriftField[] {
  const d = (field: string, planned: Json, actual: Json): DriftField => ({
    changeId: change.id,
    target: change.target,
    field,
    planned,
    actual,
  })
  if (change.op === 'create') return current ? [d('(object)', null, 'exists already')] : []
  if (!current) return [d('(object)', 'exists', null)]
  const before = recorded ?? {}
  const out: DriftField[] = []
  const fields =
    change.op === 'remove'
      ? Object.keys(before).filter((f) => !ASSIGNED.has(f))
      : Object.keys(change.set ?? {})
  for (const f of fields)
    if (canonicalJson(before[f] ?? null) !== canonicalJson(current[f] ?? null))
      out.push(d(f, before[f] ?? null, current[f] ?? null))
  for (const f of new Set([...Object.keys(change.add ?? {}), ...Object.keys(change.remove ?? {})]))
    if (!sameEntries(strs(before, f), strs(current, f)))
      out.push(d(f, before[f] ?? null, current[f] ?? null))
  return out
}
