/**
 * Rollback: restores exactly the prior state of what an apply run changed, from its journal, in
 * reverse order, even after a partial apply, with each surface's three-way undo (the one the
 * property tests exercise): a field someone changed after apply keeps their value and the step
 * is a `conflict` (unless forced). The apply run is then marked `rolled-back`, and a second
 * rollback of it is a no-op. Recorded as a `rollback` run with a step per change.
 *
 * Undos that do not depend on each other run side by side, their writes sent together as apply
 * sends its own (one `$batch` a round: write-wave.ts), scheduled by apply's scheduler
 * (schedule.ts) with rollback's rules: an undo waits for the undos of every change that was made
 * after it and built on it (the reverse of apply's prerequisites: the same object, `dependsOn`,
 * the order of mail flow rules) to settle, whatever their outcome, and a failed undo blocks only
 * the later undos of its object. Each undo still has its own calls, outcome and read-back, and the
 * steps are recorded and reported in the journal's reverse order, as before.
 */
import type { Change, JsonObject } from '../core/change.js'
import { isPassageError, PassageError, type ErrorCode } from '../core/errors/index.js'
import { hasDefender } from '../core/model/licence.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import type { Plan } from '../core/planner/types.js'
import { applyChange, inEffect, undoIn } from '../core/surfaces/snapshot-edit.js'
import type { UndoConflict } from '../core/surfaces/surface.js'
import type { RunRecord, Store } from '../store/index.js'
import type { CmdletCall } from '../core/cmdlet.js'
import { takeLease } from './lease.js'
import { readTenant, snapshotAround } from './read-state.js'
import { runSchedule, sameObject, undoPrerequisites, type Scheduled } from './schedule.js'
import type { Session } from './session.js'
import { undoSummary } from './undo-words.js'
import { lostWithItsBatch, WriteWave } from './write-wave.js'

/** One undone change. */
export interface RollbackStep {
  changeId: string
  /** What undoing the change does, in words (undo-words.ts), not the apply's title. */
  summary: string
  status: 'done' | 'failed' | 'not-run' | 'conflict'
  /** Cmdlets run to restore it (0 when it was already as it was). */
  calls: number
  /** Fields someone changed since apply, left as they set them (status `conflict`). */
  conflicts?: UndoConflict[]
  note?: string
  error?: { code: ErrorCode; message: string; hint: string }
}

/** What rollback returns. */
export interface RollbackResult {
  /** The apply run undone. */
  appliedRun: number
  /** The rollback run (null for a no-op). */
  runId: number | null
  /** `conflict`: everything else was undone, but some fields keep values set since apply. */
  status: 'done' | 'failed' | 'noop' | 'conflict'
  steps: RollbackStep[]
  ms: number
}

/** Options of rollback. */
export interface RollbackOptions {
  /** The apply run to undo (default: the tenant's last apply). */
  runId?: number
  onStep?: (step: RollbackStep) => void
  leaseTtlMs?: number
  /** Put prior values back even over changes made since apply. */
  force?: boolean
}

/**
 * The apply run to undo: the given one, or the tenant's newest apply. `tenantName` is how the
 * messages name the tenant (its name when known; the GUID otherwise).
 */
export async function runToUndo(
  store: Store,
  tenantId: string,
  runId?: number,
  tenantName: string | null = null,
): Promise<RunRecord> {
  const tenant = tenantName ?? tenantId
  if (runId !== undefined) {
    const run = await store.getRun(runId)
    if (!run || run.tenantId !== tenantId)
      throw new PassageError('PASSAGE_E_RUN_UNKNOWN', `No run ${runId} for tenant ${tenant}.`)
    if (run.kind !== 'apply')
      throw new PassageError('PASSAGE_E_INPUT', `Run ${runId} is a ${run.kind}, not an apply.`, {
        hint: 'Give the id of an apply run (`passage runs`).',
      })
    return run
  }
  // A renewal's undo is nothing (its entries are as they were): the apply it renewed is meant.
  const run = (await store.listRuns(tenantId, 500)).find((r) => r.kind === 'apply' && !r.purpose)
  if (!run)
    throw new PassageError(
      'PASSAGE_E_NOTHING_APPLIED',
      `Nothing has been applied to tenant ${tenant}.`,
      {
        hint: 'There is nothing to undo: `passage runs` lists what was applied and undone.',
      },
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
  const target = await runToUndo(store, session.tenantId, opts.runId, session.profile.tenantName)
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
    await markInterrupted(store, session.tenantId)
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
    const state = { working: snapshotAround(plan.tenant, read) }
    const run = await store.createRun({
      tenantId: session.tenantId,
      planHash: plan.hash,
      kind: 'rollback',
      actor: session.actor,
    })
    await lease.attach(run.id)
    const steps = await undoAll(journal, byId, {
      session,
      plan,
      state,
      force: opts.force === true,
      lost: lease.lost,
      // Recorded and reported in the journal's reverse order, each as soon as those before it are.
      settled: async (step) => {
        if (step.status === 'not-run')
          await store.recordStep(run.id, { changeId: step.changeId, status: 'not-run' })
        else await recordUndo(store, run.id, target.id, step)
        opts.onStep?.(step)
      },
    })
    const failed = steps.some((st) => st.status === 'failed' || st.status === 'not-run')
    const conflicted = steps.some((st) => st.status === 'conflict')
    const status = failed ? 'failed' : conflicted ? 'conflict' : 'done'
    await store.finishRun(
      run.id,
      status === 'done' ? 'done' : 'failed',
      failed
        ? { code: 'PASSAGE_E_ROLLBACK_INCOMPLETE', message: 'some changes were not undone' }
        : conflicted
          ? {
              code: 'PASSAGE_E_ROLLBACK_CONFLICT',
              message: 'some fields were changed since apply and were left as they are',
            }
          : null,
    )
    // With conflicts left, the apply run stays undoable: `rollback --force` finishes it.
    if (status === 'done') await store.finishRun(target.id, 'rolled-back')
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

/** What the undos of a rollback share. */
interface UndoRun {
  session: Session
  plan: Plan
  /** The tenant as the undos left it so far (a guide for later undos of the same object). */
  state: { working: TenantSnapshot }
  force: boolean
  lost: () => boolean
  /** Records and reports a final step (called in the journal's reverse order). */
  settled: (step: RollbackStep) => Promise<void>
}

/**
 * Undoes the journal's changes, last first, independent ones side by side, through the scheduler
 * apply uses (schedule.ts) with rollback's rules: an undo waits for the undos it must follow to
 * settle, whatever their outcome; a failed undo blocks only the later undos of the same object
 * (they build on it) and the others carry on. After the lease is lost nothing new starts.
 */
async function undoAll(
  journal: readonly { changeId: string; prior: JsonObject | null }[],
  byId: ReadonlyMap<string, Change>,
  u: UndoRun,
): Promise<RollbackStep[]> {
  // The store journals a change once per run, so its id names its entry.
  const priors = new Map(journal.map((j) => [j.changeId, j.prior]))
  const changes = journal.flatMap((j) => {
    const change = byId.get(j.changeId)
    return change ? [change] : []
  })
  const steps = new Map<string, RollbackStep>()
  const wave = new WriteWave(u.session.exo)
  const undo = async (change: Change): Promise<boolean> => {
    wave.begin()
    try {
      const step = await undoStep(u, change, priors.get(change.id) ?? null, (call) =>
        wave.invoke(call),
      ).catch((e: unknown) => failedStep(change, e))
      steps.set(change.id, step)
      return step.status !== 'failed'
    } finally {
      wave.end()
    }
  }
  // An undo that did not run: blocked by a failed undo of its object, or the lease was lost.
  const stepOf = (s: Scheduled<Change>): RollbackStep => {
    const step = steps.get(s.item.id) ?? {
      changeId: s.item.id,
      summary: undoSummary(s.item),
      status: 'not-run',
      calls: 0,
      ...(s.reason?.kind === 'blocked' ? { note: blockedNote(s.item, byId.get(s.reason.by)) } : {}),
    }
    steps.set(s.item.id, step)
    return step
  }
  const scheduled = await runSchedule(changes, undo, {
    prerequisites: undoPrerequisites(changes),
    onFailure: 'block-dependents',
    waitFor: 'settled',
    blocks: undoBlocks,
    concurrency: u.session.exo.callsPerRound,
    stop: u.lost,
    onSettled: (s) => u.settled(stepOf(s)),
  })
  return scheduled.map(stepOf)
}

/**
 * Whether a failed (or blocked) undo of `prerequisite` keeps `item`'s undo from running: when it
 * undid a later change of the same object (the earlier undo builds on it), or a change that used
 * `item`'s object (`dependsOn`: an anti-spam policy naming the quarantine policy the apply
 * created; while the policy still names it, Exchange refuses to remove it, so the call is not
 * sent). Either is left for the next rollback, which retries both.
 */
function undoBlocks(item: Change, prerequisite: Change): boolean {
  return sameObject(item, prerequisite) || prerequisite.dependsOn.includes(item.id)
}

/** Why an undo was kept back: the failed undo it builds on, in the user's words. */
function blockedNote(item: Change, by: Change | undefined): string {
  if (!by || sameObject(item, by)) return 'an earlier undo of this object failed'
  return `kept, because undoing what uses it failed (${undoSummary(by)})`
}

/** A step that failed with `e` (an undo that threw instead of reporting its failure). */
function failedStep(change: Change, e: unknown): RollbackStep {
  const err = passageErrorOf(e)
  return {
    changeId: change.id,
    summary: undoSummary(change),
    status: 'failed',
    calls: 0,
    error: { code: err.code, message: err.message, hint: err.hint },
  }
}

/**
 * Rollback runs of the tenant still marked running while we hold its lease were killed: they
 * are marked interrupted (`passage runs` shows them so), and this rollback continues their work.
 */
async function markInterrupted(store: Store, tenantId: string): Promise<void> {
  // One statement, whatever the tenant's history (store/runs.ts interruptRuns).
  await store.interruptRuns(tenantId, 'rollback', {
    code: 'PASSAGE_E_ROLLBACK_INCOMPLETE',
    message: 'the rollback was interrupted; a later rollback continued it',
  })
}

/** Reads the object a change targets back, for a write that may have run. */
async function readBack(session: Session, plan: Plan, change: Change): Promise<TenantSnapshot> {
  const read = await readTenant(session.exo, {
    surfaces: [change.surface],
    defender: hasDefender(plan.tenant.licence),
  })
  return snapshotAround(plan.tenant, read)
}

/**
 * Undoes one journaled change: the surface's three-way inverse, its derived calls, and after an
 * ambiguous failure (the write may have run) a read-back that judges whether the undo is in
 * effect. Returns the step and the working snapshot after it.
 */
async function undoStep(
  u: UndoRun,
  change: Change,
  prior: JsonObject | null,
  write: (call: CmdletCall) => Promise<unknown>,
): Promise<RollbackStep> {
  const step: RollbackStep = {
    changeId: change.id,
    summary: undoSummary(change),
    status: 'done',
    calls: 0,
  }
  let restore = undoIn(u.state.working, change, prior, { force: u.force })
  if (restore.note) step.note = restore.note
  // The working copy follows the undo once it is done (other undos in flight touch other objects,
  // so it is taken as it is then, not as it was when this one began).
  const follow = () => {
    if (!restore.change) return
    try {
      u.state.working = applyChange(u.state.working, restore.change)
    } catch {
      // The working copy is only a guide for later entries of the same object.
    }
  }
  const send = async (via: (call: CmdletCall) => Promise<unknown>) => {
    for (const call of restore.calls) {
      step.calls++
      await via(call)
    }
  }
  let failure: unknown
  try {
    await send(write)
    follow()
    return withConflicts(step, restore.conflicts)
  } catch (e) {
    failure = e
  }
  if (isPassageError(failure) && failure.details?.mayHaveRun === true && restore.change)
    try {
      const back = await readBack(u.session, u.plan, change)
      if (inEffect(back, restore.change)) {
        step.note = 'in effect on read-back after an ambiguous failure'
        follow()
        return withConflicts(step, restore.conflicts)
      }
      if (lostWithItsBatch(failure)) {
        // Its $batch's answer was lost as a whole and the undo is not in effect: the service
        // may have stopped at another item before it. Once more, on its own, from the object as
        // read back (three-way again), as it would have run outside a batch.
        restore = undoIn(back, change, prior, { force: u.force })
        step.note = `not in effect on read-back after its $batch's answer was lost: sent again on its own`
        try {
          await send((call) => u.session.exo.invoke(call))
          follow()
          return withConflicts(step, restore.conflicts)
        } catch (e) {
          failure = e
        }
      }
    } catch {
      // The read-back failed too: report the original failure.
    }
  const err = passageErrorOf(failure)
  step.status = 'failed'
  step.error = { code: err.code, message: err.message, hint: err.hint }
  return step
}

/** `e` as a PassageError (an unexpected one is internal). */
function passageErrorOf(e: unknown): PassageError {
  return isPassageError(e)
    ? e
    : new PassageError('PASSAGE_E_INTERNAL', e instanceof Error ? e.message : String(e))
}

function withConflicts(step: RollbackStep, conflicts: UndoConflict[]): RollbackStep {
  return conflicts.length ? { ...step, status: 'conflict', conflicts } : step
}

/** Records a step of the rollback run (and, when undone, on the apply run it undoes). */
async function recordUndo(
  store: Store,
  runId: number,
  appliedRun: number,
  step: RollbackStep,
): Promise<void> {
  if (step.status === 'done')
    // Side by side: the store writes both rows in one statement (store/coalesce.ts).
    await Promise.all([
      store.recordStep(runId, { changeId: step.changeId, status: 'done' }),
      store.recordStep(appliedRun, { changeId: step.changeId, status: 'rolled-back' }),
    ])
  else if (step.status === 'conflict')
    // The store records it as failed with the conflict's code: a later rollback can finish it.
    await store.recordStep(runId, {
      changeId: step.changeId,
      status: 'failed',
      error: {
        code: 'PASSAGE_E_ROLLBACK_CONFLICT',
        message: conflictText(step.conflicts ?? []),
      },
    })
  else if (step.status === 'failed')
    await store.recordStep(runId, {
      changeId: step.changeId,
      status: 'failed',
      ...(step.error ? { error: { code: step.error.code, message: step.error.message } } : {}),
    })
}

/** The conflicts of a step, in words: each field with passage's value and the one it has now. */
export function conflictText(conflicts: readonly UndoConflict[]): string {
  return conflicts
    .map(
      (c) =>
        `${c.field}: passage set ${JSON.stringify(c.passage)}, it is now ${JSON.stringify(c.current)} (was ${JSON.stringify(c.prior)} before)`,
    )
    .join('; ')
}
