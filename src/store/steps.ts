import { batchedWriter } from './coalesce.js'
import type { StoreContext } from './context.js'
import { oneOf } from './json.js'
import { STEP_STATUSES, type StepInput, type StepRecord } from './records.js'
import type { StepsTable } from './schema.js'
import { redactSecrets } from './secrets.js'

/** Steps: recordStep, listSteps. */
export interface StepStore {
  /**
   * Records (or updates, on resume) the result of one change of a run. `finishedAt` defaults to
   * now, except for `not-run` steps; a missing `startedAt` keeps the one recorded before.
   */
  recordStep(runId: number, step: StepInput): Promise<void>
  /** A run's step results, in change order. */
  listSteps(runId: number): Promise<StepRecord[]>
}

function toRecord(row: StepsTable): StepRecord {
  return {
    runId: row.run_id,
    changeId: row.change_id,
    status: oneOf(STEP_STATUSES, row.status, `step ${row.run_id}/${row.change_id} status`),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  }
}

/** The steps module of a store. */
export function stepStore(ctx: StoreContext): StepStore {
  const { db } = ctx
  // On PostgreSQL the outcomes of the steps a `$batch` answered together go in one statement
  // (coalesce.ts); each caller gets on once its own row is written.
  const upsert = batchedWriter(
    ctx.dialect,
    (r: StepsTable) => `${r.run_id}\u0000${r.change_id}`,
    async (rows: StepsTable[]) => {
      await db
        .insertInto('steps')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['run_id', 'change_id']).doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            error_code: eb.ref('excluded.error_code'),
            error_message: eb.ref('excluded.error_message'),
            started_at: eb.fn.coalesce('excluded.started_at', 'steps.started_at'),
            finished_at: eb.ref('excluded.finished_at'),
          })),
        )
        .execute()
      return rows.map(() => undefined)
    },
  )
  return {
    async recordStep(runId, step) {
      const values = {
        run_id: runId,
        change_id: step.changeId,
        status: step.status,
        error_code: step.error?.code ?? null,
        error_message: redactSecrets(step.error?.message),
        started_at: step.startedAt ?? null,
        finished_at:
          step.finishedAt !== undefined
            ? step.finishedAt
            : step.status === 'not-run'
              ? null
              : ctx.now(),
      }
      await upsert(values)
    },
    async listSteps(runId) {
      const rows = await db
        .selectFrom('steps')
        .selectAll()
        .where('run_id', '=', runId)
        .orderBy('change_id')
        .execute()
      return rows.map(toRecord)
    },
  }
}
