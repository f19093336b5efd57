import type { ErrorCode } from '../errors/index.js'
import { hasDefender, licenceName } from '../model/licence.js'
import { MECHANISMS } from '../protections/catalog.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import {
  describeScope,
  gatewayConnector,
  policiesInForce,
  presetsInForce,
  vendorAuthDomains,
  vendorSenderDomains,
  type PlanContext,
} from './context.js'

/** Whether a mechanism can work for this tenant and vendor, and if not, why (and which refusal it is). */
export type Availability = { ok: true } | { ok: false; reason: string; refusal?: ErrorCode }

const no = (reason: string, refusal?: ErrorCode): Availability => ({
  ok: false,
  reason,
  ...(refusal ? { refusal } : {}),
})

/** Policy-level mechanisms, and the kind of preset that overrides the policies they change. */
const PRESET_KIND: Partial<Record<MechanismId, 'EOP' | 'ATP'>> = {
  'antispam-allowed-senders': 'EOP',
  'bulk-threshold': 'EOP',
  'disable-zap': 'EOP',
  'quarantine-notify': 'EOP',
  'quarantine-release': 'EOP',
  'impersonation-exclusion': 'ATP',
  'do-not-rewrite': 'ATP',
}

/** Why a preset makes a policy-level mechanism miss some users, or null when none does. */
export function presetConflict(id: MechanismId, ctx: PlanContext): string | null {
  const kind = PRESET_KIND[id]
  if (!kind) return null
  const presets = presetsInForce(ctx, kind)
  if (!presets.length) return null
  const who = presets.map((p) => `the ${p.Preset} preset covers ${describeScope(p)}`).join('; ')
  return `${who}: those users would stay unchanged, because preset security policies win over custom and default policies`
}
const yes: Availability = { ok: true }

/** Decides whether a mechanism fits this tenant's licence and routing and this vendor's identity. */
export function availability(id: MechanismId, ctx: PlanContext): Availability {
  const def = MECHANISMS[id]
  const { snapshot, vendor } = ctx
  if (def.refused) return no(def.refused, 'PASSAGE_E_REFUSED_UNSAFE')
  const preset = presetConflict(id, ctx)
  if (preset) return no(preset, 'PASSAGE_E_REFUSED_PRESET')
  if (def.needsDefender && !hasDefender(snapshot.licence))
    return no(`needs Defender for Office 365; this tenant has ${licenceName(snapshot.licence)}`)
  if (def.categories && !def.categories.includes(vendor.category))
    return no(
      `only for ${def.categories.join(', ')} services; ${vendor.name} is ${vendor.category}`,
    )
  const ips = vendor.sending.ips
  switch (id) {
    case 'advanced-delivery':
      if (!ips.length) return no(`${vendor.name} has no sending IPs to match`)
      if (!vendorAuthDomains(ctx).length)
        return no(`${vendor.name} has no MAIL FROM or DKIM domains of its own to match`)
      return yes
    case 'enhanced-filtering':
      if (snapshot.mx.route !== 'gateway')
        return no('MX points at Microsoft 365: there is no gateway hop to skip')
      if (!gatewayConnector(ctx))
        return no(
          `no enabled Partner inbound connector for ${snapshot.mx.gateway} was found; create the gateway's connector first`,
        )
      return yes
    case 'tabl-sender-allow':
      if (vendor.category === 'inbound-relay' || vendor.category === 'gateway-mx')
        return no(
          'a relay or gateway forwards mail from every sender: there is no vendor sender domain to allow',
        )
      if (!vendorSenderDomains(ctx).length)
        return no(`${vendor.name} sends as your own domains: there is no vendor domain to allow`)
      return yes
    case 'tabl-url-allow':
      return vendor.sending.linkDomains.length
        ? yes
        : no(`${vendor.name} has no link or tracking domains`)
    case 'tabl-spoof-allow':
      if (!ips.length && !vendor.sending.dkimDomains.length)
        return no(`${vendor.name} has no sending infrastructure (IPs or DKIM domain) to pair with`)
      // A spoofed-sender entry names one external domain or one internal address (reference
      // §3.4); a relay hands back mail from every sender, and no wildcard is documented.
      if (vendor.category === 'inbound-relay')
        return no(
          `${vendor.name} returns mail from every sender, and a spoofed-sender entry takes one external domain or one internal address (no documented wildcard)`,
        )
      if (!vendor.sending.headerFromDomains.length)
        return no(
          `${vendor.name} sends as your own domains: fix SPF and DKIM for them instead of allowing spoofing`,
        )
      return yes
    case 'scoped-rule':
    case 'bypass-clutter-header':
    case 'skip-safe-links-header':
    case 'skip-safe-attachments-header':
      // A vendor known only by headers reaches the rule builder, which refuses it with its own code.
      if (!ips.length && !vendorSenderDomains(ctx).length && !vendor.profile.headers.length)
        return no(`${vendor.name} has neither sending IPs nor a sender domain to scope a rule to`)
      return yes
    case 'ip-allow':
      return ips.length ? yes : no(`${vendor.name} has no sending IPs`)
    case 'antispam-allowed-senders':
    case 'impersonation-exclusion':
      return vendorSenderDomains(ctx).length
        ? yes
        : no(`${vendor.name} has no sender domain of its own to allow`)
    case 'do-not-rewrite': {
      if (vendor.category === 'phishing-simulation')
        return no(
          'simulation URLs must not go in “do not rewrite” (Microsoft: it causes click alerts); advanced delivery handles them',
        )
      if (!vendor.sending.linkDomains.length)
        return no(`${vendor.name} has no link or tracking domains`)
      const sl = snapshot.state.safeLinks
      if (
        !sl ||
        !policiesInForce(
          sl.policies,
          sl.rules,
          (r) => (r as { SafeLinksPolicy?: string }).SafeLinksPolicy ?? '',
        ).length
      )
        return no(
          'no custom Safe Links policy is in force, and the built-in protection policy cannot be edited',
        )
      return yes
    }
    default:
      return yes
  }
}

/**
 * Whether a mechanism works for a given protection. Enhanced filtering makes Exchange see the true
 * source behind the MX gateway; that stops spam verdicts on the gateway's own traffic, but any
 * other vendor's mail (and a relay's return leg, which does not pass the gateway) is still
 * filtered as usual, so it is no anti-spam fix for them.
 */
export function availabilityFor(
  protection: ProtectionId,
  id: MechanismId,
  ctx: PlanContext,
): Availability {
  if (id === 'enhanced-filtering' && protection !== 'enhanced-filtering') {
    if (ctx.vendor.category !== 'gateway-mx')
      return no(
        `it shows Exchange the true source behind the gateway but filters ${ctx.vendor.name}'s mail as before`,
      )
  }
  return availability(id, ctx)
}
