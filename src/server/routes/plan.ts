/**
 * Protections and plan: what can be adjusted in this tenant for this vendor (with the reason when
 * not), the frozen plan for the admin's choices (changes, risks, baselines, limits, notices), its
 * PowerShell (also as a download), and the evaluator's before/after for the vendor's mail. The
 * work is the app's `plan` use case (app/plan-options.ts); this module only maps HTTP onto it.
 */
import type { FastifyInstance } from 'fastify'
import { planChoices, planScript, protectionOptions, simulationOf } from '../../app/plan-options.js'
import { parseBody } from '../errors.js'
import { simulationJourneyView } from '../journey-view.js'
import { OptionsRequest, PlanRef, PlanRequest } from '../schemas.js'
import { connectionOf, planOf, snapshotOf, type ServerState } from '../state.js'
import { resolveChoice } from '../vendors.js'

/** Registers the protections, plan, simulate and PowerShell routes. */
export function registerPlanRoutes(app: FastifyInstance, state: ServerState): void {
  app.post('/api/protections/options', async (req) => {
    const body = parseBody(OptionsRequest, req.body)
    const conn = connectionOf(state, body.connection)
    const vendor = resolveChoice(body.vendor)
    return {
      vendor: { id: vendor.id, name: vendor.name, category: vendor.category },
      licence: snapshotOf(conn).licence,
      protections: protectionOptions(snapshotOf(conn), vendor, new Date().toISOString()),
    }
  })

  app.post('/api/plan', async (req) => {
    const body = parseBody(PlanRequest, req.body)
    const conn = connectionOf(state, body.connection)
    const snapshot = snapshotOf(conn)
    const vendor = resolveChoice(body.vendor)
    const planned = planChoices(
      snapshot,
      vendor,
      {
        mode: body.mode,
        ...(body.protections ? { protections: body.protections } : {}),
        ...(body.mechanisms ? { mechanisms: body.mechanisms } : {}),
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
