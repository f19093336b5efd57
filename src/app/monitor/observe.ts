/**
 * What the monitor sees of one tenant: the last applied plan read back as check reads it (only the
 * surfaces it changes, with the tenant context), check's findings with each object's WhenChanged,
 * the allow/block entries the plan created as they are now, the apply that made them (runs and
 * journal), and the co-managers found in what was read and in the last discovered snapshot. The
 * read is recorded as a `check` run, as `passage check` records it.
 */
import { PassageError } from '../../core/errors/index.js'
import { hasDefender } from '../../core/model/licence.js'
import type { Plan } from '../../core/planner/types.js'
import type { Change, JsonObject } from '../../core/change.js'
import { positionOf } from '../../core/surfaces/positions.js'
import { surfaceOf } from '../../core/surfaces/registry.js'
import type { ExchangeClient } from '../../exchange/index.js'
import type { Store } from '../../store/index.js'
import { checkFindings, lastAppliedPlan, recordCheckRun, surfacesOf } from '../check.js'
import { detectCoManagers, type CoManager } from '../co-managers.js'
import { readTenant, snapshotAround } from '../read-state.js'
import type { Session } from '../session.js'
import type { Observation, ObservedFinding } from './classify.js'
import { passageTablEntries } from './passage-entries.js'

/** The plan of the tenant's last apply, its run and vendor; undefined when nothing is applied. */
export async function appliedVendor(
  store: Store,
  tenantId: string,
): Promise<{ plan: Plan; runId: number; vendor: string; vendorName: string } | undefined> {
  try {
    const { plan, runId } = await lastAppliedPlan(store, tenantId)
    return { plan, runId, vendor: plan.vendor.id, vendorName: plan.vendor.name }
  } catch (e) {
    if (e instanceof PassageError && e.code === 'PASSAGE_E_NOTHING_APPLIED') return undefined
    throw e
  }
}

/** Co-managers of two states, each tool once (the first one's objects). */
function mergeCoManagers(a: CoManager[], b: CoManager[]): CoManager[] {
  const seen = new Set(a.map((c) => c.tool))
  return [...a, ...b.filter((c) => !seen.has(c.tool))]
}

/** A time Exchange gives as ISO text or as `/Date(ms)/`, as ISO; else null. */
function isoTime(v: unknown): string | null {
  if (typeof v !== 'string' || !v) return null
  const ms = /^\/Date\((-?\d+)/.exec(v)?.[1]
  const t = ms !== undefined ? Number(ms) : Date.parse(v)
  return Number.isFinite(t) ? new Date(t).toISOString() : null
}

/**
 * WhenChanged of the objects of drifted changes. The model keeps no Exchange timestamps, so the
 * surfaces of those changes only are read again, as Exchange returns them (one batch; nothing is
 * read when nothing drifted). Get-* output carries WhenChanged (UTC in WhenChangedUTC) on the
 * policies and rules (office-docs-powershell get-hostedconnectionfilterpolicy.md and the other
 * Get-*Policy pages list them among the output properties).
 */
async function whenChangedOf(
  exo: ExchangeClient,
  changes: Change[],
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>()
  const kinds = [...new Set(changes.map((c) => c.surface))]
  if (kinds.length === 0) return out
  const reads = kinds.flatMap((k) => surfaceOf(k).reads.map((r) => ({ kind: k, call: r.call })))
  const outcomes = await exo.batch(reads.map((r) => ({ ...r.call })))
  const objects = new Map<string, JsonObject[]>()
  outcomes.forEach((o, i) => {
    const kind = reads[i]!.kind
    if (o.ok) objects.set(kind, [...(objects.get(kind) ?? []), ...(o.objects as JsonObject[])])
  })
  for (const c of changes) {
    const all = objects.get(c.surface) ?? []
    const obj = all[positionOf(surfaceOf(c.surface), all, c.target)]
    out.set(c.id, obj ? (isoTime(obj.WhenChangedUTC) ?? isoTime(obj.WhenChanged)) : null)
  }
  return out
}

/** Observes one tenant through a session (see the module comment). */
export async function observeTenant(
  session: Session,
  store: Store,
  applied: { plan: Plan; runId: number },
  nowMs: number,
): Promise<Omit<Observation, 'tenantName'>> {
  const { plan, runId } = applied
  const read = await readTenant(session.exo, {
    surfaces: surfacesOf(plan),
    context: true,
    defender: hasDefender(plan.tenant.licence),
  })
  const snapshot = snapshotAround(plan.tenant, read)
  const raw = checkFindings(snapshot, plan, nowMs)
  const byId = new Map(plan.changes.map((c) => [c.id, c]))
  const drifted = [...new Set(raw.map((f) => f.changeId))]
    .map((id) => byId.get(id))
    .filter((c): c is Change => c !== undefined && c.surface !== 'tabl-item')
  const changedAt = await whenChangedOf(session.exo, drifted)
  const findings: ObservedFinding[] = raw.map((finding) => ({
    finding,
    surface: byId.get(finding.changeId)?.surface ?? '',
    whenChanged: changedAt.get(finding.changeId) ?? null,
  }))
  const run = await store.getRun(runId)
  const tabl = await passageTablEntries(store, plan, runId, snapshot, new Date(nowMs).toISOString())
  const stored = (await store.getTenant(session.tenantId))?.snapshot
  const coManagers = mergeCoManagers(
    detectCoManagers(read.state),
    stored ? detectCoManagers(stored.state) : [],
  )
  // Recorded as check records its runs: history shows every time the monitor looked.
  await recordCheckRun(store, plan, session.actor, raw.length)
  return {
    tenantId: plan.tenant.id,
    vendor: plan.vendor.id,
    vendorName: plan.vendor.name,
    nowMs,
    findings,
    tabl,
    lastApply: run ? { runId, finishedAt: run.finishedAt, actor: run.actor } : null,
    coManagers,
  }
}
