/**
 * What undoing one journaled change takes, from its prior state (the journal), the change, and
 * the object as it is now: remove what passage created (only while it still carries passage's
 * marker), set back the fields it set, remove only the entries it added to shared lists, put back
 * entries it removed. Nothing when the object is already as it was. Pure.
 */
import type { Change, Json, JsonObject } from '../core/change.js'
import type { CmdletCall } from '../core/cmdlet.js'
import { canonicalJson } from '../core/hash.js'
import { hasMarker } from '../core/model/common.js'
import { applyUpdate } from '../core/surfaces/apply.js'
import { surfaceOf } from '../core/surfaces/registry.js'
import { strs } from '../core/surfaces/surface.js'

/** The undo of one change: the inverse change to run (null when nothing is to be done). */
export interface Restore {
  change: Change | null
  calls: CmdletCall[]
  /** Why nothing is done, or what was left alone. */
  note?: string
}

/** Fields where passage writes its marker. */
const MARKER_FIELDS = ['Comments', 'Notes', 'AdminDisplayName', 'Comment']

function carriesMarker(o: JsonObject | null): boolean {
  return MARKER_FIELDS.some((f) => typeof o?.[f] === 'string' && hasMarker(o[f]))
}

const lower = (xs: string[]) => new Set(xs.map((x) => x.toLowerCase()))

function inverse(change: Change, patch: Partial<Change>): Change {
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
  inv.calls = surfaceOf(inv.surface).calls(inv)
  return inv
}

/** The undo of `change`, given the journaled prior state and the object now. */
export function restoreOf(
  change: Change,
  prior: JsonObject | null,
  current: JsonObject | null,
): Restore {
  if (prior === null) {
    if (current === null) return { change: null, calls: [], note: 'not there: nothing to remove' }
    // Only remove what still carries passage's marker, when the change wrote one.
    if (carriesMarker(change.after) && !carriesMarker(current))
      return {
        change: null,
        calls: [],
        note: "no longer carries passage's marker: someone else owns it now, left alone",
      }
    const inv = inverse(change, { op: 'remove', before: current, after: null })
    return { change: inv, calls: inv.calls }
  }
  if (current === null) {
    if (change.op !== 'remove')
      return { change: null, calls: [], note: 'removed since by someone else: nothing to restore' }
    const inv = inverse(change, { op: 'create', before: null, after: prior })
    return { change: inv, calls: inv.calls }
  }
  const set: JsonObject = {}
  for (const f of Object.keys(change.set ?? {}))
    if (canonicalJson(current[f] ?? null) !== canonicalJson(prior[f] ?? null))
      set[f] = (prior[f] ?? null) as Json
  const remove: Record<string, string[]> = {}
  for (const [f, added] of Object.entries(change.add ?? {})) {
    const had = lower(strs(prior, f))
    const has = lower(strs(current, f))
    // Only entries passage added: those that were not there before.
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
  const patch: Partial<Change> = {
    op: 'update',
    before: current,
    ...(Object.keys(set).length ? { set } : {}),
    ...(Object.keys(add).length ? { add } : {}),
    ...(Object.keys(remove).length ? { remove } : {}),
  }
  if (!patch.set && !patch.add && !patch.remove)
    return { change: null, calls: [], note: 'already as it was' }
  patch.after = applyUpdate(current, patch as Change)
  const inv = inverse(change, patch)
  return { change: inv, calls: inv.calls }
}
