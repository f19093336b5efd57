/**
 * The fleet dashboard's API (`passage serve --fleet`), under the wizard's token, host and CSP
 * rules like every /api route (app.ts's hooks): the tenant table with its filters and paging (done
 * by the database, store/fleet-dashboard.ts), counts by state for the chart, the Tenant
 * Allow/Block List expiry timeline, one tenant's page, and the fleet actions of
 * app/fleet/orchestrate.ts and waves.ts (plan, canary + apply, check, rollback) queued as jobs,
 * with their live counts for polling.
 *
 * Progress comes from the store: the fleet items the workers write (queued, running, then their
 * outcome), read by store/fleet-dashboard.ts actionProgress. So a restarted or a second dashboard,
 * or one watching an action `passage fleet check` started on the command line, shows the same
 * progress; what only this process knows (an apply wave's stop reason, an error of the wave
 * itself) is added when the action was started here.
 *
 * The actions need the job queue, which lives in PostgreSQL (store/queue.ts): with a SQLite store
 * the dashboard reads only, and an action is refused with PASSAGE_E_FLEET_DB. Workers
 * (`passage worker`, or in-process ones given to the server) do the jobs; this process queues,
 * waits and counts, as `passage fleet ...` does.
 */
import type { FastifyInstance } from 'fastify'
import { createFleetPlan, emptyItem, requireFleetPlan } from '../../app/fleet/orchestrate.js'
import { applyFleet, checkFleet, rollbackFleet, rolledBack } from '../../app/fleet/waves.js'
import { PassageError } from '../../core/errors/index.js'
import type {
  DashboardActionProgress,
  DashboardFilter,
  FleetDashboardStore,
} from '../../store/fleet-dashboard.js'
import {
  FLEET_ACTIONS,
  type FleetAction,
  type FleetItemState,
  type JobQueue,
  type Store,
} from '../../store/index.js'
import { parseBody, toApiError, type ApiError } from '../errors.js'
import {
  FilterQuery,
  FleetApplyBody,
  FleetCheckBody,
  FleetPlanBody,
  FleetPlanParam,
  FleetRollbackBody,
  TenantIdParam,
  TenantRollbackBody,
  TenantsQuery,
} from './fleet-schemas.js'

/** What the fleet routes need. */
export interface FleetRoutesOptions {
  store: Store
  dashboard: FleetDashboardStore
  /** The job queue (PostgreSQL only); null: the dashboard only reads. */
  queue: JobQueue | null
  /** Who queues the actions (recorded on fleet plans). */
  actor: string
  /** The clock of the expiry timeline (tests pass one). */
  now?: () => Date
  /** How often the waves poll their counts (ms). */
  pollMs?: number
}

/** One wave of a fleet action: which jobs it sent, to how many tenants. */
export interface FleetWaveInfo {
  kind: 'canary' | 'rest' | 'check' | 'rollback'
  action: FleetAction
  tenants: number
}

/** A fleet action running in this process. */
export interface FleetActionRun {
  fleetPlanId: string
  action: 'plan' | 'apply' | 'check' | 'rollback'
  status: 'running' | 'done' | 'stopped' | 'failed'
  startedAt: string
  finishedAt: string | null
  /** Why an apply stopped itself (the canary was not green, --max-failures passed). */
  stopped: string | null
  /** The waves the action sent so far (an apply: its canary, then the rest), as waves.ts announces them. */
  waves: FleetWaveInfo[]
  error: ApiError | null
}

/** Which action the progress shows when several have items, busiest first (an apply queues checks). */
const ACTION_ORDER: readonly FleetAction[] = ['apply', 'rollback', 'check', 'plan']

/**
 * The action a fleet plan's progress is about, from the store: one with items still queued or
 * running (an apply before the checks it queues), else the one whose items changed last (an
 * apply's checks come after its applies, so a finished apply reads as its checks there).
 */
export function currentAction(
  actions: Partial<Record<FleetAction, DashboardActionProgress>>,
): FleetAction | null {
  const pending = ACTION_ORDER.find((a) => (actions[a]?.pending ?? 0) > 0)
  if (pending) return pending
  let best: FleetAction | null = null
  for (const a of ACTION_ORDER) {
    const p = actions[a]
    if (p && (best === null || p.lastUpdate > actions[best]!.lastUpdate)) best = a
  }
  return best
}

/** Weeks shown ahead on the expiry timeline. */
export const TIMELINE_WEEKS = 12
const DAY = 86_400_000

/** Monday 00:00 UTC of the week holding `t`. */
export function weekStart(t: Date): Date {
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()))
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY)
}

/**
 * The expiry timeline: tenants per week of their soonest Tenant Allow/Block List expiry (the
 * ExpirationDate an entry carries, Get-TenantAllowBlockListItems; see
 * https://learn.microsoft.com/powershell/module/exchangepowershell/get-tenantallowblocklistitems),
 * for this week and the next TIMELINE_WEEKS - 1; already expired ones and later ones apart.
 */
export function expiryTimeline(
  expiries: readonly { soonestExpiry: string }[],
  now: Date,
): {
  weeks: { start: string; count: number }[]
  expired: number
  later: number
} {
  const first = weekStart(now).getTime()
  const weeks = Array.from({ length: TIMELINE_WEEKS }, (_, i) => ({
    start: new Date(first + i * 7 * DAY).toISOString().slice(0, 10),
    count: 0,
  }))
  let expired = 0
  let later = 0
  for (const e of expiries) {
    const t = Date.parse(e.soonestExpiry)
    if (!Number.isFinite(t)) continue
    if (t < now.getTime()) {
      expired++
      continue
    }
    const i = Math.floor((t - first) / (7 * DAY))
    if (i < TIMELINE_WEEKS) weeks[i]!.count++
    else later++
  }
  return { weeks, expired, later }
}

/** The filter fields of a parsed query. */
function filterOf(q: DashboardFilter): DashboardFilter {
  const out: DashboardFilter = {}
  if (q.vendor !== undefined) out.vendor = q.vendor
  if (q.tag !== undefined) out.tag = q.tag
  if (q.state !== undefined) out.state = q.state
  if (q.check !== undefined) out.check = q.check
  if (q.q !== undefined) out.q = q.q
  return out
}

/** Registers the fleet routes; returns what runs, for tests and the server's stop. */
export function registerFleetRoutes(
  app: FastifyInstance,
  opts: FleetRoutesOptions,
): { runs: Map<string, FleetActionRun>; stop(): void } {
  const { store, dashboard } = opts
  const runs = new Map<string, FleetActionRun>()
  const abort = new AbortController()
  const now = opts.now ?? (() => new Date())
  const waveOpts = {
    signal: abort.signal,
    ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
  }

  function requireQueue(): JobQueue {
    if (!opts.queue)
      throw new PassageError(
        'PASSAGE_E_FLEET_DB',
        'Fleet actions need the fleet’s PostgreSQL database (its job queue); this dashboard was started on SQLite and only reads.',
        {
          hint: 'Start the dashboard on the fleet’s database (passage serve --fleet with a postgres:// URL, or none for the embedded one) to plan, apply, check or roll back.',
        },
      )
    return opts.queue
  }

  /**
   * Refuses a second action on a fleet plan while one runs: started here (its wave is running),
   * or anywhere (its items are still queued or running in the store).
   */
  async function requireIdle(fleetPlanId: string): Promise<void> {
    const running = runs.get(fleetPlanId)
    const busy = running?.status === 'running' ? running.action : null
    const stored = busy ? null : (await dashboard.actionProgress([fleetPlanId])).get(fleetPlanId)
    const pending = stored ? ACTION_ORDER.find((a) => (stored[a]?.pending ?? 0) > 0) : undefined
    const action = busy ?? pending
    if (action)
      throw new PassageError(
        'PASSAGE_E_INPUT',
        `Fleet plan ${fleetPlanId} is already running its ${action}: one action at a time.`,
        { hint: 'Wait for its progress to finish, then try again.' },
      )
  }

  /** Runs a wave in the background, one at a time per fleet plan (requireIdle first). */
  function start(
    fleetPlanId: string,
    action: FleetActionRun['action'],
    work: (onWave: (w: FleetWaveInfo) => void) => Promise<object>,
  ): FleetActionRun {
    const run: FleetActionRun = {
      fleetPlanId,
      action,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      stopped: null,
      waves: [],
      error: null,
    }
    runs.set(fleetPlanId, run)
    void work((w) => run.waves.push({ kind: w.kind, action: w.action, tenants: w.tenants })).then(
      (r) => {
        const stopped = (r as { stopped?: unknown }).stopped
        run.stopped = typeof stopped === 'string' ? stopped : null
        run.status = run.stopped ? 'stopped' : 'done'
        run.finishedAt = new Date().toISOString()
      },
      (e: unknown) => {
        run.status = 'failed'
        run.error = toApiError(e)
        run.finishedAt = new Date().toISOString()
      },
    )
    return run
  }

  app.get('/api/fleet/info', async () => ({
    fleet: true,
    actions: opts.queue !== null,
    dialect: store.dialect,
  }))

  app.get('/api/fleet/plans', async () => {
    const plans = (await store.listFleetPlans()).slice(0, 20)
    const progress = await dashboard.actionProgress(plans.map((p) => p.id))
    return {
      plans: plans.map((p) => {
        const actions = progress.get(p.id) ?? {}
        const pending = ACTION_ORDER.find((a) => (actions[a]?.pending ?? 0) > 0)
        const local = runs.get(p.id)
        return {
          id: p.id,
          vendor: p.request.vendor,
          selector: p.selector,
          tenants: p.tenantIds.length,
          createdAt: p.createdAt,
          running: local?.status === 'running' || pending !== undefined,
          action: local?.status === 'running' ? local.action : currentAction(actions),
        }
      }),
    }
  })

  app.get('/api/fleet/tenants', async (req) => {
    const q = parseBody(TenantsQuery, req.query)
    const page = await dashboard.tenantPage({
      ...filterOf(q),
      offset: q.offset,
      limit: q.limit,
      sort: q.sort,
    })
    return { offset: q.offset, limit: q.limit, sort: q.sort, total: page.total, tenants: page.rows }
  })

  app.get('/api/fleet/counts', async (req) => {
    const q = parseBody(FilterQuery, req.query)
    return dashboard.counts(filterOf(q))
  })

  app.get('/api/fleet/expiry', async (req) => {
    const q = parseBody(FilterQuery, req.query)
    const at = now()
    return { now: at.toISOString(), ...expiryTimeline(await dashboard.expiries(filterOf(q)), at) }
  })

  app.get('/api/fleet/tenants/:id', async (req) => {
    const { id } = parseBody(TenantIdParam, req.params)
    const tenant = await dashboard.tenantRow(id)
    if (!tenant)
      throw new PassageError('PASSAGE_E_FLEET_TENANT_UNKNOWN', `Not in the fleet: ${id}.`)
    const history = await dashboard.history(id)
    const last = tenant.lastFleetPlan
    const planItem = last
      ? history.find((h) => h.fleetPlanId === last.id && h.action === 'plan')
      : undefined
    const checkItem = last
      ? history.find((h) => h.fleetPlanId === last.id && h.action === 'check')
      : undefined
    const plan = planItem?.planHash ? await store.getPlan(planItem.planHash) : undefined
    const problems = checkItem?.detail?.problems
    return {
      tenant,
      lastPlan:
        last && planItem
          ? {
              fleetPlanId: last.id,
              vendor: last.vendor,
              createdAt: last.createdAt,
              state: planItem.state,
              planHash: planItem.planHash,
              changes: (plan?.changes ?? []).map((c) => ({
                id: c.id,
                op: c.op,
                surface: c.surface,
                target: c.target,
                summary: c.summary,
                risk: c.risk.level,
              })),
            }
          : null,
      check: checkItem
        ? {
            state: checkItem.state,
            verdict: tenant.check,
            at: checkItem.updatedAt,
            findings:
              typeof checkItem.detail?.findings === 'number' ? checkItem.detail.findings : 0,
            problems: Array.isArray(problems)
              ? problems.filter((p): p is string => typeof p === 'string')
              : [],
            soonestExpiry: tenant.soonestExpiry,
          }
        : null,
      history: history.map((h) => ({
        fleetPlanId: h.fleetPlanId,
        vendor: h.vendor,
        planCreatedAt: h.planCreatedAt,
        action: h.action,
        state: h.state,
        runId: h.runId,
        runStatus: h.runStatus,
        error:
          h.errorCode || h.errorMessage
            ? `${h.errorCode ?? ''} ${h.errorMessage ?? ''}`.trim()
            : null,
        updatedAt: h.updatedAt,
      })),
    }
  })

  app.post('/api/fleet/plan', async (req, reply) => {
    const body = parseBody(FleetPlanBody, req.body)
    const queue = requireQueue()
    const record = await createFleetPlan(
      store,
      queue,
      {
        vendor: body.vendor.id,
        params: body.vendor.params,
        mode: body.mode,
        ...(body.protections ? { protections: body.protections } : {}),
        ...(body.presetExceptions ? { presetExceptions: body.presetExceptions } : {}),
      },
      body.tenants,
      opts.actor,
    )
    // The plan jobs are queued; progress counts their items in the store (no wave here).
    reply.code(202)
    return { fleetPlanId: record.id, action: 'plan', tenants: record.tenantIds.length }
  })

  app.post('/api/fleet/apply', async (req, reply) => {
    const body = parseBody(FleetApplyBody, req.body)
    const queue = requireQueue()
    const fp = await requireFleetPlan(store, body.fleetPlanId)
    await requireIdle(fp.id)
    start(fp.id, 'apply', (onWave) =>
      applyFleet(store, queue, fp.id, {
        ...waveOpts,
        onWave,
        canary: body.canary,
        maxFailuresPct: body.maxFailures,
      }),
    )
    reply.code(202)
    return { fleetPlanId: fp.id, action: 'apply' }
  })

  app.post('/api/fleet/check', async (req, reply) => {
    const body = parseBody(FleetCheckBody, req.body)
    const queue = requireQueue()
    const fp = await requireFleetPlan(store, body.fleetPlanId)
    await requireIdle(fp.id)
    start(fp.id, 'check', (onWave) => checkFleet(store, queue, fp.id, { ...waveOpts, onWave }))
    reply.code(202)
    return { fleetPlanId: fp.id, action: 'check' }
  })

  app.post('/api/fleet/rollback', async (req, reply) => {
    const body = parseBody(FleetRollbackBody, req.body)
    const queue = requireQueue()
    const fp = await requireFleetPlan(store, body.fleetPlanId)
    await requireIdle(fp.id)
    start(fp.id, 'rollback', (onWave) =>
      rollbackFleet(store, queue, fp.id, { ...waveOpts, onWave }),
    )
    reply.code(202)
    return { fleetPlanId: fp.id, action: 'rollback' }
  })

  /**
   * Undo on a tenant's page: one rollback job for this tenant's apply of a fleet plan, written as
   * the rollback wave writes it (a `queued` rollback item carrying the apply's plan hash, then the
   * job); the worker's rollback (app/fleet/job.ts) reverses that apply run from the journal.
   */
  app.post('/api/fleet/tenants/:id/rollback', async (req, reply) => {
    const { id } = parseBody(TenantIdParam, req.params)
    const body = parseBody(TenantRollbackBody, req.body)
    const queue = requireQueue()
    const fp = await requireFleetPlan(store, body.fleetPlanId)
    await requireIdle(fp.id)
    const apply = await store.getFleetItem(fp.id, id, 'apply')
    const previous = await store.getFleetItem(fp.id, id, 'rollback')
    if (apply?.runId == null || rolledBack(apply, previous ?? undefined))
      throw new PassageError(
        'PASSAGE_E_NOTHING_APPLIED',
        `Fleet plan ${fp.id} has nothing applied to undo in tenant ${id}.`,
      )
    await store.putFleetItem({
      ...emptyItem(fp.id, id, 'rollback'),
      planHash: apply.planHash,
      changeKey: apply.changeKey,
    })
    await queue.send('rollback', [{ fleetPlanId: fp.id, tenantId: id }])
    reply.code(202)
    return { fleetPlanId: fp.id, action: 'rollback', tenantId: id }
  })

  app.get('/api/fleet/progress/:id', async (req) => {
    const { id } = parseBody(FleetPlanParam, req.params)
    const fp = await requireFleetPlan(store, id)
    const actions = (await dashboard.actionProgress([fp.id])).get(fp.id) ?? {}
    const counts = {} as Record<FleetAction, Partial<Record<FleetItemState, number>>>
    let pending = 0
    for (const a of FLEET_ACTIONS) {
      counts[a] = actions[a]?.counts ?? {}
      pending += actions[a]?.pending ?? 0
    }
    const local = runs.get(fp.id) ?? null
    // This process's wave, while it runs or when nothing happened after it; else the store's.
    const stored = currentAction(actions)
    const lastUpdate = Object.values(actions).reduce(
      (t, p) => (p.lastUpdate > t ? p.lastUpdate : t),
      '',
    )
    const run =
      local &&
      (local.status === 'running' ||
        (local.finishedAt !== null && local.finishedAt >= lastUpdate) ||
        local.action === stored)
        ? local
        : null
    return {
      fleetPlanId: fp.id,
      vendor: fp.request.vendor,
      selector: fp.selector,
      tenants: fp.tenantIds.length,
      action: run?.action ?? stored,
      counts,
      pending,
      lastUpdate: lastUpdate || null,
      run,
      finished: pending === 0 && run?.status !== 'running',
    }
  })

  app.addHook('onClose', async () => abort.abort())
  return { runs, stop: () => abort.abort() }
}
