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
import { presetPartial, unchangedWords, type PlanContext } from '../core/mechanisms/index.js'
import { plan } from '../core/planner/plan.js'
import type { Choices, Plan } from '../core/plan-format.js'
import { renderChangeBlock, renderPlanScript } from '../core/powershell/index.js'
import {
  MECHANISMS,
  PROTECTIONS,
  type MechanismId,
  type ProtectionId,
} from '../core/protections/index.js'
import { afterChanges, simulate, typicalMessages, type Simulation } from '../core/simulate/index.js'
import type { ResolvedVendor } from '../core/vendor/resolve.js'
import { nothingToPlan } from './plan-verdict.js'

/** One way of adjusting a protection, and whether this tenant allows it. */
export interface MechanismOption {
  id: MechanismId
  title: string
  risk: RiskLevel
  riskReason: string
  needs: string
  available: boolean
  reason: string | null
  /** Who it would not reach because a preset security policy covers them (null: everyone). */
  unchangedFor: string | null
}

/** A high-risk mechanism offered only as an explicit opt-in, with what it does written out. */
export interface OptIn {
  id: MechanismId
  title: string
  risk: RiskLevel
  /** What turning it on means, in plain words. */
  consequence: string
}

/** A protection the admin may tick, with its mechanisms and the default one. */
export interface ProtectionOption {
  id: ProtectionId
  title: string
  description: string
  recommended: boolean
  available: boolean
  reason: string | null
  /** The least risky mechanism that works here and is not high risk (null: none is). */
  defaultMechanism: MechanismId | null
  defaultRisk: RiskLevel | null
  /** Ticked before the admin does anything: recommended, and a mechanism that is not high risk works. */
  preselected: boolean
  /** When only high-risk mechanisms work here: the one offered as an explicit opt-in. */
  optIn: OptIn | null
  recipeMechanism: MechanismId | null
  mechanisms: MechanismOption[]
}

const highRisk = (r: RiskLevel) => r === 'high' || r === 'critical'

/** Who a mechanism misses here because a preset covers them, in words (null: it reaches everyone). */
function unchangedFor(m: MechanismId, ctx: PlanContext): string | null {
  const partial = presetPartial(m, ctx)
  return partial.length ? unchangedWords(partial) : null
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
        unchangedFor: a.ok ? unchangedFor(m, ctx) : null,
      }
    })
    const ok = mechanisms.filter((m) => m.available)
    // A mechanism labelled "least risky" is never a high-risk one: high risk is an opt-in.
    const cautious = ok.find((m) => !highRisk(m.risk)) ?? null
    const risky = cautious ? null : (ok.find((m) => highRisk(m.risk)) ?? null)
    const recommended = vendor.profile.recommended.includes(def.id)
    return {
      id: def.id,
      title: def.title,
      description: def.description,
      recommended,
      available: ok.length > 0,
      reason: ok.length ? null : mechanisms.map((m) => `${m.title}: ${m.reason ?? ''}`).join(' · '),
      defaultMechanism: cautious?.id ?? null,
      defaultRisk: cautious?.risk ?? null,
      preselected: recommended && cautious !== null,
      optIn: risky
        ? {
            id: risky.id,
            title: risky.title,
            risk: risky.risk,
            consequence: `Only ${risky.title} works here, and it is ${risky.risk} risk: ${risky.riskReason}`,
          }
        : null,
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
  /** Presets the admin turned the exception on for (never by default: high risk). */
  presetExceptions?: Choices['presetExceptions']
}

/** A plan with what the wizard shows beside it. */
export interface PlannedChoices {
  plan: Plan
  /** The plan as an Exchange Online PowerShell script. */
  powershell: string
  /** Each change's block of that script, by change id (the wizard shows it on the change's card). */
  changeScripts: Record<string, string>
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
  const defaults = options.filter((o) => o.preselected).map((o) => o.id)
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
      ...(choices.presetExceptions?.length ? { presetExceptions: choices.presetExceptions } : {}),
    },
    snapshot,
    { now },
  )
  const simulation = simulationOf(snapshot, vendor, p, now)
  // "No changes" only when the vendor's mail already lands in the inbox; else say why not.
  const refusal = nothingToPlan(p, simulation)
  if (refusal) throw refusal
  return {
    plan: p,
    powershell: renderPlanScript(p),
    changeScripts: Object.fromEntries(p.changes.map((c) => [c.id, renderChangeBlock(c)])),
    simulation,
    titles: {
      protections: Object.fromEntries(PROTECTIONS.map((d) => [d.id, d.title])),
      mechanisms: Object.fromEntries(Object.values(MECHANISMS).map((m) => [m.id, m.title])),
    },
  }
}
