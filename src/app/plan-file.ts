import { PassageError, parseWith } from '../core/errors/index.js'
import { planHashValid } from '../core/planner/plan.js'
import { PlanSchema, type Plan } from '../core/planner/types.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import { readJson } from './files.js'

/** A plan as read from a file, with the signature passage wrote beside it (if any). */
export interface PlanFile {
  plan: Plan
  signature?: string
}

/**
 * Loads a plan file (or `-`), validates its shape and refuses it when its hash does not match.
 * The signature is returned apart: apply checks it (plan-signing.ts).
 */
export function loadPlanFile(path: string): PlanFile {
  const raw = readJson(path, 'PASSAGE_E_PLAN_INVALID')
  const signature =
    raw !== null && typeof raw === 'object' && 'signature' in raw
      ? (raw as { signature: unknown }).signature
      : undefined
  const data = parseWith(PlanSchema, raw, 'PASSAGE_E_PLAN_INVALID', `Plan ${path}`)
  if (!planHashValid(data))
    throw new PassageError(
      'PASSAGE_E_PLAN_TAMPERED',
      `${path}: the plan's content does not match its hash.`,
    )
  // The schema checks the structure; apply re-derives and checks every change (planner/guard.ts).
  const plan = data as unknown as Plan
  return typeof signature === 'string' ? { plan, signature } : { plan }
}

/** Loads a plan file for reading only (simulate, check): the signature is not needed. */
export function loadPlan(path: string): Plan {
  return loadPlanFile(path).plan
}

/** Refuses a plan made for another tenant or vendor than the ones at hand. */
export function checkPlanFits(p: Plan, snapshot: TenantSnapshot, vendorId: string): void {
  if (p.tenant.id !== snapshot.tenant.id)
    throw new PassageError(
      'PASSAGE_E_PLAN_INVALID',
      `The plan is for ${p.tenant.name}, not ${snapshot.tenant.name}.`,
      { hint: 'Use the snapshot of the tenant the plan was made for, or plan again.' },
    )
  if (p.vendor.id !== vendorId)
    throw new PassageError(
      'PASSAGE_E_PLAN_INVALID',
      `The plan is for ${p.vendor.name} (${p.vendor.id}), not ${vendorId}.`,
      { hint: `Run the command for ${p.vendor.id}, or plan again for ${vendorId}.` },
    )
}
