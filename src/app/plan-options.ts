/**
 * The `plan` use case as the wizard drives it: the protections a tenant offers for a vendor (each
 * mechanism's availability, with the reason when not), the frozen plan for the admin's ticks, its
 * PowerShell, and the evaluator's before/after for the vendor's mail.
 *
 * Pure (core only, no I/O): the wizard's API types are derived from what it returns, and the web
 * client type-checks against them without any Node module in its program.
 */
import { PassageError } from '../core/errors/index.js'
import type { RiskLevel } from '../core/change.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import { availabilityFor } from '../core/planner/availability.js'
import { plan } from '../core/planner/plan.js'
import type { Choices, Plan } from '../core/plan-format.js'
import { renderPlanScript } from '../core/powershell/index.js'
import {
  MECHANISMS,
  PROTECTIONS,
  type MechanismId,
  type ProtectionId,
} from '../core/protections/index.js'
import { afterChanges, simulate, typicalMessages, type Simulation } from '../core/simulate/index.js'
import type { ResolvedVendor } from '../core/vendor/resolve.js'

/** One way of adjusting a protection, and whether this tenant allows it. */
export interface MechanismOption {
  id: MechanismId
  title: string
  risk: RiskLevel
  riskReason: string
  needs: string
  available: boolean
  reason: string | null
}

/** A protection the admin may tick, with its mechanisms and the default one. */
export interface ProtectionOption {
  id: ProtectionId
  title: string
  description: string
  recommended: boolean
  available: boolean
  reason: string | null
  defaultMechanism: MechanismId | null
  defaultRisk: RiskLevel | null
  recipeMechanism: MechanismId | null
  mechanisms: MechanismOption[]
}

/** The protections this tenant offers for this vendor, each with its mechanisms' availability. */
export function protectionOptions(
  snapshot: TenantSnapshot,
  vendor: ResolvedVendor,
  now: string,
): ProtectionOption[] {
  const ctx = { snapshot, vendor, now, mode: 'recommended' as const }
  const recipe = vendor.profile.recipe
  return PROTECTIONS.map((def) => {
    const mechanisms = def.mechanisms.map((m): MechanismOption => {
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

/** The evaluator's before/after for the vendor's typical messages under a plan (null: none). */
export function simulationOf(
  snapshot: TenantSnapshot,
  vendor: ResolvedVendor,
  p: Plan,
  now: string,
): Simulation | null {
  const messages = typicalMessages(vendor, snapshot)
  if (!messages.length) return null
  return simulate(snapshot, afterChanges(snapshot, p.changes), messages, now)
}

/** What the admin ticked in the wizard. */
export interface PlanChoices {
  mode: Choices['mode']
  /** The protections ticked; the vendor's recommended ones when absent. */
  protections?: ProtectionId[]
  /** A mechanism picked by hand for a protection. */
  mechanisms?: Partial<Record<ProtectionId, MechanismId>>
}

/** A plan with what the wizard shows beside it. */
export interface PlannedChoices {
  plan: Plan
  /** The plan as an Exchange Online PowerShell script. */
  powershell: string
  simulation: Simulation | null
  /** Display titles of every protection and mechanism, by id. */
  titles: { protections: Record<string, string>; mechanisms: Record<string, string> }
}

/** The plan's PowerShell script (what an admin runs by hand instead). */
export function planScript(p: Plan): string {
  return renderPlanScript(p)
}

/**
 * Plans the admin's choices against a snapshot. An empty set of protections is a user error.
 * `now` is the plan's timestamp (passed in: this module reads no clock).
 */
export function planChoices(
  snapshot: TenantSnapshot,
  vendor: ResolvedVendor,
  choices: PlanChoices,
  now: string,
): PlannedChoices {
  if (choices.protections && choices.protections.length === 0)
    throw new PassageError('PASSAGE_E_INPUT', 'Choose at least one protection to adjust.', {
      hint: 'Tick one or more protections in the Protections step.',
    })
  const options = protectionOptions(snapshot, vendor, now)
  // The pre-ticked set is the planner's own default (it then passes over high-risk mechanisms
  // unless asked); another set is explicit, so the least risky mechanism the wizard showed for
  // each protection is asked for by name.
  const defaults = options.filter((o) => o.recommended && o.available).map((o) => o.id)
  const wanted = choices.protections
  const isDefault =
    wanted !== undefined &&
    wanted.length === defaults.length &&
    defaults.every((d) => wanted.includes(d))
  const mechanisms = { ...(choices.mechanisms ?? {}) }
  if (wanted && !isDefault && choices.mode === 'recommended')
    for (const id of wanted) {
      const o = options.find((x) => x.id === id)
      if (!mechanisms[id] && o?.defaultMechanism) mechanisms[id] = o.defaultMechanism
    }
  const p = plan(
    vendor,
    {
      mode: choices.mode,
      ...(wanted && !isDefault ? { protections: wanted } : {}),
      ...(Object.keys(mechanisms).length ? { mechanisms } : {}),
    },
    snapshot,
    { now },
  )
  return {
    plan: p,
    powershell: renderPlanScript(p),
    simulation: simulationOf(snapshot, vendor, p, now),
    titles: {
      protections: Object.fromEntries(PROTECTIONS.map((d) => [d.id, d.title])),
      mechanisms: Object.fromEntries(Object.values(MECHANISMS).map((m) => [m.id, m.title])),
    },
  }
}
