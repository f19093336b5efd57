/**
 * Drift: whether an object still is what the plan saw, on the fields the change touches. Apply
 * refuses to write over someone else's change made since the plan (re-plan instead). Pure.
 */
import type { Change, Json, JsonObject } from '../core/change.js'
import { canonicalJson } from '../core/hash.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import { verifyChange } from '../core/surfaces/apply.js'
import { surfaceOf } from '../core/surfaces/registry.js'
import { strs } from '../core/surfaces/surface.js'

/** One field that differs from what the plan recorded. */
export interface DriftField {
  changeId: string
  target: string
  field: string
  planned: Json
  actual: Json
}

/** Identity-like fields Exchange assigns: never drift. */
const ASSIGNED = new Set(['Identity', 'Guid'])

/** The object a change targets in a snapshot, or null. */
export function currentObject(snapshot: TenantSnapshot, change: Change): JsonObject | null {
  const surface = surfaceOf(change.surface)
  return surface.objects(snapshot.state).find((o) => surface.key(o) === change.target) ?? null
}

const setOf = (o: JsonObject | null, field: string) =>
  canonicalJson([...new Set(strs(o, field).map((e) => e.toLowerCase()))].sort())

/** The fields a change touches that differ between `before` (the plan's) and `current`. */
export function driftOf(change: Change, current: JsonObject | null): DriftField[] {
  const d = (field: string, planned: Json, actual: Json): DriftField => ({
    changeId: change.id,
    target: change.target,
    field,
    planned,
    actual,
  })
  if (change.op === 'create') return current ? [d('(object)', null, 'exists already')] : []
  if (!current) return [d('(object)', 'exists', null)]
  const before = change.before ?? {}
  const out: DriftField[] = []
  const fields =
    change.op === 'remove'
      ? Object.keys(before).filter((f) => !ASSIGNED.has(f))
      : Object.keys(change.set ?? {})
  for (const f of fields)
    if (canonicalJson(before[f] ?? null) !== canonicalJson(current[f] ?? null))
      out.push(d(f, before[f] ?? null, current[f] ?? null))
  for (const f of new Set([...Object.keys(change.add ?? {}), ...Object.keys(change.remove ?? {})]))
    if (setOf(before, f) !== setOf(current, f))
      out.push(d(f, before[f] ?? null, current[f] ?? null))
  return out
}

/**
 * Whether a change is in effect: a created object exists (never create it twice), a removed one
 * is gone, an update's fields and entries are there.
 */
export function inEffect(snapshot: TenantSnapshot, change: Change): boolean {
  const cur = currentObject(snapshot, change)
  if (change.op === 'create') return cur !== null
  if (change.op === 'remove') return cur === null
  return verifyChange(snapshot, change).length === 0
}
