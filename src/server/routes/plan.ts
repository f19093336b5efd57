/**
 * Protections and plan: what can be adjusted in this tenant for this vendor (with the reason when
 * not), the frozen plan for the admin's choices (changes, risks, baselines, limits, notices), its
 * PowerShell (also as a download), and the evaluator's before/after for the vendor's mail.
 */
import type { FastifyInstance } from 'fastify'
import { PassageError } from '../../core/errors/index.js'
import type { TenantSnapshot } from '../../core/model/snapshot.js'
import { availabilityFor } from '../../core/planner/availability.js'
import { plan } from '../../core/planner/plan.js'
import type { Plan } from '../../core/planner/types.js'
import { renderPlanScript } from '../../core/powershell/index.js'
import { MECHANISMS, PROTECTIONS } from '../../core/protections/index.js'
import { afterChanges, simulate, typicalMessages } from '../../core/simulate/index.js'
import type { ResolvedVendor } from '../../core/vendor/resolve.js'
import { parseBody } from '../errors.js'
import { OptionsRequest, PlanRef, PlanRequest } from '../schemas.js'
import { connectionOf, planOf, snapshotOf, type ServerState } from '../state.js'
import { resolveChoice } from '../vendors.js'

/** The protections this tenant offers for this vendor, each with its mechanisms' availability. */
export function protectionOptions(snapshot: TenantSnapshot, vendor: ResolvedVendor, now: string) {
  const ctx = { snapshot, vendor, now, mode: 'recommended' as const }
  const recipe = vendor.profile.recipe
  return PROTECTIONS.map((def) => {
    const mechanisms = def.mechanisms.map((m) => {
      const a = availabilityFor(def.id, m, ctx)
      const mech = MECHANISMS[m]
      return {
        id: m,
        title: mech.title,
        risk: mech.risk,
        riskReason: mech.riskReason,
        needs: mech.needs,
        available: a.ok,
        reason: a.ok ? null : a.reason,
      }
    })
    const ok = mechanisms.filter((m) => m.available)
    const cautious = ok.find((m) => m.risk !== 'high' && m.risk !== 'critical') ?? ok[0] ?? null
    return {
      id: def.id,
      title: def.title,
      description: def.description,
      recommended: vendor.profile.recommended.includes(def.id),
      available: ok.length > 0,
      reason: ok.length ? null : mechanisms.map((m) => `${m.title}: ${m.reason ?? ''}`).join(' · '),
      defaultMechanism: cautious?.id ?? null,
      defaultRisk: cautious?.risk ?? null,
      recipeMechanism: recipe[def.id] ?? null,
      mechanisms,
    }
  })
}

/** The evaluator's before/after for the vendor's typical messages under a plan. */
export function simulationOf(
  snapshot: TenantSnapshot,
  vendor: ResolvedVendor,
  p: Plan,
  now: string,
) {
  const messages = typicalMessages(vendor, snapshot)
  if (!messages.length) return null
  return simulate(snapshot, afterChanges(snapshot, p.changes), messages, now)
}

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
    if (body.protections && body.protections.length === 0)
      throw new PassageError('PASSAGE_E_INPUT', 'Choose at least one protection to adjust.', {
        hint: 'Tick one or more protections in the Protections step.',
      })
    const now = new Date().toISOString()
    const options = protectionOptions(snapshot, vendor, now)
    // The pre-ticked set is the planner's own default (it then passes over high-risk mechanisms
    // unless asked); another set is explicit, so the least risky mechanism the wizard showed for
    // each protection is asked for by name.
    const defaults = options.filter((o) => o.recommended && o.available).map((o) => o.id)
    const wanted = body.protections
    const isDefault =
      wanted !== undefined &&
      wanted.length === defaults.length &&
      defaults.every((d) => wanted.includes(d))
    const mechanisms = { ...(body.mechanisms ?? {}) }
    if (wanted && !isDefault && body.mode === 'recommended')
      for (const id of wanted) {
        const o = options.find((x) => x.id === id)
        if (!mechanisms[id] && o?.defaultMechanism) mechanisms[id] = o.defaultMechanism
      }
    const p = plan(
      vendor,
      {
        mode: body.mode,
        ...(wanted && !isDefault ? { protections: wanted } : {}),
        ...(Object.keys(mechanisms).length ? { mechanisms } : {}),
      },
      snapshot,
      { now },
    )
    conn.plans.set(p.hash, p)
    return {
      plan: p,
      powershell: renderPlanScript(p),
      simulation: simulationOf(snapshot, vendor, p, now),
      titles: {
        protections: Object.fromEntries(PROTECTIONS.map((d) => [d.id, d.title])),
        mechanisms: Object.fromEntries(Object.values(MECHANISMS).map((m) => [m.id, m.title])),
      },
    }
  })

  /** The evaluator's before/after for a plan made earlier. */
  app.post('/api/simulate', async (req) => {
    const body = parseBody(PlanRef, req.body)
    const conn = connectionOf(state, body.connection)
    const p = planOf(conn, body.planHash)
    const vendor = resolveChoice({ id: p.vendor.id, params: p.vendor.params })
    return { simulation: simulationOf(snapshotOf(conn), vendor, p, new Date().toISOString()) }
  })

  /** The plan's PowerShell as a file. */
  app.post('/api/plan/powershell', async (req, reply) => {
    const body = parseBody(PlanRef, req.body)
    const p = planOf(connectionOf(state, body.connection), body.planHash)
    const name = `passage-${p.vendor.id}-${p.tenant.name.split('.')[0] ?? 'tenant'}-${p.hash.slice(0, 8)}.ps1`
    reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
    return renderPlanScript(p)
  })
}
