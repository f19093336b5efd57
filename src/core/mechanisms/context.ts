import type { TenantSnapshot } from '../model/snapshot.js'
import type { PolicyRule } from '../model/common.js'
import type { PresetRule } from '../model/preset.js'
import { enhancedFilteringOn, type InboundConnector } from '../model/inbound-connector.js'
import { isSameOrSubdomain } from '../net/domain.js'
import { senderDomains, type ResolvedVendor } from '../vendor/resolve.js'

/** Everything the mechanisms need to decide and build their changes. */
export interface PlanContext {
  snapshot: TenantSnapshot
  vendor: ResolvedVendor
  /** The current time (ISO), passed in: the planner reads no clock. */
  now: string
  /** `recipe` follows the vendor's own recipe (rule with StopRuleProcessing, ...). */
  mode: 'recommended' | 'recipe'
}

/** The tenant's accepted domains, lower-cased. */
export function ownDomains(ctx: PlanContext): string[] {
  return ctx.snapshot.acceptedDomains.map((d) => d.DomainName.toLowerCase())
}

/** True when the domain is one of the tenant's accepted domains or under one. */
export function isOwnDomain(ctx: PlanContext, domain: string): boolean {
  return ownDomains(ctx).some((own) => isSameOrSubdomain(domain, own))
}

/** The vendor's sender domains that are its own (not the tenant's). */
export function vendorSenderDomains(ctx: PlanContext): string[] {
  return senderDomains(ctx.vendor).filter((d) => !isOwnDomain(ctx, d))
}

/** The vendor's MAIL FROM and DKIM domains (what advanced delivery matches), not the tenant's. */
export function vendorAuthDomains(ctx: PlanContext): string[] {
  return [
    ...new Set([...ctx.vendor.sending.envelopeDomains, ...ctx.vendor.sending.dkimDomains]),
  ].filter((d) => !isOwnDomain(ctx, d))
}

/** Enabled preset rules of a kind (EOP: anti-spam/anti-phish; ATP: Safe Links/Attachments/impersonation). */
export function presetsInForce(ctx: PlanContext, kind: 'EOP' | 'ATP'): PresetRule[] {
  return ctx.snapshot.presets.filter((p) => p.Kind === kind && p.State === 'Enabled')
}

/** Who a preset rule covers, in words. */
export function describeScope(r: PresetRule | PolicyRule): string {
  const parts = [
    ...r.SentTo.map((x) => `user ${x}`),
    ...r.SentToMemberOf.map((x) => `members of ${x}`),
    ...r.RecipientDomainIs.map((x) => `everyone @${x}`),
  ]
  return parts.length ? parts.join(', ') : 'everyone'
}

/** Names of the policies in force: the default one plus custom ones whose rule is enabled. */
export function policiesInForce<
  P extends { Name: string; IsDefault?: boolean; IsBuiltInProtection?: boolean },
  R extends PolicyRule,
>(policies: readonly P[], rules: readonly R[], ruleField: (r: R) => string): P[] {
  const linked = new Set(
    rules.filter((r) => r.State === 'Enabled').map((r) => ruleField(r).toLowerCase()),
  )
  return policies.filter(
    (p) => !p.IsBuiltInProtection && (p.IsDefault === true || linked.has(p.Name.toLowerCase())),
  )
}

/** The inbound connector carrying mail from the MX gateway, if the tenant has one. */
export function gatewayConnector(ctx: PlanContext): InboundConnector | null {
  const mx = ctx.snapshot.mx
  if (mx.route !== 'gateway') return null
  const enabled = ctx.snapshot.state.inboundConnectors.filter(
    (c) => c.Enabled && c.ConnectorType === 'Partner',
  )
  const byName = enabled.find((c) => c.Name.toLowerCase().includes(mx.gateway.toLowerCase()))
  return (
    byName ??
    enabled.find((c) => c.SenderIPAddresses.some((ip) => mx.ips.includes(ip))) ??
    (enabled.length === 1 ? (enabled[0] ?? null) : null)
  )
}

/** True when mail reaches Exchange with its true source visible: MX at Microsoft, or enhanced filtering on. */
export function trueSourceVisible(ctx: PlanContext): boolean {
  if (ctx.snapshot.mx.route === 'microsoft') return true
  const c = gatewayConnector(ctx)
  return c !== null && enhancedFilteringOn(c)
}
