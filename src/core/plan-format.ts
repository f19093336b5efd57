/**
 * The plan format: what a plan file holds, its schema and its hash check. It lives outside the
 * planner so that what reads plans (PowerShell rendering, simulation, apply, the store) does not
 * depend on what makes them, and the planner can depend on all of core without a loop.
 */
import { z } from 'zod'
import { JsonObjectSchema, JsonSchema } from './json-schema.js'
import type { Change } from './change.js'
import { contentHash } from './hash.js'
import type { RecipientScope } from './model/common.js'
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
  /**
   * Presets to take the covered recipients out of (their rule's exceptions), so that the planned
   * policy changes reach them too. High risk: never chosen by a mode, only when named here.
   */
  presetExceptions?: PresetName[]
}

/** The preset security policies a tenant may have turned on. */
export type PresetName = 'Standard' | 'Strict'

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
  /**
   * Who the change does not reach, in words, when a preset security policy covers some
   * recipients (presets win over the policies it changes); absent when it reaches everyone.
   */
  unchangedFor?: string
}

/** Something Microsoft allows for recipients a preset covers; passage does not do it, the admin may. */
export interface PresetOption {
  id: 'preset-exception' | 'preset-trusted-sender'
  title: string
  risk: Change['risk']['level']
  /** What it does beyond the vendor's mail, in words. */
  consequence: string
  /** Where to do it in the Microsoft Defender portal. */
  portal: string
  /** The Exchange Online PowerShell for it, or null where Microsoft supports only the portal. */
  powershell: string | null
  /**
   * Whether the plan makes it (only `preset-exception`, and only when the admin named the preset:
   * Choices `presetExceptions`); false for what the admin may do by hand.
   */
  chosen?: boolean
  /** The plan's change that makes it, when chosen. */
  changeId?: string
}

/** Recipients a preset covers, which the plan's policy changes leave unchanged, and their options. */
export interface PresetCoverageNote {
  preset: PresetName
  kind: 'EOP' | 'ATP'
  /** The preset rule's recipient conditions and exceptions when planned (check compares them). */
  scope: RecipientScope
  /** Who the preset covers, in words. */
  who: string
  /** Their addresses, when the directory listed the groups the preset names; null otherwise. */
  recipients: string[] | null
  /** The planned protections that do not reach them. */
  protections: ProtectionId[]
  /** Why they stay unchanged. */
  why: string
  /** What Microsoft allows for them, each a separate choice with its risk. */
  options: PresetOption[]
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
  /**
   * Protections not planned, and why. `optIn`: the mechanism that would work here but is high
   * risk, so it is planned only when the admin asks for it by name.
   */
  skipped: { protection: ProtectionId; reason: string; optIn?: MechanismId }[]
  changes: Change[]
  notices: string[]
  /** Recipients preset security policies keep out of the plan's policy changes (absent: none). */
  presets?: PresetCoverageNote[]
  /**
   * Present on a renewal plan only: the plan whose Tenant Allow/Block List allows it re-creates
   * before they lapse (its changes are those entries' renewals, nothing else).
   */
  renews?: { planHash: string }
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
  skipped: z.array(
    z.object({ protection: z.string(), reason: z.string(), optIn: z.string().optional() }),
  ),
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
  presets: z.array(z.object({ preset: z.string(), who: z.string() }).loose()).optional(),
  renews: z.object({ planHash: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
})

/** True when a plan's hash matches its content (it was not edited after planning). */
export function planHashValid(p: { hash: string }): boolean {
  const { hash, ...body } = p
  return contentHash(body) === hash
}
