import { hasMarker } from '../model/common.js'
import type { TransportRule } from '../model/transport-rule.js'
import { entryWithin, parseIpEntry } from '../net/ip.js'
import { gatewayConnector, type PlanContext } from './context.js'
import { addEntries, setFields, type DraftMeta } from './draft.js'
import { asJson, drafts, no, yes } from './helpers.js'
import type { Notice, ObjectMechanism } from './types.js'

/**
 * The tenant's own mail flow rules that set SCL -1 for the gateway's mail (by its addresses or its
 * name): Microsoft says to disable such a rule once enhanced filtering is on, or spam filtering
 * still never runs on what the gateway passes.
 */
// ms-rule: plan.enhanced-filtering.scl-bypass-rules
export function gatewayBypassRules(ctx: PlanContext): TransportRule[] {
  const mx = ctx.snapshot.mx
  if (mx.route !== 'gateway') return []
  const c = gatewayConnector(ctx)
  const gateway = [...mx.ips, ...(c?.SenderIPAddresses ?? [])]
    .map(parseIpEntry)
    .filter((e) => e !== null)
  const name = mx.gateway.toLowerCase()
  return ctx.snapshot.state.transportRules.filter((r) => {
    if (r.SetSCL !== -1 || r.State !== 'Enabled' || hasMarker(r.Comments)) return false
    const byIp = r.SenderIpRanges.map(parseIpEntry).some(
      (e) => e !== null && gateway.some((g) => entryWithin(e, g) || entryWithin(g, e)),
    )
    return byIp || (name.length > 2 && r.Name.toLowerCase().includes(name))
  })
}

/** Enhanced filtering on the MX gateway's inbound connector (Exchange sees the true source). */
export const enhancedFiltering: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'enhanced-filtering',
    needs: 'MX at a gateway with a Partner inbound connector',
    title: 'Enhanced filtering on the gateway’s inbound connector',
    risk: 'low',
    riskReason:
      'Restores true-source SPF/DKIM/DMARC behind a gateway; it adds protection rather than removing it.',
    needsDefender: false,
  },
  notices(ctx): Notice[] {
    const rules = gatewayBypassRules(ctx)
    if (!rules.length) return []
    return [
      {
        rank: 15,
        text: `Disable ${rules.map((r) => `'${r.Name}'`).join(', ')} once enhanced filtering is on: ${rules.length > 1 ? 'these rules set' : 'this rule sets'} SCL -1 for the gateway's mail, and Microsoft says such a rule must be disabled with enhanced filtering (passage does not change rules it did not create).`,
      },
    ]
  },
  availability(ctx) {
    const mx = ctx.snapshot.mx
    if (mx.route !== 'gateway')
      return no('MX points at Microsoft 365: there is no gateway hop to skip')
    if (!gatewayConnector(ctx))
      return no(
        `no enabled Partner inbound connector for ${mx.gateway} was found; create the gateway's connector first`,
      )
    return yes
  },
  /**
   * Enhanced filtering stops spam verdicts on the gateway's own traffic, but any other vendor's
   * mail (and a relay's return leg, which does not pass the gateway) is still filtered as usual,
   * so it fixes anti-spam and the like only for a gateway in front of MX.
   */
  serves(protection, ctx) {
    if (protection !== 'enhanced-filtering' && ctx.vendor.category !== 'gateway-mx')
      return no(
        `it shows Exchange the true source behind the gateway but filters ${ctx.vendor.name}'s mail as before`,
      )
    return yes
  },
  build(ctx, protections) {
    const meta: DraftMeta = { protections, mechanism: 'enhanced-filtering' }
    const v = ctx.vendor
    const c = gatewayConnector(ctx)
    if (!c || c.EFSkipLastIP) return []
    const mx = ctx.snapshot.mx
    const gatewayIps = [
      ...(mx.route === 'gateway' ? mx.ips : []),
      ...(v.category === 'gateway-mx' ? v.sending.ips : []),
    ]
    // Skipping the gateway's known IPs is more precise than skipping the last hop.
    if (gatewayIps.length)
      return drafts([
        addEntries(
          'inbound-connector',
          asJson(c),
          'EFSkipIPs',
          gatewayIps,
          meta,
          `Turn on enhanced filtering on '${c.Name}': skip the gateway's IPs`,
        ),
      ])
    return drafts([
      setFields(
        'inbound-connector',
        asJson(c),
        { EFSkipLastIP: true },
        meta,
        `Turn on enhanced filtering on '${c.Name}': skip the last hop`,
      ),
    ])
  },
}
