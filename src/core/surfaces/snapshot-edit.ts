/**
 * Pure edits of a tenant snapshot by changes, with Exchange's semantics where they matter
 * (priorities shift on insert and removal; list edits add only missing entries). The planner
 * uses them to see what a plan leaves, apply and rollback to follow their own writes, and the
 * property tests to prove that the shipped undo restores the tenant.
 */
import type { Change, JsonObject } from '../change.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { applyUpdate } from './generic/update.js'
import { appended, positionOf } from './positions.js'
import { effectProblems } from './generic/verify.js'
import { surfaceOf } from './registry.js'
import type { Surface, Undo } from './surface.js'

export { applyUpdate } from './generic/update.js'

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

/** A surface's objects in a snapshot (its state, or the tenant context it lives in). */
function objectsIn(surface: Surface, snapshot: TenantSnapshot): JsonObject[] {
  return surface.inSnapshot ? surface.inSnapshot.objects(snapshot) : surface.objects(snapshot.state)
}

/** A copy of the snapshot with a surface's objects replaced. */
function withObjectsIn(
  surface: Surface,
  snapshot: TenantSnapshot,
  objects: JsonObject[],
): TenantSnapshot {
  return surface.inSnapshot
    ? surface.inSnapshot.withObjects(snapshot, objects)
    : { ...snapshot, state: surface.withObjects(snapshot.state, objects) }
}

/** The object a change targets in a snapshot, or null. */
export function objectOf(snapshot: TenantSnapshot, change: Pick<Change, 'surface' | 'target'>) {
  const surface = surfaceOf(change.surface)
  const objects = objectsIn(surface, snapshot)
  return objects[positionOf(surface, objects, change.target)] ?? null
}

/**
 * The snapshot as it would be after one change. Pure; throws when the change cannot apply.
 * Copy on write: the result shares every object the change leaves alone with `snapshot` (a
 * 40,000-entry list is not copied for one new entry); the objects it creates, updates or shifts
 * are new. Neither snapshot may be changed in place afterwards.
 */
export function applyChange(snapshot: TenantSnapshot, change: Change): TenantSnapshot {
  const surface = surfaceOf(change.surface)
  const current = objectsIn(surface, snapshot)
  const key = change.target
  const index = positionOf(surface, current, key)
  let objects: JsonObject[]
  if (change.op === 'create') {
    if (index >= 0) throw new Error(`cannot create ${key}: it exists`)
    const obj = clone(change.after ?? {})
    objects = surface.ordered ? shift(current, priorityOf(obj), 1) : [...current]
    objects.push(obj)
    if (!surface.ordered) appended(surface, current, objects, obj)
  } else if (change.op === 'remove') {
    const found = current[index]
    if (!found) throw new Error(`cannot remove ${key}: not found`)
    objects = [...current]
    objects.splice(index, 1)
    if (surface.ordered) objects = shift(objects, priorityOf(found) + 1, -1)
  } else {
    const found = current[index]
    if (!found) throw new Error(`cannot update ${key}: not found`)
    const updated = applyUpdate(found, change)
    objects = [...current]
    if (surface.ordered && priorityOf(updated) !== priorityOf(found)) {
      objects.splice(index, 1)
      objects = shift(objects, priorityOf(found) + 1, -1)
      objects = shift(objects, priorityOf(updated), 1)
      objects.push(updated)
    } else objects[index] = updated
  }
  if (surface.ordered) objects = sortByPriority(objects)
  return withObjectsIn(surface, snapshot, objects)
}

/** Applies changes in order. */
export function applyChanges(snapshot: TenantSnapshot, changes: readonly Change[]): TenantSnapshot {
  return changes.reduce(applyChange, snapshot)
}

/**
 * The undo of one change in a snapshot, the way rollback does it: the surface's three-way
 * inverse from the object before the change (`prior`) and the object in `now`.
 */
export function undoIn(
  now: TenantSnapshot,
  change: Change,
  prior: JsonObject | null,
  opts: { force?: boolean } = {},
): Undo {
  return surfaceOf(change.surface).inverse(change, prior, objectOf(now, change), opts)
}

/**
 * Applies changes to `snapshot`, then undoes them last first exactly as rollback does (journaled
 * prior of each change, three-way inverse against the state then). Returns the state after the
 * undo and every undo, for tests and simulations. Pure.
 */
export function applyThenUndo(
  snapshot: TenantSnapshot,
  changes: readonly Change[],
): { applied: TenantSnapshot; restored: TenantSnapshot; undos: Undo[] } {
  const priors: (JsonObject | null)[] = []
  let working = snapshot
  for (const c of changes) {
    priors.push(objectOf(working, c))
    working = applyChange(working, c)
  }
  const applied = working
  const undos: Undo[] = []
  for (let i = changes.length - 1; i >= 0; i--) {
    const c = changes[i] as Change
    const undo = undoIn(working, c, priors[i] ?? null)
    undos.push(undo)
    if (undo.change) working = applyChange(working, undo.change)
  }
  return { applied, restored: working, undos }
}

/**
 * Whether a change is in effect in a snapshot: a created object exists (never create it twice),
 * a removed one is gone, an update's fields and entries are there.
 */
export function inEffect(snapshot: TenantSnapshot, change: Change): boolean {
  const cur = objectOf(snapshot, change)
  if (change.op === 'create') return cur !== null
  if (change.op === 'remove') return cur === null
  return effectProblems(cur, change).length === 0
}
