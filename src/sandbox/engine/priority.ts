import { aboveRange } from './errors.js'

/** An object ordered by a contiguous priority (0 is evaluated first). */
export interface Prioritised {
  Priority: number
}

function renumber<T extends Prioritised>(list: T[]): void {
  list.forEach((o, i) => {
    o.Priority = i
  })
}

/** The list sorted by priority (stable), as a new array. */
export function byPriority<T extends Prioritised>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => a.Priority - b.Priority)
}

/**
 * Inserts at `priority` (default: last): objects at that priority and below shift down by one
 * (reference §3.1). Rewrites `list` in place, sorted and numbered 0..n.
 */
export function insertAt<T extends Prioritised>(
  list: T[],
  item: T,
  priority: number | undefined,
): void {
  const sorted = byPriority(list)
  const at = priority ?? sorted.length
  if (at > sorted.length) throw aboveRange('Priority', at, sorted.length)
  sorted.splice(at, 0, item)
  renumber(sorted)
  list.splice(0, list.length, ...sorted)
}

/** Moves an object to `priority` (0..n-1); the others close up around it. */
export function moveTo<T extends Prioritised>(list: T[], item: T, priority: number): void {
  const sorted = byPriority(list).filter((o) => o !== item)
  if (priority > sorted.length) throw aboveRange('Priority', priority, sorted.length)
  sorted.splice(priority, 0, item)
  renumber(sorted)
  list.splice(0, list.length, ...sorted)
}

/** Removes an object; the ones below move up. */
export function removeItem<T extends Prioritised>(list: T[], item: T): void {
  const sorted = byPriority(list).filter((o) => o !== item)
  renumber(sorted)
  list.splice(0, list.length, ...sorted)
}
