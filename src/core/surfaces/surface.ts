import type { Change, Json, JsonObject, SurfaceKind } from '../change.js'
import type { CmdletCall } from '../cmdlet.js'
import type { RecipientScope } from '../model/common.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import type { SurfaceState } from '../model/snapshot.js'

/** One Get-* call a surface reads with. */
export interface SurfaceRead {
  /** Unique name of the read (its results are handed back under it). */
  name: string
  call: CmdletCall
  /** Exists only with Defender for Office 365 (refused for want of a licence otherwise). */
  defender?: boolean
  /** Exchange answers "not found" when the singleton does not exist yet: read as empty. */
  notFoundIsEmpty?: boolean
  /**
   * The surface's `load` takes this read's objects as Exchange returned them, OData annotations
   * and empty (null or '') properties in place, and leaves those out itself in the walk it makes
   * over each object anyway (mail flow rules: rule-state.ts's transportRuleRead). Otherwise the
   * reader leaves them out first (app/read-state.ts's readableObject).
   */
  raw?: boolean
}

/** What the reads of a surface returned, by read name (raw Exchange objects). */
export type ReadResults = (name: string) => JsonObject[]

/** What passage wants one object to be: fields with values, list fields holding entries. */
export interface Desired {
  /** The whole object, when it should exist and may not yet (created with these fields). */
  create?: JsonObject
  /** Scalar or whole-list fields that should hold these values. */
  set?: JsonObject
  /** List fields that should contain these entries (others' entries are left alone). */
  contain?: Record<string, string[]>
}

/** The data part of a change a diff produces (the planner adds ids, risk, limits, ...). */
export type Delta = Pick<Change, 'op' | 'target' | 'before' | 'after' | 'set' | 'add' | 'remove'>

/** One field whose value is not what the plan recorded (apply refuses to write over it). */
export interface DriftField {
  changeId: string
  target: string
  field: string
  planned: Json
  actual: Json
}

/** One reason a change is not (or soon no longer) in effect, with its diagnosis and fix. */
export interface Finding {
  changeId: string
  target: string
  problem: string
  diagnosis: string
  fix: string
}

/** A field someone changed after passage set it: undo leaves their value unless forced. */
export interface UndoConflict {
  field: string
  /** The value passage set. */
  passage: Json
  /** The value the object holds now. */
  current: Json
  /** The value before passage's change (what undo would put back). */
  prior: Json
}

/** What undoing one change takes: the inverse change (null when nothing is to do), and why. */
export interface Undo {
  change: Change | null
  calls: CmdletCall[]
  /** Fields left as someone else set them (empty when forced). */
  conflicts: UndoConflict[]
  /** Why nothing is done, or what was left alone. */
  note?: string
}

/** What a surface's verify looks at: the tenant as read back and the time. */
export interface VerifyContext {
  snapshot: TenantSnapshot
  nowMs: number
  /**
   * Preset scopes the plan already named as leaving their recipients unchanged (the plan's
   * `presets`): a preset still scoped so is no surprise and not a finding; one whose scope changed
   * since is.
   */
  declaredPresets?: readonly DeclaredPreset[]
}

/** A preset rule's kind and recipient scope, as the plan recorded it. */
export interface DeclaredPreset {
  kind: 'EOP' | 'ATP'
  preset: 'Standard' | 'Strict'
  scope: RecipientScope
}

/**
 * One kind of Defender object, owning everything about it: how it is read, keyed and ordered,
 * what passage may do to it, and the pure functions that diff, carry out, undo, verify and
 * detect drift of a change on it. Every surface has this shape (see README.md beside this file).
 */
export interface Surface {
  kind: SurfaceKind
  title: string
  /** Exists only with Defender for Office 365. */
  mdoOnly: boolean
  /** The cmdlet calls that read this surface. */
  reads: readonly SurfaceRead[]
  /**
   * This surface's part of the raw state (before the model's schema parses it) from what its
   * reads returned; `defender` is false when the Defender-only reads were not possible.
   */
  load(got: ReadResults, defender: boolean): Partial<Record<keyof SurfaceState, unknown>>
  /** The surface's objects in a state (JSON views of the model objects). */
  objects(state: SurfaceState): JsonObject[]
  /** A copy of the state with the surface's objects replaced. */
  withObjects(state: SurfaceState, objects: JsonObject[]): SurfaceState
  /**
   * Where the objects live when they are tenant context rather than surface state (the preset
   * rules, `snapshot.presets`, which the evaluator and planner read): the snapshot's objects and a
   * copy of the snapshot with them replaced. When given, snapshot edits use these instead.
   */
  inSnapshot?: {
    objects(snapshot: TenantSnapshot): JsonObject[]
    withObjects(snapshot: TenantSnapshot, objects: JsonObject[]): TenantSnapshot
  }
  /** The object's key (unique on the surface). */
  key(obj: JsonObject): string
  /** True when objects are ordered by a contiguous Priority that Exchange shifts on insert. */
  ordered: boolean
  /** What passage may do on this surface (none: read only). */
  ops: readonly Change['op'][]
  /** Fields an update may set or edit (anything else in a plan is refused). */
  fields: readonly string[]
  /**
   * Passage changes only objects of this kind that it created: they carry its name prefix and
   * marker (mail flow rules, quarantine policies), and others' are never updated or removed.
   */
  owned?: boolean
  /** The change that brings `current` to `desired` (null when it already is). Pure. */
  diff(current: JsonObject | null, desired: Desired): Delta | null
  /** The cmdlet calls that carry out a change. Pure. */
  calls(change: Change): CmdletCall[]
  /**
   * The undo of a change, three-way: from the journaled prior state and the object now, restore
   * only what still holds passage's value (unless `force`), remove only entries passage added
   * and objects that still carry its marker. Pure.
   */
  inverse(
    change: Change,
    prior: JsonObject | null,
    current: JsonObject | null,
    opts?: { force?: boolean },
  ): Undo
  /** Findings when the change is not (or soon no longer) in effect. Pure. */
  verify(current: JsonObject | null, change: Change, ctx: VerifyContext): Finding[]
  /** The fields the change touches whose value differs from what the plan recorded. Pure. */
  drift(recorded: JsonObject | null, current: JsonObject | null, change: Change): DriftField[]
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
