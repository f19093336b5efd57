/** Runs history: past applies, checks and rollbacks with their plans and steps; undo an apply. */
import type { FastifyInstance } from 'fastify'
import { discover } from '../../app/discover.js'
import { rollback } from '../../app/rollback.js'
import { PassageError } from '../../core/errors/index.js'
import { parseBody } from '../errors.js'
import { RollbackRequest, RunIdParam, RunsQuery } from '../schemas.js'
import { connectionOf, sessionOf, type ServerState } from '../state.js'
import { vendorNameOf } from '../vendors.js'
import { runDetailView, runView, type RollbackView } from '../views.js'

/** Registers the run history routes and undo. */
export function registerRunRoutes(app: FastifyInstance, state: ServerState): void {
  app.get('/api/runs', async (req) => {
    const q = parseBody(RunsQuery, req.query)
    const conn = connectionOf(state, q.connection)
    const runs = await state.store.listRuns(conn.tenant.id, 200)
    const plans = new Map<string, { vendor: string; changes: number } | null>()
    for (const r of runs)
      if (r.planHash && !plans.has(r.planHash)) {
        const p = await state.store.getPlan(r.planHash)
        plans.set(r.planHash, p ? { vendor: p.vendor.name, changes: p.changes.length } : null)
      }
    return {
      tenant: conn.tenant,
      runs: runs.map((r) =>
        runView(r, r.planHash ? (plans.get(r.planHash) ?? null) : null, vendorNameOf(r.vendorId)),
      ),
    }
  })

  app.get('/api/runs/:id', async (req) => {
    const { id } = parseBody(RunIdParam, req.params)
    const q = parseBody(RunsQuery, req.query)
    const conn = connectionOf(state, q.connection)
    const run = await state.store.getRun(id)
    if (!run || run.tenantId !== conn.tenant.id)
      throw new PassageError('PASSAGE_E_RUN_UNKNOWN', `No run ${id} for ${conn.tenant.name}.`)
    const steps = await state.store.listSteps(id)
    const p = run.planHash ? await state.store.getPlan(run.planHash) : undefined
    return runDetailView(run, steps, p)
  })

  app.post('/api/runs/:id/rollback', async (req) => {
    const { id } = parseBody(RunIdParam, req.params)
    const body = parseBody(RollbackRequest, req.body)
    const conn = connectionOf(state, body.connection)
    const session = sessionOf(conn)
    const r = await rollback(session, state.store, { runId: id })
    // The connection's copy of the tenant is stale now: read it again, so that what the wizard
    // shows and simulates next is the tenant as the undo left it (review first-use-2026-12,
    // item 3; plans are read afresh anyway, see plan.ts). Nothing was undone: nothing changed.
    // A failed re-read does not turn a finished undo into an error: the copy is dropped instead
    // of kept stale, and the Discovery step reads the tenant again.
    if (r.status !== 'noop')
      conn.snapshot = await discover(session, state.store).then(
        (d) => d.snapshot,
        () => null,
      )
    return { rollback: r satisfies RollbackView }
  })
}
