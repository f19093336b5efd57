import { hasDefender, licenceName } from '../model/licence.js'
import type { MechanismDef } from '../protections/definitions.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import { advancedDelivery } from './advanced-delivery.js'
import { antispamAllowedSenders } from './antispam-allowed-senders.js'
import { bulkThreshold } from './bulk-threshold.js'
import { bypassClutterHeader } from './bypass-clutter-header.js'
import type { PlanContext } from './context.js'
import { disableSpoofIntelligence } from './disable-spoof-intelligence.js'
import { disableZap } from './disable-zap.js'
import { doNotRewrite } from './do-not-rewrite.js'
import { enhancedFiltering } from './enhanced-filtering.js'
import { no, yes } from './helpers.js'
import {
  presetsCoveringEveryone,
  presetsCoveringSome,
  type PresetCover,
} from './preset-coverage.js'
import { impersonationExclusion } from './impersonation-exclusion.js'
import { ipAllow } from './ip-allow.js'
import { quarantineNotify } from './quarantine-notify.js'
import { quarantineRelease } from './quarantine-release.js'
import { quarantineVerdicts } from './quarantine-verdicts.js'
import { safeList } from './safe-list.js'
import { scopedRule } from './scoped-rule.js'
import { skipSafeAttachmentsHeader } from './skip-safe-attachments-header.js'
import { skipSafeLinksHeader } from './skip-safe-links-header.js'
import { tablSenderAllow } from './tabl-sender-allow.js'
import { tablSpoofAllow } from './tabl-spoof-allow.js'
import { tablUrlAllow } from './tabl-url-allow.js'
import type { Availability, Mechanism } from './types.js'
import { categoryLabel, categoryPhrase } from '../vendor/categories.js'

/**
 * Every mechanism, from narrow to wide (the order of MechanismId, which the wizard and the API
 * show). Adding a mechanism is adding its module and one line here.
 */
export const REGISTRY: readonly Mechanism[] = [
  advancedDelivery,
  enhancedFiltering,
  tablSenderAllow,
  tablUrlAllow,
  tablSpoofAllow,
  scopedRule,
  bypassClutterHeader,
  quarantineVerdicts,
  quarantineNotify,
  quarantineRelease,
  doNotRewrite,
  impersonationExclusion,
  skipSafeLinksHeader,
  skipSafeAttachmentsHeader,
  bulkThreshold,
  antispamAllowedSenders,
  ipAllow,
  disableZap,
  disableSpoofIntelligence,
  safeList,
]

const byId = new Map<MechanismId, Mechanism>(REGISTRY.map((m) => [m.def.id, m]))

/** The module of a mechanism. */
export function mechanismOf(id: MechanismId): Mechanism {
  const m = byId.get(id)
  if (!m) throw new Error(`no mechanism module for ${id}`)
  return m
}

/** Every mechanism's definition, by id (what the wizard, the API and `vendors` show). */
export const MECHANISMS: Readonly<Record<MechanismId, MechanismDef>> = Object.fromEntries(
  REGISTRY.map((m) => [m.def.id, m.def]),
) as Record<MechanismId, MechanismDef>

/**
 * Why a preset makes a policy-level mechanism reach no one, or null when none does. A preset that
 * covers every recipient leaves nobody for a custom or default policy's change; a preset that
 * covers some recipients does not stop it: the change is planned for everyone else, and the plan
 * says who stays unchanged (see presetsCoveringSome and the planner's presets.ts).
 */
export function presetConflict(id: MechanismId, ctx: PlanContext): string | null {
  const kind = mechanismOf(id).presetKind
  if (!kind) return null
  const presets = presetsCoveringEveryone(ctx, kind)
  if (!presets.length) return null
  const which = presets.map((p) => `the ${p.preset} preset`).join(' and ')
  return `${which} covers every recipient, and preset security policies win over custom and default policies, whose settings this would change; Microsoft does not let preset settings be changed`
}

/** The presets that cover some recipients of a policy-level mechanism's kind (they stay unchanged). */
export function presetPartial(id: MechanismId, ctx: PlanContext): PresetCover[] {
  const kind = mechanismOf(id).presetKind
  return kind ? presetsCoveringSome(ctx, kind) : []
}

/**
 * Decides whether a mechanism fits this tenant's licence and routing and this vendor's identity:
 * first what holds for every mechanism (refused outright, overridden by a preset, licence, vendor
 * category), then what the mechanism itself needs.
 */
export function availability(id: MechanismId, ctx: PlanContext): Availability {
  const m = mechanismOf(id)
  const def = m.def
  if (def.refused) return no(def.refused, 'PASSAGE_E_REFUSED_UNSAFE')
  const preset = presetConflict(id, ctx)
  if (preset) return no(preset, 'PASSAGE_E_REFUSED_PRESET')
  if (def.needsDefender && !hasDefender(ctx.snapshot.licence))
    return no(`needs Defender for Office 365; this tenant has ${licenceName(ctx.snapshot.licence)}`)
  if (def.categories && !def.categories.includes(ctx.vendor.category))
    return no(
      `only for ${def.categories.map(categoryLabel).join(', ').toLowerCase()} services; ${ctx.vendor.name} is ${categoryPhrase(ctx.vendor.category)}`,
    )
  return m.availability(ctx)
}

/** Whether a mechanism works for a given protection (some serve only some of theirs). */
export function availabilityFor(
  protection: ProtectionId,
  id: MechanismId,
  ctx: PlanContext,
): Availability {
  const serves = mechanismOf(id).serves?.(protection, ctx) ?? yes
  return serves.ok ? availability(id, ctx) : serves
}
