/**
 * The allow/block entries an applied plan created, as read now, each with when passage last
 * created it: the apply's end, or the end of the latest renewal step that re-created it (a
 * renewal run's journal names the entry it renewed).
 */
import type { Plan } from '../../core/plan-format.js'
import type { TenantSnapshot } from '../../core/model/snapshot.js'
import { objectOf } from '../../core/surfaces/snapshot-edit.js'
import type { Store } from '../../store/index.js'
import type { PassageTablEntry } from './tabl-expiry.js'

const str = (v: unknown) => (typeof v === 'string' && v ? v : null)

/**
 * When each entry the plan applied by `runId` created was last (re-)created, by target: the
 * renewals done since that apply, newest last. Renewal runs of other plans are not counted.
 */
async function renewedAt(store: Store, plan: Plan, runId: number): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const runs = (await store.listRuns(plan.tenant.id, 500))
    .filter((r) => r.purpose === 'renewal' && r.id > runId && r.planHash !== null)
    .reverse()
  for (const run of runs) {
    const renewal = await store.getPlan(run.planHash!)
    if (renewal?.renews?.planHash !== plan.hash) continue
    const done = new Map(
      (await store.listSteps(run.id))
        .filter((s) => s.status === 'done')
        .map((s) => [s.changeId, s.finishedAt ?? run.finishedAt ?? run.startedAt]),
    )
    for (const c of renewal.changes) {
      const at = done.get(c.id)
      if (at) out.set(c.target, at)
    }
  }
  return out
}

/** The entries `plan` (applied by run `runId`) created, as `snapshot` has them now. */
export async function passageTablEntries(
  store: Store,
  plan: Plan,
  runId: number,
  snapshot: TenantSnapshot,
  nowIso: string,
): Promise<PassageTablEntry[]> {
  const run = await store.getRun(runId)
  const appliedAt = run?.finishedAt ?? run?.startedAt ?? nowIso
  const renewed = await renewedAt(store, plan, runId)
  return plan.changes
    .filter((c) => c.surface === 'tabl-item' && c.op === 'create')
    .map((c) => {
      const o = objectOf(snapshot, c)
      const after = c.after ?? {}
      return {
        changeId: c.id,
        listType: str(after.ListType) ?? '',
        action: str(after.Action) ?? 'Allow',
        value: str(after.Value) ?? c.target,
        createdAt: renewed.get(c.target) ?? appliedAt,
        read: o
          ? {
              ExpirationDate: str(o.ExpirationDate),
              RemoveAfter: typeof o.RemoveAfter === 'number' ? o.RemoveAfter : null,
              LastUsedDate: str(o.LastUsedDate),
            }
          : null,
      }
    })
}
