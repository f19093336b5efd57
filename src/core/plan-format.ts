/**
 * The plan format: what a plan file holds, its schema and its hash check. It lives outside the
 * planner so that what reads plans (PowerShell rendering, simulation, apply, the store) does not
 * depend on what makes them, and the planner can depend on all of core without a loop.
 */
import { z } from 'zod'
import { JsonObjectSchema, JsonSchema } from './json-schema.js'
import type { Change } from './change.js'
import { contentHash } from './hash.js'
import type { Licence } from './model/licence.js'
import type { MechanismId, ProtectionId } from './protections/ids.js'
import type { VendorCategory } from './vendor/profile.js'

/** Version of the plan format. */
export const PLAN_VERSION = 1

/** What the admin chose: which protections, and whose mechanisms. */
export interface Choices {
  /** Protections to adjust; the vendor's recommended ones when absent. */
  protections?: ProtectionId[]
  /** `recommended` (least risky that works) or `recipe` (the vendor's own). */
  mode: 'recommended' | 'recipe'
  /** A mechanism forced for a protection. */
  mechanisms?: Partial<Record<ProtectionId, MechanismId>>
}

/** A protection the plan covers, with the mechanism chosen and why. */
export interface PlannedProtection {
  protection: ProtectionId
  mechanism: MechanismId
  risk: Change['risk']['level']
  why: string
  /** Less risky mechanisms that were not possible here, with the reason. */
  passedOver: { mechanism: MechanismId; reason: string }[]
  /** The vendor's own mechanism, when it differs. */
  vendorRecipe?: MechanismId
}

/** A frozen, hashed plan: everything apply needs, and everything a reviewer wants to see. */
export interface Plan {
  format: 'passage.plan'
  version: typeof PLAN_VERSION
  createdAt: string
  tenant: { id: string; name: string; licence: Licence; mx: string }
  vendor: { id: string; name: string; category: VendorCategory; params: Record<string, string> }
  mode: Choices['mode']
  protections: PlannedProtection[]
  skipped: { protection: ProtectionId; reason: string }[]
  changes: Change[]
  notices: string[]
  /** SHA-256 of the canonical JSON of everything above. */
  hash: string
}

const json = JsonSchema
const jsonObject = JsonObjectSchema

/** Schema of a plan file (apply and simulate read plans from disk). */
export const PlanSchema = z.object({
  format: z.literal('passage.plan'),
  version: z.literal(PLAN_VERSION),
  createdAt: z.string(),
  tenant: z.object({
    id: z.string(),
    name: z.string(),
    licence: z.enum(['eop', 'mdo-p1', 'mdo-p2']),
    mx: z.string(),
  }),
  vendor: z.object({
    id: z.string(),
    name: z.string(),
    category: z.string(),
    params: z.record(z.string(), z.string()),
  }),
  mode: z.enum(['recommended', 'recipe']),
  protections: z.array(z.object({ protection: z.string(), mechanism: z.string() }).loose()),
  skipped: z.array(z.object({ protection: z.string(), reason: z.string() })),
  changes: z.array(
    z
      .object({
        id: z.string(),
        surface: z.string(),
        op: z.enum(['create', 'update', 'remove']),
        target: z.string(),
        before: jsonObject.nullable(),
        after: jsonObject.nullable(),
        calls: z.array(z.object({ cmdlet: z.string(), params: z.record(z.string(), json) })),
      })
      .loose(),
  ),
  notices: z.array(z.string()),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
})

/** True when a plan's hash matches its content (it was not edited after planning). */
export function planHashValid(p: { hash: string }): boolean {
  const { hash, ...body } = p
  return contentHash(body) === hash
}
