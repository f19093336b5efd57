import { gatewayConnector } from './context.js'
import { addEntries, setFields, type DraftMeta } from './draft.js'
import { asJson, drafts, no, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

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
