/**
 * The fleet dashboard's API (`passage serve --fleet`), under the wizard's token, host and CSP
 * rules like every /api route (app.ts's hooks): the tenant table with its filters and paging (done
 * by the database, store/fleet-dashboard.ts), counts by state for the chart, the Tenant
 * Allow/Block List expiry timeline, one tenant's page, and the fleet actions of
 * app/fleet/orchestrate.ts and waves.ts (plan, canary + apply, check, rollback) queued as jobs,
 * with their live counts for polling.
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
import type { DashboardFilter, FleetDashboardStore } from '../../store/fleet-dashboard.js'
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

/** A fleet action running in this process. */
export interface FleetActionRun {
  fleetPlanId: string
  action: 'plan' | 'apply' | 'check' | 'rollback'
  status: 'running' | 'done' | 'stopped' | 'failed'
  startedAt: string
  finishedAt: string | null
  /** Why an apply stopped itself (the canary was not green, --max-failures passed). */
  stopped: string | null
  error: ApiError | null
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

  /** Runs a wave in the background, one at a time per fleet plan. */
  function start(
    fleetPlanId: string,
    action: FleetActionRun['action'],
    work: () => Promise<object>,
  ): FleetActionRun {
    const running = runs.get(fleetPlanId)
    if (running?.status === 'running')
      throw new PassageError(
        'PASSAGE_E_INPUT',
        `Fleet plan ${fleetPlanId} is already running its ${running.action}: one action at a time.`,
        { hint: 'Wait for its progress to finish, then try again.' },
      )
    const run: FleetActionRun = {
      fleetPlanId,
      action,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      stopped: null,
      error: null,
    }
    runs.set(fleetPlanId, run)
    void work().then(
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

  app.get('/api/fleet/plans', async () => ({
    plans: (await store.listFleetPlans()).slice(0, 20).map((p) => ({
      id: p.id,
      vendor: p.request.vendor,
      selector: p.selector,
      tenants: p.tenantIds.length,
      createdAt: p.createdAt,
      running: runs.get(p.id)?.status === 'running',
    })),
  }))

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
    // The plan jobs are queued; progress counts them (no wave to wait for here).
    runs.set(record.id, {
      fleetPlanId: record.id,
      action: 'plan',
      status: 'running',
      startedAt: record.createdAt,
      finishedAt: null,
      stopped: null,
      error: null,
    })
    reply.code(202)
    return { fleetPlanId: record.id, action: 'plan', tenants: record.tenantIds.length }
  })

  app.post('/api/fleet/apply', async (req, reply) => {
    const body = parseBody(FleetApplyBody, req.body)
    const queue = requireQueue()
    const fp = await requireFleetPlan(store, body.fleetPlanId)
    start(fp.id, 'apply', () =>
      applyFleet(store, queue, fp.id, {
        ...waveOpts,
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
    start(fp.id, 'check', () => checkFleet(store, queue, fp.id, waveOpts))
    reply.code(202)
    return { fleetPlanId: fp.id, action: 'check' }
  })

  app.post('/api/fleet/rollback', async (req, reply) => {
    const body = parseBody(FleetRollbackBody, req.body)
    const queue = requireQueue()
    const fp = await requireFleetPlan(store, body.fleetPlanId)
    start(fp.id, 'rollback', () => rollbackFleet(store, queue, fp.id, waveOpts))
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
    if (runs.get(fp.id)?.status === 'running')
      throw new PassageError(
        'PASSAGE_E_INPUT',
        `Fleet plan ${fp.id} is running an action: undo this tenant when it has finished.`,
      )
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
    const counts = {} as Record<FleetAction, Partial<Record<FleetItemState, number>>>
    let pending = 0
    for (const a of FLEET_ACTIONS) {
      counts[a] = await store.countFleetItems(fp.id, a)
      pending += (counts[a].queued ?? 0) + (counts[a].running ?? 0)
    }
    const run = runs.get(fp.id) ?? null
    // A plan's jobs end when its items do (no wave waits for them in this process).
    if (run?.action === 'plan' && run.status === 'running' && pending === 0) {
      run.status = 'done'
      run.finishedAt = new Date().toISOString()
    }
    return {
      fleetPlanId: fp.id,
      vendor: fp.request.vendor,
      selector: fp.selector,
      tenants: fp.tenantIds.length,
      counts,
      pending,
      run,
      finished: pending === 0 && run?.status !== 'running',
    }
  })

  app.addHook('onClose', async () => abort.abort())
  return { runs, stop: () => abort.abort() }
}
