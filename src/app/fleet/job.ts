/**
 * One fleet job: one action of a fleet plan on one tenant, run by a worker (worker.ts hands it
 * jobs from the queue; tests call it directly, without pg-boss). It loads the fleet app and the
 * tenant, marks the item running, signs the app in to the tenant (a session kept across jobs),
 * runs the single-tenant use case against the same store (discover + plan, apply, check,
 * rollback: drift refusal, journal, lease and resume all come from them) and writes the item.
 *
 * A failure becomes the item's state (item-state.ts): `refused` (the input or the plan),
 * `no-access` (the app cannot act there: the fleet tenant is marked no-access too), `failed`
 * (for good), or it is rethrown so that the queue retries the job (throttled, unavailable,
 * network, the tenant's lease held); on the last attempt the item is recorded `failed` first.
 * A throttled job's error carries the wait Exchange asked for (Retry-After, as the tenant's
 * session noted it), so that the worker has the job run again no sooner (worker.ts).
 */
import { PassageError, type ErrorCode } from '../../core/errors/index.js'
import { contentHash } from '../../core/hash.js'
import type { Plan } from '../../core/plan-format.js'
import type { Store } from '../../store/index.js'
import type {
  FleetAction,
  FleetApp,
  FleetItem,
  FleetPlanRecord,
  FleetTenant,
} from '../../store/fleet.js'
import { apply } from '../apply.js'
import { check } from '../check.js'
import { discover } from '../discover.js'
import { planForSnapshot } from '../plan-use-case.js'
import { rollback } from '../rollback.js'
import type { Session } from '../session.js'
import { classifyFailure, safeMessage } from './item-state.js'
import type { LeasedSession, SessionNeeds } from './tenant-sessions.js'
import { emptyItem } from './orchestrate.js'

/** A job as the queue gives it: the item's key, and how many times it was retried already. */
export interface FleetJobInput {
  fleetPlanId: string
  tenantId: string
  /** Attempts before this one (the queue counts pg-boss's retries and Retry-After resends; 0 first). */
  retryCount?: number
}

/** What runFleetJob needs besides the store. */
export interface FleetJobDeps {
  /**
   * The tenant's app-only session (TenantSessions in a worker); `needs` says what the job uses it
   * for first (a plan job reads Graph: a new session asks for both tokens at once).
   */
  session(app: FleetApp, tenant: FleetTenant, needs?: SessionNeeds): Promise<LeasedSession>
  /** Drops the tenant's session after a sign-in or access failure. */
  evict?(tenantId: string): void
  /** The queue's retry limit: the attempt with retryCount >= retryLimit is the last. Default 3. */
  retryLimit?: number
  now?: () => Date
  /** The tenant lease's time (default the use cases'). */
  leaseTtlMs?: number
  /**
   * True once the worker was stopped without grace: the queue has handed the job back, so its
   * outcome is not written (another worker owns the item now); the job ends PASSAGE_E_FLEET_STOPPED.
   */
  stopped?: () => boolean
}

/** The default retry limit of the fleet's queues (design.md). */
export const FLEET_RETRY_LIMIT = 3

/** Thrown for a failure the queue should retry; the item says the last error. */
export class RetryableFleetError extends PassageError {
  /**
   * For throttling: what is left of the wait the tenant asked for (Retry-After), in ms; the job
   * must not run again sooner. Absent when no Retry-After was given.
   */
  retryAfterMs?: number
  /** True when this was the job's last attempt (the item is recorded failed). */
  last = false
}

/**
 * The wait a throttled failure asks for, in ms: the longest of the error's own (a future
 * `details.retryAfterMs`, should the clients carry it) and the tenant's session's note of the
 * Retry-After its throttled answers asked for. Null when neither says.
 */
export function throttleWaitMs(e: unknown, leased: LeasedSession | null): number | null {
  const fromError = (e as { details?: { retryAfterMs?: unknown } } | null)?.details?.retryAfterMs
  const a = typeof fromError === 'number' && fromError > 0 ? fromError : null
  const b = leased?.retryAfterMs?.() ?? null
  if (a === null) return b
  return b === null ? a : Math.max(a, b)
}

/**
 * SHA-256 of the canonical JSON of a plan's changes' cmdlet calls: tenants whose plans run the
 * same cmdlets with the same parameters share one key, one group and one PowerShell preview.
 */
export function changeKeyOf(plan: Plan): string {
  return contentHash(plan.changes.map((c) => c.calls))
}

/** The soonest expiry date a plan sets on an allow/block entry (ISO), or null. */
export function soonestExpiry(plan: Plan): string | null {
  let best: number | null = null
  for (const c of plan.changes) {
    const exp = c.after?.ExpirationDate
    const t = typeof exp === 'string' ? Date.parse(exp) : NaN
    if (Number.isFinite(t) && (best === null || t < best)) best = t
  }
  return best === null ? null : new Date(best).toISOString()
}

type Outcome = Pick<FleetItem, 'state'> &
  Partial<
    Pick<FleetItem, 'planHash' | 'changeKey' | 'runId' | 'errorCode' | 'errorMessage' | 'detail'>
  >

/**
 * Fleet plans a store gave this process, by id. A fleet plan is never changed once created (the
 * store has no update for it), so a worker reads each once rather than once per job: its tenant
 * list alone is some 40 kB of JSON for a fleet of a thousand tenants.
 */
const fleetPlans = new WeakMap<Store, Map<string, FleetPlanRecord>>()

/** The fleet plan `id` (read once per store and process), or null when there is none. */
async function fleetPlanOf(store: Store, id: string): Promise<FleetPlanRecord | null> {
  let known = fleetPlans.get(store)
  const hit = known?.get(id)
  if (hit) return hit
  const read = await store.getFleetPlan(id)
  if (read) {
    if (!known) fleetPlans.set(store, (known = new Map()))
    known.set(id, read)
  }
  return read
}

/** Runs one job and returns the item as written; throws only for a failure to retry. */
export async function runFleetJob(
  store: Store,
  action: FleetAction,
  job: FleetJobInput,
  deps: FleetJobDeps,
): Promise<FleetItem> {
  const now = deps.now ?? (() => new Date())
  // What the job needs from the store, read at once (two round trips in one wait, the fleet plan
  // once per process): the item, with the item the action works from (the tenant's plan, or what
  // was applied) in the same read; the app, with the tenant in the same read.
  const from = INPUT_ACTION[action]
  const [items, fleetPlan, { app, tenant }] = await Promise.all([
    store.getFleetItems(job.fleetPlanId, job.tenantId, from ? [action, from] : [action]),
    fleetPlanOf(store, job.fleetPlanId),
    store.getFleetAppAndTenant(job.tenantId),
  ])
  const existing = items[action] ?? null
  const inputItem = from ? (items[from] ?? null) : null
  const base: Omit<FleetItem, 'updatedAt'> = existing
    ? { ...existing }
    : emptyItem(job.fleetPlanId, job.tenantId, action)
  const handedBack = () =>
    new PassageError(
      'PASSAGE_E_FLEET_STOPPED',
      'The worker stopped: the job went back to the queue, its outcome is not written.',
    )
  const write = async (o: Outcome): Promise<FleetItem> => {
    if (deps.stopped?.()) throw handedBack()
    const item: Omit<FleetItem, 'updatedAt'> = {
      ...base,
      errorCode: null,
      errorMessage: null,
      ...o,
    }
    await store.putFleetItem(item)
    // The item as written (not read back: a round trip per job; the store keeps its own time).
    return { ...item, updatedAt: now().toISOString() }
  }
  const refuse = (code: ErrorCode, message: string) =>
    write({ state: 'refused', errorCode: code, errorMessage: safeMessage(message) })

  if (!fleetPlan) return refuse('PASSAGE_E_FLEET_PLAN_UNKNOWN', `No fleet plan ${job.fleetPlanId}.`)
  if (!app) return refuse('PASSAGE_E_FLEET_APP', "The fleet's app registration is not set.")
  if (!tenant || tenant.state === 'removed')
    return refuse(
      'PASSAGE_E_FLEET_TENANT_UNKNOWN',
      tenant
        ? `Tenant ${tenant.name} was removed from the fleet.`
        : `Tenant ${job.tenantId} is not in the fleet.`,
    )
  if (action !== 'plan' && action !== 'check' && tenant.access === 'read')
    return refuse(
      'PASSAGE_E_INPUT',
      `Tenant ${tenant.name} was enrolled read-only (View-Only Organization Management): passage may not ${action} there.`,
    )

  if (deps.stopped?.()) throw handedBack()
  base.attempts = (existing?.attempts ?? 0) + 1
  base.state = 'running'
  // The sign-in (a round trip to the authority when this worker has no session for the tenant
  // yet) runs while the item is marked running and the action's own records are read; the use
  // case starts only once it is done, so a refused sign-in still ends the job before any change.
  const signingIn = deps.session(app, tenant, action === 'plan' ? { graph: true } : {})
  // Awaited below, or released in `finally` when the job ends before it.
  signingIn.catch(() => {})
  try {
    await store.putFleetItem({ ...base, errorCode: null, errorMessage: null })
  } catch (e) {
    void signingIn.then(
      (l) => l.release(),
      () => {},
    )
    throw e
  }

  let leased: LeasedSession | null = null
  try {
    const input = await actionInput(store, action, fleetPlan, tenant, inputItem)
    leased = await signingIn
    const outcome = await runAction(
      store,
      action,
      fleetPlan,
      tenant,
      leased.session,
      deps,
      now,
      input,
    )
    if (tenant.state !== 'enrolled' && outcome.state !== 'no-access')
      // The app reached the tenant again: it is enrolled (consent and role are back).
      await store.upsertFleetTenant({
        ...tenant,
        state: 'enrolled',
        enrolledAt: tenant.enrolledAt ?? now().toISOString(),
        lastErrorCode: null,
        lastErrorMessage: null,
      })
    return await write(outcome)
  } catch (e) {
    if (deps.stopped?.()) throw handedBack()
    const f = classifyFailure(e)
    const failure = { errorCode: f.code, errorMessage: f.message }
    if (f.outcome === 'retry') {
      const last = (job.retryCount ?? 0) >= (deps.retryLimit ?? FLEET_RETRY_LIMIT)
      await write({ state: last ? 'failed' : 'queued', ...failure })
      const err = new RetryableFleetError(f.code, f.message)
      err.last = last
      const wait = f.code === 'PASSAGE_E_THROTTLED' ? throttleWaitMs(e, leased) : null
      if (wait !== null) err.retryAfterMs = wait
      throw err
    }
    if (f.outcome === 'no-access') {
      deps.evict?.(tenant.tenantId)
      await store.upsertFleetTenant({
        ...tenant,
        state: 'no-access',
        lastErrorCode: f.code,
        lastErrorMessage: f.message,
      })
    }
    return write({ state: f.outcome, ...failure })
  } finally {
    if (leased) leased.release()
    // Ended before the sign-in was awaited (its records could not be read): released once done.
    else
      void signingIn.then(
        (l) => l.release(),
        () => {},
      )
  }
}

/** The item each action works from: apply and check the tenant's plan, rollback its apply. */
const INPUT_ACTION: Record<FleetAction, FleetAction | null> = {
  plan: null,
  apply: 'plan',
  check: 'plan',
  rollback: 'apply',
}

/** The tenant's plan of this fleet plan (its `plan` item, as read), or why there is none. */
async function tenantPlan(
  store: Store,
  fleetPlan: FleetPlanRecord,
  tenant: FleetTenant,
  item: FleetItem | null,
): Promise<{ plan: Plan; item: FleetItem } | { none: Outcome }> {
  if (item?.state === 'nothing')
    return { none: { state: 'nothing', detail: { reason: 'the plan makes no change here' } } }
  if (!item?.planHash || item.state !== 'done')
    return {
      none: {
        state: 'refused',
        errorCode: 'PASSAGE_E_PLAN_INVALID',
        errorMessage: `Tenant ${tenant.name} has no plan in fleet plan ${fleetPlan.id}${item ? ` (its plan is ${item.state})` : ''}.`,
      },
    }
  const plan = await store.getPlan(item.planHash)
  if (!plan)
    throw new PassageError(
      'PASSAGE_E_STORE_CORRUPT',
      `Plan ${item.planHash.slice(0, 12)} of tenant ${tenant.name} is not in the store.`,
    )
  return { plan, item }
}

/** What an action reads of its own before it runs: the tenant's plan, or its apply item. */
type ActionInput =
  | { kind: 'plan' }
  | { kind: 'planned'; got: Awaited<ReturnType<typeof tenantPlan>> }
  | { kind: 'applied'; item: FleetItem | null }

/** The action's input, its plan read (while the tenant's session is being opened). */
async function actionInput(
  store: Store,
  action: FleetAction,
  fleetPlan: FleetPlanRecord,
  tenant: FleetTenant,
  /** The item of INPUT_ACTION[action], read with the job's own. */
  inputItem: FleetItem | null,
): Promise<ActionInput> {
  switch (action) {
    case 'plan':
      return { kind: 'plan' }
    case 'apply':
    case 'check':
      return { kind: 'planned', got: await tenantPlan(store, fleetPlan, tenant, inputItem) }
    case 'rollback':
      return { kind: 'applied', item: inputItem }
  }
}

async function runAction(
  store: Store,
  action: FleetAction,
  fleetPlan: FleetPlanRecord,
  tenant: FleetTenant,
  session: Session,
  deps: FleetJobDeps,
  now: () => Date,
  input: ActionInput,
): Promise<Outcome> {
  const lease = deps.leaseTtlMs !== undefined ? { leaseTtlMs: deps.leaseTtlMs } : {}
  const planned = () => {
    if (input.kind !== 'planned') throw new Error(`no plan was read for ${action}`)
    return input.got
  }
  switch (action) {
    case 'plan': {
      const at = now().toISOString()
      const found = await discover(session, store, { now: at })
      const req = fleetPlan.request
      const plan = planForSnapshot(found.snapshot, {
        vendor: req.vendor,
        params: req.params,
        mode: req.mode,
        now: at,
        ...(req.protections ? { protections: req.protections } : {}),
        ...(req.presetExceptions ? { presetExceptions: req.presetExceptions } : {}),
      })
      const refusedReasons = plan.skipped.map((s) => `${s.protection}: ${s.reason}`)
      const detail = {
        changes: plan.changes.length,
        ...(refusedReasons.length ? { refusedReasons } : {}),
        ...(found.degraded.length ? { degraded: found.degraded } : {}),
      }
      if (plan.changes.length === 0) return { state: 'nothing', detail }
      await store.savePlan(plan)
      return { state: 'done', planHash: plan.hash, changeKey: changeKeyOf(plan), detail }
    }
    case 'apply': {
      const got = planned()
      if ('none' in got) return got.none
      const r = await apply(session, store, got.plan, lease)
      const failed = r.steps.filter((s) => s.status === 'failed')
      const first = failed.find((s) => s.error)?.error
      return {
        state: r.status === 'done' ? 'done' : 'failed',
        planHash: got.plan.hash,
        changeKey: got.item.changeKey,
        runId: r.runId,
        detail: {
          steps: r.steps.length,
          failed: failed.length,
          resumed: r.resumed,
          alreadyApplied: r.alreadyApplied,
          calls: r.calls,
        },
        ...(r.status === 'done'
          ? {}
          : {
              errorCode: first?.code ?? 'PASSAGE_E_EXO_FAILED',
              errorMessage: safeMessage(
                first
                  ? `${failed.length} of ${r.steps.length} changes failed; first: ${first.message}`
                  : `Apply run ${r.runId} failed.`,
              ),
            }),
      }
    }
    case 'check': {
      const got = planned()
      if ('none' in got) return got.none
      const r = await check(session, store, got.plan, { now })
      const expiry = soonestExpiry(got.plan)
      const detail = {
        green: r.green,
        findings: r.findings.length,
        checked: r.checked,
        ...(expiry ? { soonestExpiry: expiry } : {}),
        ...(r.findings.length
          ? {
              problems: r.findings.slice(0, 5).map((f) => safeMessage(`${f.target}: ${f.problem}`)),
            }
          : {}),
      }
      if (r.green) return { state: 'done', planHash: got.plan.hash, runId: r.runId, detail }
      // check records a red result as a failed run with PASSAGE_E_PLAN_DRIFT (check.ts).
      const f = r.findings[0]
      return {
        state: 'failed',
        planHash: got.plan.hash,
        runId: r.runId,
        detail,
        errorCode: 'PASSAGE_E_PLAN_DRIFT',
        errorMessage: safeMessage(
          `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}${f ? `; first: ${f.target}: ${f.problem}` : ''}`,
        ),
      }
    }
    case 'rollback': {
      const applied = input.kind === 'applied' ? input.item : null
      if (applied?.runId == null)
        return {
          state: 'nothing',
          detail: { reason: 'nothing of this fleet plan was applied here' },
        }
      const r = await rollback(session, store, { runId: applied.runId, ...lease })
      const failed = r.steps.filter((s) => s.status === 'failed' || s.status === 'conflict')
      const detail = { status: r.status, appliedRun: r.appliedRun, steps: r.steps.length }
      const ok = r.status === 'done' || r.status === 'noop'
      return {
        state: ok ? 'done' : 'failed',
        runId: r.runId,
        planHash: applied.planHash,
        detail,
        ...(ok
          ? {}
          : {
              errorCode:
                r.status === 'conflict'
                  ? 'PASSAGE_E_ROLLBACK_CONFLICT'
                  : 'PASSAGE_E_ROLLBACK_INCOMPLETE',
              errorMessage: safeMessage(
                `${failed.length} of ${r.steps.length} changes not undone${failed[0]?.error ? `; first: ${failed[0].error.message}` : ''}`,
              ),
            }),
      }
    }
  }
}
