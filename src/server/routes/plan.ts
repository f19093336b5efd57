/**
 * Protections and plan: what can be adjusted in this tenant for this vendor (with the reason when
 * not), the frozen plan for the admin's choices (changes, risks, baselines, limits, notices), its
 * PowerShell (also as a download), and the evaluator's before/after for the vendor's mail. The
 * work is the app's `plan` use case (app/plan-options.ts); this module only maps HTTP onto it.
 *
 * A signed-in connection is planned against the tenant as it is now, read afresh, as
 * `passage plan --tenant` does: the copy kept from discovery (or from a test delivery) goes stale
 * as soon as anything is applied or undone, and a plan made on it can claim there is nothing to
 * change while the tenant has nothing applied (review first-use-2026-12, item 3).
 */
import type { FastifyInstance } from 'fastify'
import { discover } from '../../app/discover.js'
import type { TenantSnapshot } from '../../core/model/snapshot.js'
import { planChoices, planScript, protectionOptions, simulationOf } from '../../app/plan-options.js'
import { parseBody } from '../errors.js'
import { simulationJourneyView } from '../journey-view.js'
import { OptionsRequest, PlanRef, PlanRequest } from '../schemas.js'
import { connectionOf, planOf, snapshotOf, type Connection, type ServerState } from '../state.js'
import { resolveChoice } from '../vendors.js'

/**
 * The tenant to plan against: read afresh when the connection is signed in (and kept as its
 * copy), else the snapshot the connection was made from.
 */
async function currentSnapshot(state: ServerState, conn: Connection): Promise<TenantSnapshot> {
  if (!conn.session) return snapshotOf(conn)
  const s = (await discover(conn.session, state.store)).snapshot
  conn.snapshot = s
  return s
}

/** Registers the protections, plan, simulate and PowerShell routes. */
export function registerPlanRoutes(app: FastifyInstance, state: ServerState): void {
  app.post('/api/protections/options', async (req) => {
    const body = parseBody(OptionsRequest, req.body)
    const conn = connectionOf(state, body.connection)
    const vendor = resolveChoice(body.vendor)
    const snapshot = await currentSnapshot(state, conn)
    return {
      vendor: { id: vendor.id, name: vendor.name, category: vendor.category },
      licence: snapshot.licence,
      protections: protectionOptions(snapshot, vendor, new Date().toISOString()),
    }
  })

  app.post('/api/plan', async (req) => {
    const body = parseBody(PlanRequest, req.body)
    const conn = connectionOf(state, body.connection)
    const vendor = resolveChoice(body.vendor)
    const snapshot = await currentSnapshot(state, conn)
    const planned = planChoices(
      snapshot,
      vendor,
      {
        mode: body.mode,
        ...(body.protections ? { protections: body.protections } : {}),
        ...(body.mechanisms ? { mechanisms: body.mechanisms } : {}),
        ...(body.presetExceptions?.length ? { presetExceptions: body.presetExceptions } : {}),
      },
      new Date().toISOString(),
    )
    conn.plans.set(planned.plan.hash, planned.plan)
    return { ...planned, journeys: simulationJourneyView(planned.simulation) }
  })

  /** The evaluator's before/after for a plan made earlier. */
  app.post('/api/simulate', async (req) => {
    const body = parseBody(PlanRef, req.body)
    const conn = connectionOf(state, body.connection)
    const p = planOf(conn, body.planHash)
    const vendor = resolveChoice({ id: p.vendor.id, params: p.vendor.params })
    const simulation = simulationOf(snapshotOf(conn), vendor, p, new Date().toISOString())
    return { simulation, journeys: simulationJourneyView(simulation) }
  })

  /** The plan's PowerShell as a file. */
  app.post('/api/plan/powershell', async (req, reply) => {
    const body = parseBody(PlanRef, req.body)
    const p = planOf(connectionOf(state, body.connection), body.planHash)
    const name = `passage-${p.vendor.id}-${p.tenant.name.split('.')[0] ?? 'tenant'}-${p.hash.slice(0, 8)}.ps1`
    reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
    return planScript(p)
  })
}
