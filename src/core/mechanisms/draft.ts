import type { Change, JsonObject, SurfaceKind } from '../change.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import { applyUpdate, strs, surfaceOf } from '../surfaces/index.js'

/** A change before the planner numbers it and adds calls, risk, limits and baselines. */
export type Draft = Omit<Change, 'id' | 'calls' | 'risk' | 'limits' | 'baselines' | 'dependsOn'> & {
  /** Targets (surface:key) of other drafts that must be applied first. */
  after_targets?: string[]
}

/** Meta shared by the drafts of one mechanism. */
export interface DraftMeta {
  protections: ProtectionId[]
  mechanism: MechanismId
}

/** The current object of a surface with a key, if any. */
export function findObject(
  objects: readonly JsonObject[],
  kind: SurfaceKind,
  key: string,
): JsonObject | null {
  const s = surfaceOf(kind)
  return objects.find((o) => s.key(o) === key) ?? null
}

/** An update adding the missing entries to a list field, or null when all are there. */
export function addEntries(
  kind: SurfaceKind,
  obj: JsonObject,
  field: string,
  entries: readonly string[],
  meta: DraftMeta,
  summary: string,
): Draft | null {
  const have = new Set(strs(obj, field).map((e) => e.toLowerCase()))
  const missing = [...new Set(entries)].filter((e) => !have.has(e.toLowerCase()))
  if (!missing.length) return null
  const partial = { add: { [field]: missing } } as Pick<Change, 'add'>
  return {
    ...meta,
    surface: kind,
    op: 'update',
    target: surfaceOf(kind).key(obj),
    summary: `${summary}: ${missing.join(', ')}`,
    before: obj,
    after: applyUpdate(obj, partial as Change),
    add: { [field]: missing },
  }
}

/** An update setting scalar fields that differ, or null when they already have those values. */
export function setFields(
  kind: SurfaceKind,
  obj: JsonObject,
  fields: JsonObject,
  meta: DraftMeta,
  summary: string,
): Draft | null {
  const set: JsonObject = {}
  for (const [k, v] of Object.entries(fields))
    if (JSON.stringify(obj[k] ?? null) !== JSON.stringify(v)) set[k] = v
  if (!Object.keys(set).length) return null
  return {
    ...meta,
    surface: kind,
    op: 'update',
    target: surfaceOf(kind).key(obj),
    summary,
    before: obj,
    after: { ...obj, ...set },
    set,
  }
}

/** A creation of an object that does not exist yet. */
export function create(
  kind: SurfaceKind,
  obj: JsonObject,
  meta: DraftMeta,
  summary: string,
): Draft {
  return {
    ...meta,
    surface: kind,
    op: 'create',
    target: surfaceOf(kind).key(obj),
    summary,
    before: null,
    after: obj,
  }
}

/** Merges drafts that update the same object (several mechanisms may touch one policy). */
export function mergeDrafts(drafts: Draft[]): Draft[] {
  const out: Draft[] = []
  for (const d of drafts) {
    const prev = out.find(
      (o) =>
        o.surface === d.surface && o.target === d.target && o.op === 'update' && d.op === 'update',
    )
    if (!prev) {
      out.push(d)
      continue
    }
    prev.protections = [...new Set([...prev.protections, ...d.protections])]
    prev.summary = `${prev.summary}; ${d.summary}`
    if (d.set) prev.set = { ...(prev.set ?? {}), ...d.set }
    for (const [f, entries] of Object.entries(d.add ?? {})) {
      prev.add = prev.add ?? {}
      prev.add[f] = [...new Set([...(prev.add[f] ?? []), ...entries])]
    }
    prev.after = applyUpdate(prev.before ?? {}, prev as Change)
  }
  return out
}
