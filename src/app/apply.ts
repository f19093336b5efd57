/**
 * Apply: runs a frozen plan through the Exchange admin API. It refuses a tampered plan or one
 * whose prior state drifted, holds the tenant's lease, journals each object's prior state before
 * changing it, runs independent changes in parallel and dependent ones in order, and returns a
 * result per step instead of throwing halfway. An interrupted or failed run of the same plan is
 * resumed from its journal: what is already in effect is not done again.
 */
import type { Change } from '../core/change.js'
import { isPassageError, PassageError, type ErrorCode } from '../core/errors/index.js'
import { hasDefender } from '../core/model/licence.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import { planHashValid } from '../core/planner/plan.js'
import type { Plan } from '../core/planner/types.js'
import { applyChange } from '../core/surfaces/apply.js'
import type { RunRecord, Store } from '../store/index.js'
import { currentObject, driftOf, inEffect, type DriftField } from './drift.js'
import { takeLease } from './lease.js'
import { readTenant, snapshotOf } from './read-state.js'
import { runSchedule, type ScheduledStatus } from './schedule.js'
import type { Session } from './session.js'

/** One step's result. */
export interface StepResult {
  changeId: string
  summary: string
  status: ScheduledStatus
  /** Why a done step ran no cmdlet (resumed: it was in effect already). */
  note?: string
  error?: { code: ErrorCode; message: string; hint: string }
  ms?: number
}

/** Progress of one step, for the CLI's lines. */
export type StepEvent =
  { type: 'start'; change: Change } | { type: 'end'; change: Change; result: StepResult }

/** What apply returns. */
export interface ApplyResult {
  runId: number
  planHash: string
  tenantId: string
  status: 'done' | 'failed'
  /** True when it continued an interrupted or failed run of the same plan. */
  resumed: boolean
  /** True when the plan had been applied already (nothing was run). */
  alreadyApplied: boolean
  steps: StepResult[]
  /** Cmdlet calls made (reads and writes). */
  calls: number
  ms: number
}

/** Options of apply. */
export interface ApplyOptions {
  /** Changes in flight at once (default 4). */
  concurrency?: number
  onStep?: (e: StepEvent) => void
  leaseTtlMs?: number
}

const RESUMABLE = new Set(['failed', 'interrupted', 'running'])

function errorOf(e: unknown): NonNullable<StepResult['error']> {
  const err = isPassageError(e)
    ? e
    : new PassageError('PASSAGE_E_INTERNAL', e instanceof Error ? e.message : String(e))
  return { code: err.code, message: err.message, hint: err.hint }
}

/** Refuses a plan that is tampered with or for another tenant. */
export function checkPlan(plan: Plan, tenantId: string): void {
  if (!planHashValid(plan))
    throw new PassageError('PASSAGE_E_PLAN_TAMPERED', "The plan's content does not match its hash.")
  if (plan.tenant.id !== tenantId)
    throw new PassageError(
      'PASSAGE_E_PLAN_INVALID',
      `The plan is for ${plan.tenant.name}, but the session is signed in to tenant ${tenantId}.`,
      { hint: 'Connect to the tenant the plan was made for, or plan again for this one.' },
    )
}

/** The drift error: which fields of which objects changed since the plan. */
export function driftError(drift: DriftField[]): PassageError {
  const shown = drift
    .slice(0, 8)
    .map(
      (d) =>
        `  ${d.changeId} ${d.target}: ${d.field} was ${JSON.stringify(d.planned)}, is now ${JSON.stringify(d.actual)}`,
    )
  return new PassageError(
    'PASSAGE_E_PLAN_DRIFT',
    `The tenant changed since the plan was made; nothing was applied (re-plan):\n${shown.join('\n')}`,
    { details: { drift } },
  )
}

/** The newest apply run of this plan, if any. */
async function previousRun(store: Store, plan: Plan): Promise<RunRecord | undefined> {
  const runs = await store.listRuns(plan.tenant.id, 500)
  return runs.find((r) => r.kind === 'apply' && r.planHash === plan.hash)
}

/** Reads the surfaces a plan touches. */
async function readFor(session: Session, plan: Plan, changes: readonly Change[] = plan.changes) {
  const read = await readTenant(session.exo, {
    surfaces: [...new Set(changes.map((c) => c.surface))],
    defender: hasDefender(plan.tenant.licence),
  })
  return { snapshot: snapshotOf(plan.tenant, read), calls: read.calls }
}

/** Applies a plan (or resumes its interrupted run). See the module comment. */
export async function apply(
  session: Session,
  store: Store,
  plan: Plan,
  opts: ApplyOptions = {},
): Promise<ApplyResult> {
  const started = Date.now()
  checkPlan(plan, session.tenantId)
  const lease = await takeLease(store, plan.tenant.id, session.actor, opts.leaseTtlMs)
  let calls = 0
  try {
    const prev = await previousRun(store, plan)
    if (prev?.status === 'done') {
      const steps = await store.listSteps(prev.id)
      return {
        runId: prev.id,
        planHash: plan.hash,
        tenantId: plan.tenant.id,
        status: 'done',
        resumed: false,
        alreadyApplied: true,
        steps: plan.changes.map((c) => ({
          changeId: c.id,
          summary: c.summary,
          status: steps.find((s) => s.changeId === c.id)?.status === 'done' ? 'done' : 'not-run',
        })),
        calls: 0,
        ms: Date.now() - started,
      }
    }
    const resuming = prev !== undefined && RESUMABLE.has(prev.status) ? prev : undefined
    const priorSteps = resuming ? await store.listSteps(resuming.id) : []
    const journaled = new Set(
      resuming ? (await store.getJournal(resuming.id)).map((j) => j.changeId) : [],
    )
    const doneBefore = new Set(priorSteps.filter((s) => s.status === 'done').map((s) => s.changeId))

    const first = await readFor(session, plan)
    calls += first.calls
    let working: TenantSnapshot = first.snapshot
    // Drift: compare each change not yet begun with what the plan saw. A change the interrupted
    // run had begun (journaled) is judged by whether it is in effect instead.
    const drift: DriftField[] = []
    const already = new Set<string>()
    for (const c of plan.changes) {
      if (doneBefore.has(c.id)) continue
      if (journaled.has(c.id) && inEffect(working, c)) {
        already.add(c.id)
        continue
      }
      if (journaled.has(c.id)) continue
      drift.push(...driftOf(c, currentObject(working, c)))
    }
    if (drift.length) throw driftError(drift)

    const existing = await store.getTenant(plan.tenant.id)
    if (!existing)
      await store.upsertTenant({
        id: plan.tenant.id,
        name: plan.tenant.name,
        displayName: plan.tenant.name,
        licence: plan.tenant.licence,
      })
    await store.savePlan(plan)
    const run = resuming
      ? ((await store.resumeRun(resuming.id)) ?? resuming)
      : await store.createRun({
          tenantId: plan.tenant.id,
          planHash: plan.hash,
          kind: 'apply',
          actor: session.actor,
        })
    await lease.attach(run.id)
    await store.audit({
      actor: session.actor,
      action: resuming ? 'apply.resume' : 'apply.start',
      tenantId: plan.tenant.id,
      details: { runId: run.id, plan: plan.hash, vendor: plan.vendor.id },
    })

    const results = new Map<string, StepResult>()
    // The working snapshot follows our own writes, so that a second change of one object
    // journals the state the first one left (the true prior of that step).
    const follow = (c: Change) => {
      try {
        working = applyChange(working, c)
      } catch {
        // A created object already there (resumed): the state read is already right.
      }
    }
    const work = async (c: Change): Promise<boolean> => {
      opts.onStep?.({ type: 'start', change: c })
      const t0 = Date.now()
      const startedAt = new Date().toISOString()
      const finish = async (r: StepResult) => {
        r.ms = Date.now() - t0
        results.set(c.id, r)
        await store.recordStep(run.id, {
          changeId: c.id,
          status: r.status,
          error: r.error ? { code: r.error.code, message: r.error.message } : null,
          startedAt,
        })
        opts.onStep?.({ type: 'end', change: c, result: r })
        return r.status === 'done'
      }
      // The prior state goes to the journal before anything is written (insert-or-ignore: a
      // resumed run keeps the first, true prior).
      await store.journalPrior(run.id, c.id, c.surface, c.target, currentObject(working, c))
      if (already.has(c.id)) {
        follow(c)
        return finish({
          changeId: c.id,
          summary: c.summary,
          status: 'done',
          note: 'already in effect (resumed)',
        })
      }
      try {
        for (const call of c.calls) {
          calls++
          await session.exo.invoke(call)
        }
        follow(c)
        return finish({ changeId: c.id, summary: c.summary, status: 'done' })
      } catch (e) {
        // A write that may have run before the connection failed: read back before judging.
        if (isPassageError(e) && e.details?.mayHaveRun === true) {
          try {
            const back = await readFor(session, plan, [c])
            calls += back.calls
            if (inEffect(back.snapshot, c)) {
              follow(c)
              return finish({
                changeId: c.id,
                summary: c.summary,
                status: 'done',
                note: 'in effect on read-back after an ambiguous failure',
              })
            }
          } catch {
            // The read-back failed too: report the original failure.
          }
        }
        return finish({ changeId: c.id, summary: c.summary, status: 'failed', error: errorOf(e) })
      }
    }
    const known = new Map<string, ScheduledStatus>([...doneBefore].map((id) => [id, 'done']))
    const statuses = await runSchedule(plan.changes, work, {
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      known,
      stop: lease.lost,
    })
    const steps: StepResult[] = []
    for (const c of plan.changes) {
      const s = statuses.get(c.id) ?? 'not-run'
      const r = results.get(c.id)
      if (r) steps.push(r)
      else if (s === 'done')
        steps.push({
          changeId: c.id,
          summary: c.summary,
          status: 'done',
          note: 'done in an earlier attempt',
        })
      else {
        const lost = lease.lost()
        const step: StepResult = {
          changeId: c.id,
          summary: c.summary,
          status: 'not-run',
          ...(lost
            ? {
                error: errorOf(
                  new PassageError(
                    'PASSAGE_E_LEASE_HELD',
                    'The tenant lease was lost during the run.',
                  ),
                ),
              }
            : {}),
        }
        steps.push(step)
        await store.recordStep(run.id, { changeId: c.id, status: 'not-run' })
      }
    }
    const failed = steps.find((s) => s.status === 'failed')
    const status = steps.every((s) => s.status === 'done') ? 'done' : 'failed'
    await store.finishRun(
      run.id,
      status,
      failed?.error ? { code: failed.error.code, message: failed.error.message } : null,
    )
    await store.audit({
      actor: session.actor,
      action: `apply.${status}`,
      tenantId: plan.tenant.id,
      details: {
        runId: run.id,
        plan: plan.hash,
        done: steps.filter((s) => s.status === 'done').length,
        failed: steps.filter((s) => s.status === 'failed').length,
      },
    })
    return {
      runId: run.id,
      planHash: plan.hash,
      tenantId: plan.tenant.id,
      status,
      resumed: resuming !== undefined,
      alreadyApplied: false,
      steps,
      calls,
      ms: Date.now() - started,
    }
  } finally {
    await lease.release()
  }
}
