/**
 * Rollback: restores exactly the prior state of what an apply run changed, from its journal, in
 * reverse order, even after a partial apply. The apply run is then marked `rolled-back`, and a
 * second rollback of it is a no-op. Recorded as a `rollback` run with a step per change.
 */
import type { Change } from '../core/change.js'
import { isPassageError, PassageError, type ErrorCode } from '../core/errors/index.js'
import { hasDefender } from '../core/model/licence.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import type { Plan } from '../core/planner/types.js'
import { applyChange } from '../core/surfaces/apply.js'
import type { RunRecord, Store } from '../store/index.js'
import { currentObject } from './drift.js'
import { takeLease } from './lease.js'
import { readTenant, snapshotOf } from './read-state.js'
import { restoreOf } from './restore.js'
import type { Session } from './session.js'

/** One undone change. */
export interface RollbackStep {
  changeId: string
  summary: string
  status: 'done' | 'failed' | 'not-run'
  /** Cmdlets run to restore it (0 when it was already as it was). */
  calls: number
  note?: string
  error?: { code: ErrorCode; message: string; hint: string }
}

/** What rollback returns. */
export interface RollbackResult {
  /** The apply run undone. */
  appliedRun: number
  /** The rollback run (null for a no-op). */
  runId: number | null
  status: 'done' | 'failed' | 'noop'
  steps: RollbackStep[]
  ms: number
}

/** Options of rollback. */
export interface RollbackOptions {
  /** The apply run to undo (default: the tenant's last apply). */
  runId?: number
  onStep?: (step: RollbackStep) => void
  leaseTtlMs?: number
}

/** The apply run to undo: the given one, or the tenant's newest apply. */
export async function runToUndo(
  store: Store,
  tenantId: string,
  runId?: number,
): Promise<RunRecord> {
  if (runId !== undefined) {
    const run = await store.getRun(runId)
    if (!run || run.tenantId !== tenantId)
      throw new PassageError('PASSAGE_E_RUN_UNKNOWN', `No run ${runId} for tenant ${tenantId}.`)
    if (run.kind !== 'apply')
      throw new PassageError('PASSAGE_E_INPUT', `Run ${runId} is a ${run.kind}, not an apply.`, {
        hint: 'Give the id of an apply run (`passage runs`).',
      })
    return run
  }
  const run = (await store.listRuns(tenantId, 500)).find((r) => r.kind === 'apply')
  if (!run)
    throw new PassageError(
      'PASSAGE_E_RUN_UNKNOWN',
      `Nothing has been applied to tenant ${tenantId}.`,
    )
  return run
}

/** Rolls back an apply run (default: the tenant's last). See the module comment. */
export async function rollback(
  session: Session,
  store: Store,
  opts: RollbackOptions = {},
): Promise<RollbackResult> {
  const started = Date.now()
  const target = await runToUndo(store, session.tenantId, opts.runId)
  if (target.status === 'rolled-back')
    return {
      appliedRun: target.id,
      runId: null,
      status: 'noop',
      steps: [],
      ms: Date.now() - started,
    }
  const lease = await takeLease(store, session.tenantId, session.actor, opts.leaseTtlMs)
  try {
    const plan: Plan | undefined = target.planHash
      ? await store.getPlan(target.planHash)
      : undefined
    if (!plan)
      throw new PassageError('PASSAGE_E_STORE_CORRUPT', `Run ${target.id} has no stored plan.`)
    const byId = new Map(plan.changes.map((c) => [c.id, c]))
    // Last journaled first: undo in the reverse order of the writes.
    const journal = (await store.getJournal(target.id)).reverse()
    const changes = journal
      .map((j) => byId.get(j.changeId))
      .filter((c): c is Change => c !== undefined)
    const read = await readTenant(session.exo, {
      surfaces: [...new Set(changes.map((c) => c.surface))],
      defender: hasDefender(plan.tenant.licence),
    })
    let working: TenantSnapshot = snapshotOf(plan.tenant, read)
    const run = await store.createRun({
      tenantId: session.tenantId,
      planHash: plan.hash,
      kind: 'rollback',
      actor: session.actor,
    })
    await lease.attach(run.id)
    const steps: RollbackStep[] = []
    let failed = false
    for (const entry of journal) {
      const change = byId.get(entry.changeId)
      if (!change) continue
      const step: RollbackStep = {
        changeId: change.id,
        summary: change.summary,
        status: 'not-run',
        calls: 0,
      }
      steps.push(step)
      if (failed || lease.lost()) {
        await store.recordStep(run.id, { changeId: change.id, status: 'not-run' })
        continue
      }
      const restore = restoreOf(change, entry.prior, currentObject(working, change))
      if (restore.note) step.note = restore.note
      try {
        for (const call of restore.calls) {
          step.calls++
          await session.exo.invoke(call)
        }
        if (restore.change)
          try {
            working = applyChange(working, restore.change)
          } catch {
            // The working copy is only a guide for later entries of the same object.
          }
        step.status = 'done'
        await store.recordStep(run.id, { changeId: change.id, status: 'done' })
        await store.recordStep(target.id, { changeId: change.id, status: 'rolled-back' })
      } catch (e) {
        failed = true
        step.status = 'failed'
        const err = isPassageError(e)
          ? e
          : new PassageError('PASSAGE_E_INTERNAL', e instanceof Error ? e.message : String(e))
        step.error = { code: err.code, message: err.message, hint: err.hint }
        await store.recordStep(run.id, {
          changeId: change.id,
          status: 'failed',
          error: { code: err.code, message: err.message },
        })
      }
      opts.onStep?.(step)
    }
    const status = failed ? 'failed' : 'done'
    await store.finishRun(
      run.id,
      status,
      failed
        ? { code: 'PASSAGE_E_ROLLBACK_INCOMPLETE', message: 'some changes were not undone' }
        : null,
    )
    if (!failed) await store.finishRun(target.id, 'rolled-back')
    await store.audit({
      actor: session.actor,
      action: `rollback.${status}`,
      tenantId: session.tenantId,
      details: { runId: run.id, undid: target.id, steps: steps.length },
    })
    return { appliedRun: target.id, runId: run.id, status, steps, ms: Date.now() - started }
  } finally {
    await lease.release()
  }
}
