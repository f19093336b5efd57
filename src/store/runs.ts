import type { ExpressionBuilder, Selectable } from 'kysely'
import type { StoreContext } from './context.js'
import { oneOf } from './json.js'
import {
  RUN_KINDS,
  RUN_PURPOSES,
  RUN_STATUSES,
  type RecordedError,
  type RunInput,
  type RunKind,
  type RunRecord,
  type RunStatus,
} from './records.js'
import type { Database, RunsTable } from './schema.js'
import { redactSecrets } from './secrets.js'

/** Runs: createRun, finishRun, resumeRun, getRun, listRuns, lastAppliedRun. */
export interface RunStore {
  /** Starts a run (status `running`, started now) and returns it with its new id. */
  createRun(run: RunInput): Promise<RunRecord>
  /**
   * Sets a run's final status (and error). A run that already has a finish time keeps it, so
   * marking an old apply `rolled-back` does not rewrite when it ended. Undefined if no such run.
   * `summary`, when given, is the run's one line on its outcome (kept otherwise).
   */
  finishRun(
    runId: number,
    status: Exclude<RunStatus, 'running'>,
    error?: RecordedError | null,
    summary?: string,
  ): Promise<RunRecord | undefined>
  /** Puts an interrupted or failed run back to `running` (a resumed apply keeps its run id). */
  resumeRun(runId: number): Promise<RunRecord | undefined>
  /** The run with this id, or undefined. */
  getRun(runId: number): Promise<RunRecord | undefined>
  /** Runs, newest first, of one tenant or of all; at most `limit` (default 50). */
  listRuns(tenantId?: string, limit?: number): Promise<RunRecord[]>
  /** The newest apply of the tenant that finished `done`: what a drift check compares with. */
  lastAppliedRun(tenantId: string): Promise<RunRecord | undefined>
  /**
   * The tenant's newest run of `kind` (of the plan `planHash` when given), as listRuns orders
   * them: one row read, not the tenant's history.
   */
  newestRun(tenantId: string, kind: RunKind, planHash?: string): Promise<RunRecord | undefined>
  /**
   * Finishes every run of the tenant of `kind` still marked `running` as `interrupted` with
   * `error` (finishRun's rules, in one statement); returns how many.
   */
  interruptRuns(tenantId: string, kind: RunKind, error: RecordedError): Promise<number>
}

/** A run's row with its plan's vendor (null without a plan). */
type RunRow = Selectable<RunsTable> & { plan_vendor_id: string | null }

function toRecord(row: RunRow): RunRecord {
  const what = `run ${row.id}`
  return {
    id: row.id,
    tenantId: row.tenant_id,
    planHash: row.plan_hash,
    kind: oneOf(RUN_KINDS, row.kind, `${what} kind`),
    status: oneOf(RUN_STATUSES, row.status, `${what} status`),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    actor: row.actor,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    vendorId: row.vendor_id ?? row.plan_vendor_id,
    summary: row.summary,
    purpose: row.purpose === null ? null : oneOf(RUN_PURPOSES, row.purpose, `${what} purpose`),
  }
}

/** The runs module of a store. */
export function runStore(ctx: StoreContext): RunStore {
  const { db } = ctx
  /** Runs with their plan's vendor beside them. */
  const runs = () =>
    db
      .selectFrom('runs')
      .leftJoin('plans', 'plans.hash', 'runs.plan_hash')
      .selectAll('runs')
      .select('plans.vendor_id as plan_vendor_id')
  /** A written run's row returns with its plan's vendor (one statement, not a write and a read). */
  const withPlanVendor = (eb: ExpressionBuilder<Database, 'runs'>) =>
    eb
      .selectFrom('plans')
      .select('plans.vendor_id')
      .whereRef('plans.hash', '=', 'runs.plan_hash')
      .as('plan_vendor_id')
  const getRun = async (runId: number) => {
    const row = await runs().where('runs.id', '=', runId).executeTakeFirst()
    return row && toRecord(row)
  }
  return {
    async createRun(run) {
      const row = await db
        .insertInto('runs')
        .values({
          tenant_id: run.tenantId,
          plan_hash: run.planHash,
          kind: run.kind,
          status: 'running',
          started_at: ctx.now(),
          finished_at: null,
          actor: run.actor,
          error_code: null,
          error_message: null,
          vendor_id: run.vendorId ?? null,
          summary: null,
          purpose: run.purpose ?? null,
        })
        .returningAll()
        .returning(withPlanVendor)
        .executeTakeFirstOrThrow()
      return toRecord(row)
    },
    async finishRun(runId, status, error, summary) {
      return db
        .updateTable('runs')
        .set((eb) => ({
          status,
          finished_at: eb.fn.coalesce('finished_at', eb.val(ctx.now())),
          error_code: error?.code ?? null,
          error_message: redactSecrets(error?.message),
          ...(summary !== undefined ? { summary: redactSecrets(summary) ?? null } : {}),
        }))
        .where('id', '=', runId)
        .returningAll()
        .returning(withPlanVendor)
        .executeTakeFirst()
        .then((row) => row && toRecord(row))
    },
    async resumeRun(runId) {
      const row = await db
        .updateTable('runs')
        .set({ status: 'running', finished_at: null, error_code: null, error_message: null })
        .where('id', '=', runId)
        .returningAll()
        .returning(withPlanVendor)
        .executeTakeFirst()
      return row && toRecord(row)
    },
    getRun,
    async listRuns(tenantId, limit = 50) {
      let q = runs()
      if (tenantId !== undefined) q = q.where('runs.tenant_id', '=', tenantId)
      const rows = await q
        .orderBy('runs.started_at', 'desc')
        .orderBy('runs.id', 'desc')
        .limit(limit)
        .execute()
      return rows.map(toRecord)
    },
    async newestRun(tenantId, kind, planHash) {
      let q = runs().where('runs.tenant_id', '=', tenantId).where('runs.kind', '=', kind)
      if (planHash !== undefined) q = q.where('runs.plan_hash', '=', planHash)
      const row = await q
        .orderBy('runs.started_at', 'desc')
        .orderBy('runs.id', 'desc')
        .limit(1)
        .executeTakeFirst()
      return row && toRecord(row)
    },
    async interruptRuns(tenantId, kind, error) {
      const rows = await db
        .updateTable('runs')
        .set((eb) => ({
          status: 'interrupted',
          finished_at: eb.fn.coalesce('finished_at', eb.val(ctx.now())),
          error_code: error.code,
          error_message: redactSecrets(error.message),
        }))
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', kind)
        .where('status', '=', 'running')
        .returning('id')
        .execute()
      return rows.length
    },
    async lastAppliedRun(tenantId) {
      const row = await runs()
        .where('runs.tenant_id', '=', tenantId)
        .where('runs.kind', '=', 'apply')
        .where('runs.status', '=', 'done')
        .where('runs.purpose', 'is', null)
        .orderBy('runs.started_at', 'desc')
        .orderBy('runs.id', 'desc')
        .limit(1)
        .executeTakeFirst()
      return row && toRecord(row)
    },
  }
}
