import type { Change, JsonObject, SurfaceKind } from '../change.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import { applyUpdate, surfaceOf } from '../surfaces/index.js'

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

/** An update adding the missing entries to a list field, or null when all are there. */
export function addEntries(
  kind: SurfaceKind,
  obj: JsonObject,
  field: string,
  entries: readonly string[],
  meta: DraftMeta,
  summary: string,
): Draft | null {
  // The surface owns the diff: only missing entries, others' entries untouched.
  const delta = surfaceOf(kind).diff(obj, { contain: { [field]: [...entries] } })
  if (!delta) return null
  return {
    ...meta,
    ...delta,
    surface: kind,
    summary: `${summary}: ${(delta.add?.[field] ?? []).join(', ')}`,
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
  const delta = surfaceOf(kind).diff(obj, { set: fields })
  if (!delta) return null
  return { ...meta, ...delta, surface: kind, summary }
}

/** A creation of an object that does not exist yet. */
export function create(
  kind: SurfaceKind,
  obj: JsonObject,
  meta: DraftMeta,
  summary: string,
): Draft {
  const delta = surfaceOf(kind).diff(null, { create: obj })
  if (!delta) throw new Error(`${kind}: nothing to create`)
  return { ...meta, ...delta, surface: kind, summary }
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
