/**
 * A fleet worker: takes the four actions' jobs from the queue and runs each (job.ts) against the
 * store with the app's sessions, kept one per tenant across jobs (tenant-sessions.ts) and paced
 * by one request budget for the whole worker. A worker killed mid-job loses nothing: pg-boss
 * expires the job and hands it to another worker, where apply resumes the run from its journal
 * (apply.ts), so no change is made twice.
 *
 * Loops: `concurrency` loops per action (queue.work for each of plan, apply, check, rollback), so
 * a worker runs at most 4 x concurrency jobs at once; the budgets and the clients' per-tenant cap
 * bound what they send together.
 *
 * Budgets: every request takes a token of the app's budget, shared by all workers on all machines
 * when the store is on PostgreSQL and `databaseUrl` is given (SharedRequestBudget: a row in the
 * database, leased in chunks; an in-process bucket otherwise, as for a SQLite store on one
 * machine), then one of this worker's own bucket. Both rates are passage's own choice (20 a
 * second by default): Microsoft publishes no request numbers for the Exchange admin API.
 *
 * Throttling across retries: the clients honour Retry-After within a job; when a job still fails
 * on throttling and the tenant asked for a wait, the job is not handed to pg-boss's fixed backoff
 * but sent again to start no sooner than that wait (and no sooner than the backoff would have),
 * counting as an attempt (queue.ts `again`); the worker says when in its `retry` event.
 */
import { isPassageError } from '../../core/errors/index.js'
import type { Store } from '../../store/index.js'
import type { FleetAction, FleetItemState } from '../../store/fleet.js'
import type { JobAgain, JobQueue } from '../../store/queue.js'
import { openBudgetLeases, type BudgetLeases } from '../../store/request-budget.js'
import type { HttpClient } from '../../exchange/index.js'
import { FLEET_RETRY_LIMIT, RetryableFleetError, runFleetJob, type FleetJobDeps } from './job.js'
import {
  bothBudgets,
  DEFAULT_APP_REQUESTS_PER_SECOND,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_REQUESTS_PER_SECOND,
  RequestBudget,
  SharedRequestBudget,
  TenantSessions,
  type RequestTaker,
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
  /**
   * Requests per second of the fleet's app over all workers on all machines (default 20:
   * passage's own choice; Microsoft publishes no number for the Exchange admin API).
   */
  appRequestsPerSecond?: number
  /**
   * The store's PostgreSQL URL: the app's budget is then shared by all workers through the
   * database. Without it (or with a SQLite store) the app's budget is an in-process bucket.
   */
  databaseUrl?: string
  /** Shared budget tuning (tests): tokens per lease, and how soon a lost database is retried. */
  sharedBudget?: { leaseSize?: number; reconnectMs?: number; timeoutMs?: number }
  /**
   * The queue's first retry delay in seconds (default 5, the queue's): a throttled job sent again
   * starts no sooner than pg-boss's own backoff would have retried it.
   */
  retryDelaySeconds?: number
  /** Wraps each session's raw HTTP client (tests: a stand-in for Exchange's answers). */
  wrapHttp?: (http: HttpClient) => HttpClient
  /** Sessions kept (default 64). */
  maxSessions?: number
  /** The queue's retry limit, to know a job's last attempt (default 3, the queue's). */
  retryLimit?: number
  /** The tenant lease's time (default the use cases'). */
  leaseTtlMs?: number
  /** Client tuning (tests use quick retries). */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number }
}

/**
 * Progress of a worker: a job started, ended (with the item's state), or will be retried (`at`:
 * not before then, when the tenant asked for a wait); or the app's shared budget was lost or is
 * back (`budget`, said once each time).
 */
export type FleetWorkerEvent =
  | {
      kind: 'start' | 'done' | 'retry'
      action: FleetAction
      tenantId: string
      state?: FleetItemState
      error?: string
      /** For `retry` after a Retry-After: when the job runs again at the soonest (ISO). */
      at?: string
    }
  | { kind: 'budget'; shared: boolean; message: string }

export interface FleetWorker {
  /** Stops taking jobs (graceful: waits for running ones up to timeoutMs), then closes sessions. */
  stop(opts?: { graceful?: boolean; timeoutMs?: number }): Promise<void>
}

const ACTIONS: FleetAction[] = ['plan', 'apply', 'check', 'rollback']

/** The queue's default first retry delay (queue.ts). */
const DEFAULT_RETRY_DELAY_SECONDS = 5

/** Starts a worker on the queue (see the module comment). */
export async function startFleetWorker(
  store: Store,
  queue: JobQueue,
  opts: FleetWorkerOptions,
): Promise<FleetWorker> {
  const concurrency = Math.max(1, Math.floor(opts.concurrency))
  const tell = (e: FleetWorkerEvent) => {
    try {
      opts.onEvent?.(e)
    } catch {
      // A progress printer's failure never fails a job.
    }
  }
  const own = new RequestBudget(opts.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND)
  const appRate = opts.appRequestsPerSecond ?? DEFAULT_APP_REQUESTS_PER_SECOND
  let leases: BudgetLeases | null = null
  /** The app's budget, one per app id (the fleet has one app; a new one gets its own bucket). */
  const appBudgets = new Map<string, RequestTaker>()
  const appBudget = (appId: string): RequestTaker => {
    let b = appBudgets.get(appId)
    if (!b) {
      if (opts.databaseUrl && store.dialect === 'postgres') {
        leases ??= openBudgetLeases(opts.databaseUrl, {
          ...(opts.sharedBudget?.timeoutMs ? { timeoutMs: opts.sharedBudget.timeoutMs } : {}),
        })
        b = new SharedRequestBudget(leases, appId, {
          ratePerSecond: appRate,
          ...(opts.sharedBudget?.leaseSize ? { leaseSize: opts.sharedBudget.leaseSize } : {}),
          ...(opts.sharedBudget?.reconnectMs ? { reconnectMs: opts.sharedBudget.reconnectMs } : {}),
          onEvent: (e) => tell({ kind: 'budget', ...e }),
        })
      } else {
        // One machine (a SQLite store) or no URL given: this process's bucket.
        b = new RequestBudget(appRate)
      }
      appBudgets.set(appId, b)
    }
    return b
  }
  if (store.dialect === 'postgres' && !opts.databaseUrl)
    tell({
      kind: 'budget',
      shared: false,
      message: `the app's request budget (${appRate} requests/s) is this worker's own: no PostgreSQL store URL was given to share it`,
    })
  const sessions = new TenantSessions({
    keyPem: opts.keyPem,
    ...(opts.caPem ? { caPem: opts.caPem } : {}),
    budgetFor: (app) => bothBudgets(appBudget(app.appId), own),
    max: opts.maxSessions ?? DEFAULT_MAX_SESSIONS,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.wrapHttp ? { wrapHttp: opts.wrapHttp } : {}),
  })
  let stoppedHard = false
  const deps: FleetJobDeps = {
    stopped: () => stoppedHard,
    session: (app, tenant, needs) => sessions.get(app, tenant.tenantId, tenant.name, needs),
    evict: (id) => sessions.evict(id),
    retryLimit: opts.retryLimit ?? FLEET_RETRY_LIMIT,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.leaseTtlMs !== undefined ? { leaseTtlMs: opts.leaseTtlMs } : {}),
  }
  const retryDelayMs = Math.max(0, (opts.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS) * 1000)
  for (const action of ACTIONS)
    await queue.work(action, concurrency, async (job): Promise<void | JobAgain> => {
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
        if (e instanceof RetryableFleetError && !e.last && e.retryAfterMs !== undefined) {
          // Throttled with a Retry-After: sent again to start no sooner than the tenant asked,
          // nor sooner than pg-boss's backoff would have retried it (its least: the delay
          // doubled per earlier attempt).
          const backoffMs = retryDelayMs * 2 ** (job.retryCount ?? 0)
          const afterMs = Math.max(e.retryAfterMs, backoffMs)
          tell({
            kind: 'retry',
            action,
            tenantId: job.tenantId,
            error: `${e.code}: ${e.message}`,
            at: new Date(Date.now() + Math.ceil(afterMs / 1000) * 1000).toISOString(),
          })
          return { again: { afterMs } }
        }
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
          await leases?.close()
        }
      })()
      return stopping
    },
  }
}
