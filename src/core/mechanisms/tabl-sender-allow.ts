import { vendorSenderDomains } from './context.js'
import { no, tablAllows, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/** Tenant Allow/Block List sender allows for the vendor's own domains (Microsoft's preferred allow). */
export const tablSenderAllow: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'tabl-sender-allow',
    needs: "any licence; the vendor's own sender domains",
    title: 'Tenant Allow/Block List sender allow (expires 45 days after last use)',
    risk: 'low',
    riskReason:
      'Microsoft’s preferred allow: overrides spam, bulk and phish verdicts for the vendor’s own domains only, and lapses when unused. With MX at Microsoft 365 it never delivers malware or high-confidence phish; with MX elsewhere it can deliver high-confidence phish (secure by default does not apply).',
    needsDefender: false,
  },
  allowsByDomain: true,
  // ms-rule: plan.notice.hc-phish-routing
  highConfidencePhishOffMicrosoftMx: 'delivers',
  availability(ctx) {
    const v = ctx.vendor
    if (v.category === 'inbound-relay' || v.category === 'gateway-mx')
      return no(
        'a relay or gateway forwards mail from every sender: there is no vendor sender domain to allow',
      )
    if (!vendorSenderDomains(ctx).length)
      return no(`${v.name} sends as your own domains: there is no vendor domain to allow`)
    return yes
  },
  build(ctx, protections) {
    return tablAllows(
      ctx,
      'Sender',
      vendorSenderDomains(ctx),
      { protections, mechanism: 'tabl-sender-allow' },
      'sender domain',
    )
  },
}
