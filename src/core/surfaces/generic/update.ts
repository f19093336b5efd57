import type { Change, JsonObject } from '../../change.js'
import { strs } from '../surface.js'

const clone = <T>(v: T): T => structuredClone(v)

/** True when two lists hold the same entries, ignoring case and order (Exchange compares so). */
export function sameEntries(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map((e) => e.toLowerCase()))
  const y = new Set(b.map((e) => e.toLowerCase()))
  return x.size === y.size && [...x].every((e) => y.has(e))
}

/** The entries of `entries` that `list` lacks (case-insensitive, first spelling kept). */
export function missingFrom(list: readonly string[], entries: readonly string[]): string[] {
  const have = new Set(list.map((e) => e.toLowerCase()))
  const out: string[] = []
  for (const e of entries) {
    if (have.has(e.toLowerCase())) continue
    have.add(e.toLowerCase())
    out.push(e)
  }
  return out
}

/** Applies the fields and list edits of an update to one object (list edits as Exchange does). */
export function applyUpdate(
  obj: JsonObject,
  change: Pick<Change, 'set' | 'add' | 'remove'>,
): JsonObject {
  const out: JsonObject = { ...obj, ...clone(change.set ?? {}) }
  for (const [field, entries] of Object.entries(change.add ?? {})) {
    const list = strs(out, field)
    out[field] = [...list, ...missingFrom(list, entries)]
  }
  for (const [field, entries] of Object.entries(change.remove ?? {})) {
    const drop = new Set(entries.map((e) => e.toLowerCase()))
    out[field] = strs(out, field).filter((e) => !drop.has(e.toLowerCase()))
  }
  return out
}
