import type { Change, JsonObject, SurfaceKind } from '../change.js'
import type { CmdletCall } from '../cmdlet.js'
import type { SurfaceState } from '../model/snapshot.js'

/**
 * One kind of Defender object: where its objects live in a snapshot, how they are keyed, which
 * cmdlets read them and which cmdlets carry out a change. Every surface has this shape, so adding
 * one is copying a sibling; applying, undoing and verifying changes is generic (see apply.ts).
 */
export interface Surface {
  kind: SurfaceKind
  title: string
  /** Exists only with Defender for Office 365. */
  mdoOnly: boolean
  /** The cmdlet calls that read this surface. */
  reads: CmdletCall[]
  /** The surface's objects in a state (JSON views of the model objects). */
  objects(state: SurfaceState): JsonObject[]
  /** A copy of the state with the surface's objects replaced. */
  withObjects(state: SurfaceState, objects: JsonObject[]): SurfaceState
  /** The object's key (unique on the surface). */
  key(obj: JsonObject): string
  /** True when objects are ordered by a contiguous Priority that Exchange shifts on insert. */
  ordered: boolean
  /** The cmdlet calls that carry out a change on this surface. */
  calls(change: Change): CmdletCall[]
}

/** Reads a string field of a JSON object ('' when absent). */
export function str(o: JsonObject | null | undefined, field: string): string {
  const v = o?.[field]
  return typeof v === 'string' ? v : ''
}

/** Reads a list field of a JSON object ([] when absent). */
export function strs(o: JsonObject | null | undefined, field: string): string[] {
  const v = o?.[field]
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

/** The object a change leaves behind, or had before (for removals). */
export function subject(change: Change): JsonObject {
  const o = change.after ?? change.before
  if (!o) throw new Error(`change ${change.id} has neither before nor after`)
  return o
}

/** Identity of the object a change targets (its name as Exchange knows it). */
export function identityOf(change: Change): string {
  return str(change.before, 'Name') || str(change.after, 'Name') || change.target
}
