/**
 * A fleet worker: takes the four actions' jobs from the queue and runs each (job.ts) against the
 * store with the app's sessions, kept one per tenant across jobs (tenant-sessions.ts) and paced
 * by one request budget for the whole worker. A worker killed mid-job loses nothing: pg-boss
 * expires the job and hands it to another worker, where apply resumes the run from its journal
 * (apply.ts), so no change is made twice.
 *
 * Loops: `concurrency` loops per action (queue.work for each of plan, apply, check, rollback), so
 * a worker runs at most 4 x concurrency jobs at once; the budget and the clients' per-tenant cap
 * bound what they send together.
 */
import { isPassageError } from '../../core/errors/index.js'
import type { Store } from '../../store/index.js'
import type { FleetAction, FleetItemState } from '../../store/fleet.js'
import type { JobQueue } from '../../store/queue.js'
import { FLEET_RETRY_LIMIT, runFleetJob, type FleetJobDeps } from './job.js'
import {
  DEFAULT_MAX_SESSIONS,
  DEFAULT_REQUESTS_PER_SECOND,
  RequestBudget,
  TenantSessions,
} from './tenant-sessions.js'

export { fleetKey } from './key.js'

/** Options of startFleetWorker. */
export interface FleetWorkerOptions {
  /** Job loops per action. */
  concurrency: number
  /** The app certificate's private key (PEM), in memory only. */
  keyPem: string
  /** The CA to trust (a sandbox's); default: the fleet app's caFile. */
  caPem?: string
  onEvent?: (e: FleetWorkerEvent) => void
  now?: () => Date
  /** Requests per second of this worker over all tenants (default 20: passage's own choice). */
  requestsPerSecond?: number
  /** Sessions kept (default 64). */
  maxSessions?: number
  /** The queue's retry limit, to know a job's last attempt (default 3, the queue's). */
  retryLimit?: number
  /** The tenant lease's time (default the use cases'). */
  leaseTtlMs?: number
  /** Client tuning (tests use quick retries). */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number }
}

/** Progress of a worker: a job started, ended (with the item's state), or will be retried. */
export type FleetWorkerEvent = {
  kind: 'start' | 'done' | 'retry'
  action: FleetAction
  tenantId: string
  state?: FleetItemState
  error?: string
}

export interface FleetWorker {
  /** Stops taking jobs (graceful: waits for running ones up to timeoutMs), then closes sessions. */
  stop(opts?: { graceful?: boolean; timeoutMs?: number }): Promise<void>
}

const ACTIONS: FleetAction[] = ['plan', 'apply', 'check', 'rollback']

/** Starts a worker on the queue (see the module comment). */
export async function startFleetWorker(
  store: Store,
  queue: JobQueue,
  opts: FleetWorkerOptions,
): Promise<FleetWorker> {
  const concurrency = Math.max(1, Math.floor(opts.concurrency))
  const budget = new RequestBudget(opts.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND)
  const sessions = new TenantSessions({
    keyPem: opts.keyPem,
    ...(opts.caPem ? { caPem: opts.caPem } : {}),
    budget,
    max: opts.maxSessions ?? DEFAULT_MAX_SESSIONS,
    ...(opts.retry ? { retry: opts.retry } : {}),
  })
  let stoppedHard = false
  const deps: FleetJobDeps = {
    stopped: () => stoppedHard,
    session: (app, tenant) => sessions.get(app, tenant.tenantId, tenant.name),
    evict: (id) => sessions.evict(id),
    retryLimit: opts.retryLimit ?? FLEET_RETRY_LIMIT,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.leaseTtlMs !== undefined ? { leaseTtlMs: opts.leaseTtlMs } : {}),
  }
  const tell = (e: FleetWorkerEvent) => {
    try {
      opts.onEvent?.(e)
    } catch {
      // A progress printer's failure never fails a job.
    }
  }
  for (const action of ACTIONS)
    await queue.work(action, concurrency, async (job) => {
      tell({ kind: 'start', action, tenantId: job.tenantId })
      try {
        const item = await runFleetJob(
          store,
          action,
          { fleetPlanId: job.fleetPlanId, tenantId: job.tenantId, retryCount: job.retryCount },
          deps,
        )
        tell({
          kind: 'done',
          action,
          tenantId: job.tenantId,
          state: item.state,
          ...(item.errorCode ? { error: `${item.errorCode}: ${item.errorMessage ?? ''}` } : {}),
        })
      } catch (e) {
        // Retried by the queue (or dead-lettered after the last attempt): the message is safe
        // (item-state.ts); pg-boss keeps it as the job's output.
        tell({
          kind: 'retry',
          action,
          tenantId: job.tenantId,
          error: isPassageError(e) ? `${e.code}: ${e.message}` : 'PASSAGE_E_INTERNAL',
        })
        throw e
      }
    })
  let stopping: Promise<void> | null = null
  return {
    stop(o = {}) {
      stopping ??= (async () => {
        // Without grace, running jobs are handed back to the queue: their sessions are closed
        // under them (no further request), and what they end with is not written.
        if (o.graceful === false) stoppedHard = true
        try {
          await queue.stop({
            graceful: o.graceful ?? true,
            ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
          })
        } finally {
          // Jobs still running now were handed back by the queue (failWip) after the wait.
          stoppedHard = true
          await sessions.closeAll()
        }
      })()
      return stopping
    },
  }
}
