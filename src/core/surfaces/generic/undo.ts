import type { Change, Json, JsonObject } from '../../change.js'
import type { CmdletCall } from '../../cmdlet.js'
import { canonicalJson } from '../../hash.js'
import { hasMarker } from '../../model/common.js'
import type { Undo, UndoConflict } from '../surface.js'
import { strs } from '../surface.js'
import { applyUpdate } from './update.js'

/** Fields where passage writes its marker. */
const MARKER_FIELDS = ['Comments', 'Notes', 'AdminDisplayName', 'Comment']

/** True when an object carries passage's marker in one of the fields it writes it to. */
export function carriesMarker(o: JsonObject | null): boolean {
  return MARKER_FIELDS.some((f) => typeof o?.[f] === 'string' && hasMarker(o[f]))
}

const same = (a: Json | undefined, b: Json | undefined) =>
  canonicalJson(a ?? null) === canonicalJson(b ?? null)
const lower = (xs: string[]) => new Set(xs.map((x) => x.toLowerCase()))

/** The inverse change with its calls (derived by the surface, as every call is). */
function inverse(
  change: Change,
  patch: Partial<Change>,
  calls: (c: Change) => CmdletCall[],
): Change {
  const inv: Change = {
    ...change,
    id: `${change.id}-undo`,
    summary: `Undo: ${change.summary}`,
    dependsOn: [],
    limits: [],
    baselines: [],
    risk: { level: 'low', reason: 'restores the prior state' },
    calls: [],
    ...patch,
  }
  if (!patch.set) delete inv.set
  if (!patch.add) delete inv.add
  if (!patch.remove) delete inv.remove
  return { ...inv, calls: calls(inv) }
}

const nothing = (note: string, conflicts: UndoConflict[] = []): Undo => ({
  change: null,
  calls: [],
  conflicts,
  note,
})

/**
 * The three-way undo of a change (see Surface.inverse): `prior` is the object before passage's
 * change (the journal), `current` the object now. A field someone changed since passage set it
 * is a conflict and keeps their value, unless `force`.
 */
export function undoChange(
  change: Change,
  prior: JsonObject | null,
  current: JsonObject | null,
  calls: (c: Change) => CmdletCall[],
  force = false,
): Undo {
  const done = (inv: Change, conflicts: UndoConflict[] = []): Undo => ({
    change: inv,
    calls: inv.calls,
    conflicts,
  })
  if (prior === null) {
    if (current === null) return nothing('not there: nothing to remove')
    // Only remove what still carries passage's marker, when the change wrote one.
    if (carriesMarker(change.after) && !carriesMarker(current) && !force)
      return nothing("no longer carries passage's marker: someone else owns it now, left alone", [
        { field: '(marker)', passage: 'managed-by=passage', current: 'removed', prior: null },
      ])
    return done(inverse(change, { op: 'remove', before: current, after: null }, calls))
  }
  if (current === null) {
    if (change.op !== 'remove') return nothing('removed since by someone else: nothing to restore')
    return done(inverse(change, { op: 'create', before: null, after: prior }, calls))
  }
  if (change.op === 'remove') return nothing('exists again (re-created since): left alone')
  const set: JsonObject = {}
  const conflicts: UndoConflict[] = []
  for (const [f, value] of Object.entries(change.set ?? {})) {
    if (same(current[f], prior[f])) continue
    if (same(current[f], value) || force) set[f] = (prior[f] ?? null) as Json
    else
      conflicts.push({
        field: f,
        passage: value,
        current: (current[f] ?? null) as Json,
        prior: (prior[f] ?? null) as Json,
      })
  }
  const remove: Record<string, string[]> = {}
  for (const [f, added] of Object.entries(change.add ?? {})) {
    const had = lower(strs(prior, f))
    const has = lower(strs(current, f))
    // Only entries passage added (not there before) and still there.
    const drop = added.filter((e) => !had.has(e.toLowerCase()) && has.has(e.toLowerCase()))
    if (drop.length) remove[f] = drop
  }
  const add: Record<string, string[]> = {}
  for (const [f, removed] of Object.entries(change.remove ?? {})) {
    const had = lower(strs(prior, f))
    const has = lower(strs(current, f))
    const back = removed.filter((e) => had.has(e.toLowerCase()) && !has.has(e.toLowerCase()))
    if (back.length) add[f] = back
  }
  const edit = {
    ...(Object.keys(set).length ? { set } : {}),
    ...(Object.keys(add).length ? { add } : {}),
    ...(Object.keys(remove).length ? { remove } : {}),
  }
  if (!edit.set && !edit.add && !edit.remove)
    return nothing(
      conflicts.length ? 'changed since by someone else: left as they set it' : 'already as it was',
      conflicts,
    )
  const inv = inverse(
    change,
    { op: 'update', before: current, after: applyUpdate(current, edit), ...edit },
    calls,
  )
  return done(inv, conflicts)
}
