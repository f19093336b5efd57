/**
 * Where an object sits in a surface's list, by its key, without computing every object's key for
 * every look-up: a long list (a Tenant Allow/Block List of 40,000 entries) is keyed once, and the
 * list a creation makes (the old one and one object more) is keyed as the old one plus that
 * object. Short lists are searched as they are. Lists are not changed in place (snapshot edits
 * copy on write); a list whose length changed, or whose keyed object no longer has the key, is
 * keyed again.
 */
import type { JsonObject } from '../change.js'
import type { Surface } from './surface.js'

/** Lists at least this long are keyed once; shorter ones are searched. */
const KEYED_FROM = 256
/** How many creations in a row are keyed on top of one keyed list before it is keyed again. */
const MOST_LAYERS = 64

interface Positions {
  length: number
  layers: number
  at(key: string): number | undefined
}

const POSITIONS = new WeakMap<readonly JsonObject[], Positions>()

function keyed(surface: Surface, objects: readonly JsonObject[]): Positions {
  const map = new Map<string, number>()
  objects.forEach((o, i) => {
    const k = surface.key(o)
    if (!map.has(k)) map.set(k, i)
  })
  const p: Positions = { length: objects.length, layers: 0, at: (k) => map.get(k) }
  POSITIONS.set(objects, p)
  return p
}

/** The position of the first object with this key in the list, or -1 (as findIndex would say). */
export function positionOf(surface: Surface, objects: readonly JsonObject[], key: string): number {
  if (objects.length < KEYED_FROM) return objects.findIndex((o) => surface.key(o) === key)
  let p = POSITIONS.get(objects)
  if (!p || p.length !== objects.length) p = keyed(surface, objects)
  let at = p.at(key)
  if (at !== undefined && surface.key(objects[at] as JsonObject) !== key)
    at = keyed(surface, objects).at(key)
  return at ?? -1
}

/**
 * Records that `next` is `prev` with `added` appended (a creation), so that looking up `next`
 * reuses what is known of `prev`. Does nothing for a list that is not keyed.
 */
export function appended(
  surface: Surface,
  prev: readonly JsonObject[],
  next: readonly JsonObject[],
  added: JsonObject,
): void {
  const p = POSITIONS.get(prev)
  if (!p || p.length !== prev.length || p.layers >= MOST_LAYERS) return
  if (next.length !== prev.length + 1 || next[prev.length] !== added) return
  const key = surface.key(added)
  const at = prev.length
  POSITIONS.set(next, {
    length: next.length,
    layers: p.layers + 1,
    at: (k) => p.at(k) ?? (k === key ? at : undefined),
  })
}
