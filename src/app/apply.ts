/**
 * Apply: runs a frozen plan through the Exchange admin API. It refuses a tampered plan, one whose
 * changes are not what passage would plan for this vendor and tenant (planner/guard.ts), and one
 * whose prior state drifted; it holds the tenant's lease, journals each object's prior state
 * before changing it, runs independent changes in parallel (their writes sent together, one round
 * of `$batch` at a time: write-wave.ts) and dependent ones in order, and returns a result per
 * step instead of throwing halfway. An interrupted or failed run of the same plan is resumed
 * from its journal: what is already in effect is not done again.
 */
import type { Change } from '../core/change.js'
import { PassageError } from '../core/errors/index.js'
import { hasDefender } from '../core/model/licence.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import { reviewPlan, type GuardDiagnostic } from '../core/planner/guard.js'
import type { Plan } from '../core/planner/types.js'
import { applyChange, inEffect, objectOf } from '../core/surfaces/snapshot-edit.js'
import { isSurfaceKind, surfaceOf } from '../core/surfaces/registry.js'
import type { DriftField } from '../core/surfaces/surface.js'
import type { ResolvedVendor } from '../core/vendor/resolve.js'
import type { RunRecord, Store } from '../store/index.js'
import { planVerified } from '../store/plans.js'
import { runStep, stepError, type StepResult } from './apply-step.js'
import { takeLease } from './lease.js'
import { vendorOfPlan } from './plan-vendor.js'
import { readTenant, snapshotAround } from './read-state.js'
import { prerequisites, runSchedule, type ScheduledStatus } from './schedule.js'
import type { Session } from './session.js'
import { WriteWave } from './write-wave.js'

export type { StepResult } from './apply-step.js'

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
  /**
   * Changes in flight at once. Default: as many as one round of requests carries under the
   * client's per-tenant cap (its `callsPerRound`): one limit, the client's.
   */
  concurrency?: number
  onStep?: (e: StepEvent) => void
  leaseTtlMs?: number
  /** The vendor the plan is for (default: resolved again from the catalog). */
  vendor?: ResolvedVendor
}

const RESUMABLE = new Set(['failed', 'interrupted', 'running'])

/** Refuses a plan that is tampered with or for another tenant. */
export function checkPlan(plan: Plan, tenantId: string): void {
  // Remembered for this plan object (store/plans.ts): savePlan then checks no second hash.
  if (!planVerified(plan))
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

/** The guard's refusal: every reason, the first one's code (a safety refusal or a forgery). */
export function guardError(found: GuardDiagnostic[]): PassageError {
  const first = found[0]
  const shown = found.slice(0, 10).map((d) => `  ${d.message}`)
  const more = found.length > 10 ? `\n  ... and ${found.length - 10} more` : ''
  return new PassageError(
    first?.code ?? 'PASSAGE_E_PLAN_FORGED',
    `Refused: the plan asks for what passage would not plan; nothing was applied:\n${shown.join('\n')}${more}`,
    { details: { diagnostics: found } },
  )
}

/** The newest apply run of this plan, if any (one row read, not the tenant's history). */
async function previousRun(store: Store, plan: Plan): Promise<RunRecord | undefined> {
  return store.newestRun(plan.tenant.id, 'apply', plan.hash)
}

/** Reads the surfaces changes touch (and, for the guard, the tenant context). */
async function readFor(
  session: Session,
  plan: Plan,
  changes: readonly Change[],
  context = false,
): Promise<{ snapshot: TenantSnapshot; calls: number }> {
  // A surface the plan names that passage does not know is the guard's to refuse, not a read.
  const surfaces = new Set(changes.map((c) => c.surface).filter(isSurfaceKind))
  // The guard accepts the gateway's addresses only where its inbound connector lists them.
  if (context) surfaces.add('inbound-connector')
  const read = await readTenant(session.exo, {
    surfaces: [...surfaces],
    context,
    defender: hasDefender(plan.tenant.licence),
  })
  return { snapshot: snapshotAround(plan.tenant, read), calls: read.calls }
}

/** What an interrupted run left: its steps done, the changes it journaled. */
interface Resumption {
  run: RunRecord | undefined
  done: Set<string>
  journaled: Set<string>
}

async function resumption(store: Store, prev: RunRecord | undefined): Promise<Resumption> {
  const run = prev !== undefined && RESUMABLE.has(prev.status) ? prev : undefined
  if (!run) return { run, done: new Set(), journaled: new Set() }
  const steps = await store.listSteps(run.id)
  const journal = await store.getJournal(run.id)
  return {
    run,
    done: new Set(steps.filter((s) => s.status === 'done').map((s) => s.changeId)),
    journaled: new Set(journal.map((j) => j.changeId)),
  }
}

/**
 * Drift: each change not yet begun is compared with what the plan saw. A change the interrupted
 * run had begun (journaled) is judged by whether it is in effect instead.
 */
function driftAndAlready(
  plan: Plan,
  now: TenantSnapshot,
  r: Resumption,
): { drift: DriftField[]; already: Set<string> } {
  const drift: DriftField[] = []
  const already = new Set<string>()
  for (const c of plan.changes) {
    if (r.done.has(c.id)) continue
    if (r.journaled.has(c.id)) {
      if (inEffect(now, c)) already.add(c.id)
      continue
    }
    drift.push(...surfaceOf(c.surface).drift(c.before, objectOf(now, c), c))
  }
  return { drift, already }
}

/** The result of a plan that had been applied already. */
async function alreadyApplied(store: Store, plan: Plan, prev: RunRecord, started: number) {
  const steps = await store.listSteps(prev.id)
  const result: ApplyResult = {
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
  return result
}

/** Records the tenant and the plan, and starts (or resumes) the run. */
async function startRun(
  store: Store,
  session: Session,
  plan: Plan,
  resuming: RunRecord | undefined,
): Promise<RunRecord> {
  // An existence query: the stored snapshot is not read (nor parsed) to learn the tenant is known.
  if (!(await store.hasTenant(plan.tenant.id)))
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
        // A renewal is journaled like any apply, but is not the tenant's last applied plan.
        ...(plan.renews ? { purpose: 'renewal' as const } : {}),
      })
  await store.audit({
    actor: session.actor,
    action: resuming ? 'apply.resume' : 'apply.start',
    tenantId: plan.tenant.id,
    details: { runId: run.id, plan: plan.hash, vendor: plan.vendor.id },
  })
  return run
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
  const vendor = opts.vendor ?? vendorOfPlan(plan)
  const lease = await takeLease(store, plan.tenant.id, session.actor, opts.leaseTtlMs)
  let calls = 0
  try {
    const prev = await previousRun(store, plan)
    if (prev?.status === 'done') return await alreadyApplied(store, plan, prev, started)
    const resume = await resumption(store, prev)
    const first = await readFor(session, plan, plan.changes, true)
    calls += first.calls
    // One walk of the plan over the tenant as read: what to refuse, and the counts behind its
    // limits and rule priorities that changed since it was made (rules, list entries).
    const review = reviewPlan(
      plan,
      vendor,
      first.snapshot,
      new Date().toISOString(),
      new Set([...resume.done, ...resume.journaled]),
    )
    if (review.refusals.length) throw guardError(review.refusals)
    const { drift, already } = driftAndAlready(plan, first.snapshot, resume)
    drift.push(...review.drift)
    if (drift.length) throw driftError(drift)

    const run = await startRun(store, session, plan, resume.run)
    await lease.attach(run.id)
    // The working snapshot follows our own writes, so that a second change of one object
    // journals the state the first one left (the true prior of that step).
    let working = first.snapshot
    const follow = (c: Change) => {
      try {
        working = applyChange(working, c)
      } catch {
        // A created object already there (resumed): the state read is already right.
      }
    }
    const results = new Map<string, StepResult>()
    // The writes of the changes in flight go out together, a round at a time.
    const wave = new WriteWave(session.exo)
    const work = async (c: Change): Promise<boolean> => {
      wave.begin()
      try {
        return await workOn(c)
      } finally {
        wave.end()
      }
    }
    const workOn = async (c: Change): Promise<boolean> => {
      opts.onStep?.({ type: 'start', change: c })
      const t0 = Date.now()
      const startedAt = new Date().toISOString()
      const r = await runStep(
        {
          store,
          write: (call) => wave.invoke(call),
          runId: run.id,
          priorOf: (x) => objectOf(working, x),
          alreadyDone: (x) => already.has(x.id),
          readBack: async (x) => {
            const back = await readFor(session, plan, [x])
            calls += back.calls
            return inEffect(back.snapshot, x)
          },
          counted: () => void calls++,
        },
        c,
      )
      if (r.status === 'done') follow(c)
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
    const known = new Map<string, ScheduledStatus>([...resume.done].map((id) => [id, 'done']))
    const scheduled = await runSchedule(plan.changes, work, {
      prerequisites: prerequisites(plan.changes),
      onFailure: 'stop-all',
      waitFor: 'done',
      concurrency: opts.concurrency ?? session.exo.callsPerRound,
      known,
      stop: lease.lost,
    })
    const statuses = new Map(scheduled.map((s) => [s.item.id, s.status]))
    const steps = await stepsOf(store, run.id, plan, statuses, results, lease.lost())
    const status = steps.every((s) => s.status === 'done') ? 'done' : 'failed'
    await finishApply(store, session, plan, run.id, steps, status)
    return {
      runId: run.id,
      planHash: plan.hash,
      tenantId: plan.tenant.id,
      status,
      resumed: resume.run !== undefined,
      alreadyApplied: false,
      steps,
      calls,
      ms: Date.now() - started,
    }
  } finally {
    await lease.release()
  }
}

/** Every change's step result, recording the ones that never ran. */
async function stepsOf(
  store: Store,
  runId: number,
  plan: Plan,
  statuses: Map<string, ScheduledStatus>,
  results: Map<string, StepResult>,
  leaseLost: boolean,
): Promise<StepResult[]> {
  const steps: StepResult[] = []
  for (const c of plan.changes) {
    const r = results.get(c.id)
    if (r) steps.push(r)
    else if ((statuses.get(c.id) ?? 'not-run') === 'done')
      steps.push({
        changeId: c.id,
        summary: c.summary,
        status: 'done',
        note: 'done in an earlier attempt',
      })
    else {
      const lost = leaseLost
        ? {
            error: stepError(
              new PassageError('PASSAGE_E_LEASE_HELD', 'The tenant lease was lost during the run.'),
            ),
          }
        : {}
      steps.push({ changeId: c.id, summary: c.summary, status: 'not-run', ...lost })
      await store.recordStep(runId, { changeId: c.id, status: 'not-run' })
    }
  }
  return steps
}

/** Closes the run and audits its outcome. */
async function finishApply(
  store: Store,
  session: Session,
  plan: Plan,
  runId: number,
  steps: StepResult[],
  status: 'done' | 'failed',
): Promise<void> {
  const failed = steps.find((s) => s.status === 'failed')
  await store.finishRun(
    runId,
    status,
    failed?.error ? { code: failed.error.code, message: failed.error.message } : null,
  )
  await store.audit({
    actor: session.actor,
    action: `apply.${status}`,
    tenantId: plan.tenant.id,
    details: {
      runId,
      plan: plan.hash,
      done: steps.filter((s) => s.status === 'done').length,
      failed: steps.filter((s) => s.status === 'failed').length,
    },
  })
}
