import type { Change, Json, JsonObject } from '../change.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { surfaceOf } from './registry.js'
import { strs } from './surface.js'

const clone = <T>(v: T): T => structuredClone(v)

function priorityOf(o: JsonObject): number {
  return typeof o.Priority === 'number' ? o.Priority : 0
}

/** Shifts priorities as Exchange does when a rule is inserted at `at` (delta +1) or removed (-1). */
function shift(objects: JsonObject[], from: number, delta: 1 | -1): JsonObject[] {
  return objects.map((o) => (priorityOf(o) >= from ? { ...o, Priority: priorityOf(o) + delta } : o))
}

function sortByPriority(objects: JsonObject[]): JsonObject[] {
  return [...objects].sort((a, b) => priorityOf(a) - priorityOf(b))
}

/** Applies the fields and list edits of an update to one object. */
export function applyUpdate(obj: JsonObject, change: Change): JsonObject {
  const out: JsonObject = { ...obj, ...clone(change.set ?? {}) }
  for (const [field, entries] of Object.entries(change.add ?? {})) {
    const list = strs(out, field)
    const have = new Set(list.map((e) => e.toLowerCase()))
    out[field] = [...list, ...entries.filter((e) => !have.has(e.toLowerCase()))]
  }
  for (const [field, entries] of Object.entries(change.remove ?? {})) {
    const drop = new Set(entries.map((e) => e.toLowerCase()))
    out[field] = strs(out, field).filter((e) => !drop.has(e.toLowerCase()))
  }
  return out
}

/**
 * The snapshot as it would be after one change, with Exchange's semantics where they matter
 * (priorities shift on insert and removal; list edits add only missing entries). Pure.
 */
export function applyChange(snapshot: TenantSnapshot, change: Change): TenantSnapshot {
  const surface = surfaceOf(change.surface)
  let objects = surface.objects(snapshot.state).map(clone)
  const key = change.target
  const index = objects.findIndex((o) => surface.key(o) === key)
  if (change.op === 'create') {
    if (index >= 0) throw new Error(`cannot create ${key}: it exists`)
    const obj = clone(change.after ?? {})
    if (surface.ordered) objects = shift(objects, priorityOf(obj), 1)
    objects.push(obj)
  } else if (change.op === 'remove') {
    const found = objects[index]
    if (!found) throw new Error(`cannot remove ${key}: not found`)
    objects.splice(index, 1)
    if (surface.ordered) objects = shift(objects, priorityOf(found) + 1, -1)
  } else {
    const found = objects[index]
    if (!found) throw new Error(`cannot update ${key}: not found`)
    const updated = applyUpdate(found, change)
    if (surface.ordered && priorityOf(updated) !== priorityOf(found)) {
      objects.splice(index, 1)
      objects = shift(objects, priorityOf(found) + 1, -1)
      objects = shift(objects, priorityOf(updated), 1)
      objects.push(updated)
    } else objects[index] = updated
  }
  if (surface.ordered) objects = sortByPriority(objects)
  return { ...snapshot, state: surface.withObjects(snapshot.state, objects) }
}

/** Applies changes in order. */
export function applyChanges(snapshot: TenantSnapshot, changes: readonly Change[]): TenantSnapshot {
  return changes.reduce(applyChange, snapshot)
}

/**
 * The change that undoes `change`: a creation becomes a removal, a removal a creation, an update
 * sets back the prior values of the fields it set and removes only the entries it added.
 */
export function inverseChange(change: Change): Change {
  const inv: Change = {
    ...change,
    id: `${change.id}-undo`,
    summary: `Undo: ${change.summary}`,
    before: change.after,
    after: change.before,
    dependsOn: [],
    limits: [],
    baselines: [],
    risk: { level: 'low', reason: 'restores the prior state' },
    calls: [],
  }
  delete inv.set
  delete inv.add
  delete inv.remove
  if (change.op === 'create') inv.op = 'remove'
  else if (change.op === 'remove') inv.op = 'create'
  else {
    if (change.set) {
      const set: JsonObject = {}
      for (const field of Object.keys(change.set))
        set[field] = (change.before?.[field] ?? null) as Json
      inv.set = set
    }
    if (change.add) inv.remove = change.add
    if (change.remove) inv.add = change.remove
  }
  inv.calls = surfaceOf(inv.surface).calls(inv)
  return inv
}

/** The changes that undo a list of changes, last first. */
export function inverseChanges(changes: readonly Change[]): Change[] {
  return [...changes].reverse().map(inverseChange)
}

/** One reason a change is not (or no longer) in effect. */
export interface Finding {
  changeId: string
  target: string
  problem: string
}

/** Checks that a change is in effect in a snapshot: the object exists with its fields and entries. */
export function verifyChange(snapshot: TenantSnapshot, change: Change): Finding[] {
  const surface = surfaceOf(change.surface)
  const obj = surface.objects(snapshot.state).find((o) => surface.key(o) === change.target)
  const finding = (problem: string): Finding => ({
    changeId: change.id,
    target: change.target,
    problem,
  })
  if (change.op === 'remove') return obj ? [finding('still exists')] : []
  if (!obj) return [finding('does not exist')]
  const out: Finding[] = []
  const expected: JsonObject = change.op === 'create' ? (change.after ?? {}) : (change.set ?? {})
  for (const [field, value] of Object.entries(expected)) {
    if (change.op === 'create' && ['Identity', 'Guid', 'Name'].includes(field)) continue
    if (JSON.stringify(obj[field] ?? null) !== JSON.stringify(value ?? null))
      out.push(
        finding(
          `${field} is ${JSON.stringify(obj[field] ?? null)}, expected ${JSON.stringify(value)}`,
        ),
      )
  }
  for (const [field, entries] of Object.entries(change.add ?? {})) {
    const have = new Set(strs(obj, field).map((e) => e.toLowerCase()))
    const missing = entries.filter((e) => !have.has(e.toLowerCase()))
    if (missing.length) out.push(finding(`${field} lacks ${missing.join(', ')}`))
  }
  return out
}
