/**
 * The fleet's shared request budget on PostgreSQL (issue 15, item 3): one token bucket per app
 * registration in `fleet_request_budget` (migration 6), from which every worker on every machine
 * leases requests in chunks. A rate limiter row, not a queue: one UPDATE ... RETURNING refills the
 * bucket by the time elapsed since its last lease and takes up to `want` whole tokens, atomically
 * (the row lock orders concurrent leases), so N workers together never send more than
 * rate x time + burst requests.
 *
 * Time is the database's: the refill is computed from `clock_timestamp()` inside the statement,
 * and no client clock is ever sent, so machines whose clocks disagree share one budget correctly.
 * A lease that waited for the row lock may see its snapshot of the clock behind the row's last
 * update: the elapsed time is then taken as 0 (it under-refills, never over-refills) and the row's
 * time never goes back.
 *
 * The rate itself is passage's own choice (20 requests a second per app by default, over all
 * workers): Microsoft publishes no request numbers for the Exchange admin API; its REST-backed
 * cmdlets only say they retry transient failures themselves (office-docs-powershell
 * exchange/docs-conceptual/exchange-online-powershell-v2.md, "Updates for the EXO V3 module").
 */
import pg from 'pg'
import { PassageError } from '../core/errors/index.js'
import { redactUrl } from './errors.js'
import { REQUEST_BUDGET_TABLE } from './migration-0006-request-budget.js'

/** What one lease got: `granted` tokens (0..want) and, when none, how long to wait for one. */
export interface BudgetLease {
  granted: number
  /**
   * When granted is 0: ms until the bucket holds the tokens asked for (at most its burst), by the
   * database's clock. Waiting for a chunk rather than for one token keeps a saturated worker at a
   * few round trips a second instead of one per request.
   */
  waitMs: number
}

/** The bucket of one app: its rate a second and the most it holds. */
export interface BudgetShape {
  ratePerSecond: number
  burst: number
}

/** Leases tokens from the shared buckets. */
export interface BudgetLeases {
  /** Takes up to `want` tokens of the app's bucket (made on first use with `shape`). */
  lease(appId: string, want: number, shape: BudgetShape): Promise<BudgetLease>
  close(): Promise<void>
}

/** Options of openBudgetLeases. */
export interface BudgetLeasesOptions {
  /** The longest a lease may take before it counts as lost (connect and query), ms; default 2000. */
  timeoutMs?: number
}

// $1 app id, $2 tokens wanted, $3 rate a second, $4 burst. The clock is read once (c.now); every
// SET expression reads the row as it is when the lock is granted (READ COMMITTED re-reads it), so
// two leases never both spend the same tokens.
const AVAILABLE = `least(b.burst, b.tokens + greatest(0, extract(epoch from (c.now - b.updated_at))::float8) * b.rate)`
const LEASE_SQL = `
  with c as (select clock_timestamp() as now)
  update ${REQUEST_BUDGET_TABLE} b
  set tokens = ${AVAILABLE} - least($2::int, floor(${AVAILABLE}))::int,
      last_lease = least($2::int, floor(${AVAILABLE}))::int,
      rate = $3::float8,
      burst = $4::float8,
      updated_at = greatest(b.updated_at, c.now)
  from c
  where b.app_id = $1
  returning b.last_lease as granted, b.tokens as tokens, b.rate as rate`

// A new bucket starts full.
const CREATE_SQL = `
  insert into ${REQUEST_BUDGET_TABLE} (app_id, tokens, rate, burst, updated_at, last_lease)
  values ($1, $3::float8, $2::float8, $3::float8, clock_timestamp(), 0)
  on conflict (app_id) do nothing`

/**
 * Opens the shared buckets on a PostgreSQL URL (the store's: its migrations made the table). A
 * small pool of its own (2 connections) with short time-outs, so that a lost database fails a
 * lease within `timeoutMs` instead of hanging the requests waiting for it.
 */
export function openBudgetLeases(url: string, opts: BudgetLeasesOptions = {}): BudgetLeases {
  const timeoutMs = Math.max(100, opts.timeoutMs ?? 2000)
  const pool = new pg.Pool({
    connectionString: url,
    application_name: 'passage-fleet-budget',
    max: 2,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    idleTimeoutMillis: 10_000,
  })
  // An idle connection dropped by a restarting server must not end the process; the next lease
  // fails (and the worker falls back) or reconnects.
  pool.on('error', () => {})
  let closed = false
  const fail = (e: unknown) =>
    new PassageError(
      'PASSAGE_E_STORE_IO',
      `The shared request budget at ${redactUrl(url)} did not answer: ${e instanceof Error ? e.message.split(url).join(redactUrl(url)) : String(e)}`,
      { cause: e },
    )
  return {
    async lease(appId, want, shape) {
      if (closed) throw new PassageError('PASSAGE_E_FLEET_STOPPED', 'The request budget is closed.')
      const n = Math.max(1, Math.floor(want))
      if (!(shape.ratePerSecond > 0) || !(shape.burst >= 1))
        throw new PassageError(
          'PASSAGE_E_INPUT',
          'The shared request budget needs a rate above 0 a second and a burst of at least 1.',
        )
      const args = [appId, n, shape.ratePerSecond, shape.burst]
      try {
        let { rows } = await pool.query<{ granted: number; tokens: number; rate: number }>(
          LEASE_SQL,
          args,
        )
        if (rows.length === 0) {
          await pool.query(CREATE_SQL, [appId, shape.ratePerSecond, shape.burst])
          ;({ rows } = await pool.query<{ granted: number; tokens: number; rate: number }>(
            LEASE_SQL,
            args,
          ))
        }
        const row = rows[0]
        if (!row) throw new Error(`no budget row for app ${appId}`)
        const granted = Number(row.granted)
        const tokens = Number(row.tokens)
        const rate = Number(row.rate)
        const target = Math.min(n, Math.max(1, Math.floor(shape.burst)))
        return {
          granted,
          waitMs: granted > 0 ? 0 : Math.max(1, Math.ceil(((target - tokens) / rate) * 1000)),
        }
      } catch (e) {
        throw fail(e)
      }
    },
    async close() {
      if (closed) return
      closed = true
      await pool.end().catch(() => undefined)
    },
  }
}
