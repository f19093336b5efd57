/**
 * Items whose job the queue failed for good while they still read queued or running. A worker
 * killed during a job's last attempt never writes the item's outcome: pg-boss expires the job
 * and, with no retry left, moves it to the dead letter. Without this, a wave would wait for that
 * item for ever. Each such item is marked failed, with the dead letter's reason.
 */
import type { Store } from '../../store/index.js'
import type { FleetAction } from '../../store/fleet.js'
import type { JobQueue } from '../../store/queue.js'

/** Pending states of an item (its job not yet settled). */
const PENDING = new Set(['queued', 'running'])

/** How many dead letters are read (the newest first). */
const DEAD_LETTERS_READ = 1000

/**
 * Marks failed the items of `action` still pending whose job is in the dead letter, counting
 * only dead letters newer than the item's last change (an older one belongs to an earlier wave of
 * the same plan). Returns how many were marked.
 */
export async function settleDeadLettered(
  store: Store,
  queue: JobQueue,
  fleetPlanId: string,
  action: FleetAction,
): Promise<number> {
  const dead = (await queue.deadLetters(DEAD_LETTERS_READ)).filter(
    (d) => d.action === action && d.job.fleetPlanId === fleetPlanId,
  )
  if (dead.length === 0) return 0
  const items = new Map(
    (await store.listFleetItems(fleetPlanId, action)).map((i) => [i.tenantId, i]),
  )
  let marked = 0
  for (const d of dead) {
    const item = items.get(d.job.tenantId)
    if (!item || !PENDING.has(item.state)) continue
    if (Date.parse(d.at) <= Date.parse(item.updatedAt)) continue
    await store.putFleetItem({
      ...item,
      state: 'failed',
      errorCode: 'PASSAGE_E_FLEET_QUEUE',
      errorMessage: `The job failed for good in the queue before the tenant's outcome was written (a worker stopped during its last attempt?): ${d.error ?? 'no reason recorded'}`,
    })
    items.delete(d.job.tenantId)
    marked++
  }
  return marked
}
