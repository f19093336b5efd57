/**
 * Validates a tenant after a write with the snapshot schema, looking only at what the write
 * changed. The state before the write was valid and is the schema's own output, and a
 * copy-on-write draft (draft.ts) shares every object the write left alone: an object (or value)
 * that is the same as before is valid as before, so only the rest is parsed. What is parsed is
 * parsed with the schema's own parts (the snapshot's fields, a list's element schema), and the
 * snapshot-wide rules (unique rule names and priorities, ...) run on the whole result, as a full
 * parse runs them. When anything fails, the tenant is parsed whole after all, so that the refusal
 * lists the same issues in the same order as before (a full parse runs the snapshot-wide rules
 * after some failures and not after others). The result is what a full parse would give.
 *
 * It descends only through plain objects without rules of their own (and arrays without length
 * rules), through defaults and nullables, and parses anything else whole.
 */
import { z } from 'zod'
import { TenantSnapshot } from '../../core/model/snapshot.js'
import { isPlainData } from './draft.js'

type Bag = Record<string, unknown>

/** A part failed: the caller parses the tenant whole for the issues. */
class Invalid extends Error {}

interface Def {
  type: string
  innerType?: z.ZodType
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  checks?: unknown[]
  catchall?: unknown
}

const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def

/** Strips the wrappers a present value passes straight through (default, nullable, ...). */
function unwrap(schema: z.ZodType, v: unknown): z.ZodType {
  let s = schema
  for (;;) {
    const d = defOf(s)
    if ((d.type === 'default' || d.type === 'prefault' || d.type === 'optional') && v !== undefined)
      s = d.innerType as z.ZodType
    else if (d.type === 'nullable' && v !== null) s = d.innerType as z.ZodType
    else return s
  }
}

/** One field of an object schema on its own, so that absent and undefined parse as in the object. */
const fieldSchemas = new WeakMap<object, Map<string, z.ZodType>>()
function fieldSchema(owner: z.ZodType, key: string, field: z.ZodType): z.ZodType {
  let m = fieldSchemas.get(owner)
  if (!m) fieldSchemas.set(owner, (m = new Map()))
  let s = m.get(key)
  if (!s) m.set(key, (s = z.object({ [key]: field })))
  return s
}

/** Parses `v` whole. */
function parseWhole(schema: z.ZodType, v: unknown): unknown {
  const r = schema.safeParse(v)
  if (!r.success) throw new Invalid()
  return r.data
}

const isObject = (v: unknown): v is Bag => isPlainData(v) && !Array.isArray(v)

/**
 * Where descending is what a full parse does: a plain object schema, or an array one, over a
 * value of that kind that was there before the write too (a new one is parsed whole).
 */
function descendable(d: Def, prev: unknown, v: unknown): boolean {
  if (d.checks?.length) return false
  if (d.type === 'object') return d.catchall === undefined && isObject(v) && isObject(prev)
  return d.type === 'array' && Array.isArray(v) && Array.isArray(prev)
}

/**
 * The schema's output for `next`, given `prev` (the output for the same place before the write),
 * parsing only what differs from `prev`.
 */
function walk(schema: z.ZodType, prev: unknown, next: unknown): unknown {
  if (next === prev) return prev
  const s = unwrap(schema, next)
  const d = defOf(s)
  if (!descendable(d, prev, next)) return parseWhole(s, next)
  if (d.type === 'array') {
    const was = prev as unknown[]
    const kept = new Set(was)
    const element = d.element as z.ZodType
    return (next as unknown[]).map((e, i) =>
      // An element the write left alone is valid as before; a changed one is compared with the
      // element before the write it shares most values with, of the one at its place and its two
      // neighbours (an edit in place leaves most of its fields alone; an insertion or removal
      // moves the elements after it by one, and a rule inserted at priority 0 renumbers them all).
      // Any element of the same list would be right: what is the same as in a valid element of
      // this list is valid here too; the closest one only leaves the least to parse.
      kept.has(e) ? e : walk(element, closest(was, i, e), e),
    )
  }
  return walkObject(s, d.shape as Record<string, z.ZodType>, prev as Bag, next as Bag)
}

/** Of `was[i - 1]`, `was[i]` and `was[i + 1]`, the one with the most values `e` has too. */
function closest(was: unknown[], i: number, e: unknown): unknown {
  if (!isObject(e)) return was[i]
  let best = was[i]
  let most = -1
  for (const j of [i, i - 1, i + 1]) {
    const p = was[j]
    if (j < 0 || j >= was.length || !isObject(p)) continue
    let same = 0
    for (const k in e) if (p[k] === e[k]) same++
    if (same > most) [best, most] = [p, same]
  }
  return best
}

function walkObject(
  schema: z.ZodType,
  shape: Record<string, z.ZodType>,
  prev: Bag,
  next: Bag,
): Bag {
  const was = prev as Bag
  const result: Bag = {}
  for (const [key, field] of Object.entries(shape)) {
    const present = Object.prototype.hasOwnProperty.call(next, key)
    const v = next[key]
    if (present === Object.prototype.hasOwnProperty.call(was, key) && v === was[key]) {
      if (present) result[key] = v
      continue
    }
    const inner = unwrap(field, v)
    if (present && descendable(defOf(inner), was[key], v)) {
      result[key] = walk(inner, was[key], v)
      continue
    }
    const one = fieldSchema(schema, key, field).safeParse(present ? { [key]: v } : {})
    if (!one.success) throw new Invalid()
    if (Object.prototype.hasOwnProperty.call(one.data, key)) result[key] = (one.data as Bag)[key]
  }
  return result
}

/** The snapshot-wide rules (TenantSnapshot's own refinements), to run on a whole result. */
const snapshotRules: z.ZodType | null = (() => {
  const d = defOf(TenantSnapshot)
  return d.type === 'object' && d.shape ? z.any().check(...((d.checks ?? []) as never[])) : null
})()

/** What validating a tenant after a write gives: the state to commit, or the issues. */
export type CommitCheck =
  { success: true; data: TenantSnapshot } | { success: false; error: z.ZodError }

/**
 * Validates `next` (a write's result, sharing what it left alone with `prev`, the valid state
 * before it) as `TenantSnapshot.safeParse(next)` would. See the module comment.
 */
export function checkAfterWrite(prev: TenantSnapshot, next: TenantSnapshot): CommitCheck {
  const d = defOf(TenantSnapshot)
  // Not the plain object with refinements it is today: parse it whole, as before.
  if (!snapshotRules || d.catchall !== undefined || !isPlainData(next) || Array.isArray(next))
    return TenantSnapshot.safeParse(next) as CommitCheck
  if (next === prev) return { success: true, data: prev }
  let data: Bag
  try {
    data = walkObject(TenantSnapshot, d.shape as Record<string, z.ZodType>, prev, next)
  } catch (e) {
    if (e instanceof Invalid) return TenantSnapshot.safeParse(next) as CommitCheck
    throw e
  }
  if (snapshotRules.safeParse(data).success) return { success: true, data: data as TenantSnapshot }
  return TenantSnapshot.safeParse(next) as CommitCheck
}
