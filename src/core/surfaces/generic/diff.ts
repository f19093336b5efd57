import type { JsonObject } from '../../change.js'
import { canonicalJson } from '../../hash.js'
import type { Delta, Desired } from '../surface.js'
import { strs } from '../surface.js'
import { applyUpdate, missingFrom } from './update.js'

/**
 * The change that brings `current` to `desired`: a creation when it does not exist and should,
 * an update of the fields that differ and the list entries that are missing, or null when it
 * already is as desired. Entries others added to shared lists are never touched.
 */
export function diffObject(
  key: (o: JsonObject) => string,
  current: JsonObject | null,
  desired: Desired,
): Delta | null {
  if (current === null) {
    if (!desired.create) return null
    return { op: 'create', target: key(desired.create), before: null, after: desired.create }
  }
  const set: JsonObject = {}
  for (const [f, v] of Object.entries(desired.set ?? {}))
    if (canonicalJson(current[f] ?? null) !== canonicalJson(v ?? null)) set[f] = v
  const add: Record<string, string[]> = {}
  for (const [f, entries] of Object.entries(desired.contain ?? {})) {
    const missing = missingFrom(strs(current, f), entries)
    if (missing.length) add[f] = missing
  }
  if (!Object.keys(set).length && !Object.keys(add).length) return null
  const edit = {
    ...(Object.keys(set).length ? { set } : {}),
    ...(Object.keys(add).length ? { add } : {}),
  }
  return {
    op: 'update',
    target: key(current),
    before: current,
    after: applyUpdate(current, edit),
    ...edit,
  }
}
