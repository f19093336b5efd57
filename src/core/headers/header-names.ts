/**
 * Header names as written, and lower-cased, shared between parses: the same few dozen names
 * recur in every message, so each is copied and lower-cased once, not once per header, and a
 * name seen before is recognised without checking its characters one by one.
 */

/** Slots of the name cache (a power of two); a slot holds the last name that hashed to it. */
const SLOTS = 1024
const written: (string | undefined)[] = new Array<string | undefined>(SLOTS)
const lowered: string[] = new Array<string>(SLOTS)
/**
 * A number a reader of the headers keeps for each cached name (the analyzer keeps the header's
 * kind): -1 until set, and again whenever the slot takes another name.
 */
const tags = new Int32Array(SLOTS).fill(-1)

/** The slot of the name text[from, from + length): its length and a few of its characters. */
function slotOf(text: string, from: number, length: number): number {
  let h = Math.imul(length, 0x9e3779b1)
  h = Math.imul(h ^ text.charCodeAt(from + length - 1), 31)
  h = Math.imul(h ^ (length > 1 ? text.charCodeAt(from + length - 2) : 0), 31)
  h = Math.imul(h ^ text.charCodeAt(from + (length >> 1)), 31)
  h = Math.imul(h ^ text.charCodeAt(from + (length >> 2)), 31)
  return (h ^ (h >>> 15)) & (SLOTS - 1)
}

/**
 * The cache slot of text[from, from + length) when that exact name (case included) was cached
 * by internName, else -1. Only header names are cached, so a hit is a header name.
 */
export function knownName(text: string, from: number, length: number): number {
  const slot = slotOf(text, from, length)
  const cached = written[slot]
  // A slice compared with `===` (a native comparison of the two strings) takes about half the
  // time of `text.startsWith(cached, from)`, which compares character by character.
  return cached !== undefined &&
    cached.length === length &&
    text.slice(from, from + length) === cached
    ? slot
    : -1
}

/** Caches the header name text[from, from + length) (replacing any other in its slot); its slot. */
export function internName(text: string, from: number, length: number): number {
  const slot = slotOf(text, from, length)
  // A flat copy, not a slice: a slice would keep the whole input alive in the cache.
  const codes = new Array<number>(length)
  for (let i = 0; i < length; i++) codes[i] = text.charCodeAt(from + i)
  const name = String.fromCharCode(...codes)
  written[slot] = name
  lowered[slot] = name.toLowerCase()
  tags[slot] = -1
  return slot
}

/** The name cached in `slot`, as written. */
export function writtenName(slot: number): string {
  return written[slot] as string
}

/** The name cached in `slot`, lower-cased. */
export function lowerName(slot: number): string {
  return lowered[slot] as string
}

/**
 * The tag kept for the lower-cased name `lower` in `slot` (see tags), or -1: none set, or the
 * slot holds another name by now (a later header took it).
 */
export function tagOf(slot: number, lower: string): number {
  return lowered[slot] === lower ? (tags[slot] as number) : -1
}

/** Keeps `tag` (0 or more) for the lower-cased name `lower` in `slot`, if the slot still holds it. */
export function setTag(slot: number, lower: string, tag: number): void {
  if (lowered[slot] === lower) tags[slot] = tag
}
