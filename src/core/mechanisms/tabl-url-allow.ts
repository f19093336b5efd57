import { no, tablAllows, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/** Tenant Allow/Block List URL allows for the vendor's link and tracking domains. */
export const tablUrlAllow: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'tabl-url-allow',
    needs: 'any licence; link domains',
    title: 'Tenant Allow/Block List URL allow (expires 45 days after last use)',
    risk: 'low',
    riskReason:
      'Allows URL verdicts for the vendor’s link domains only; links are still rewritten and checked at click.',
    needsDefender: false,
  },
  availability(ctx) {
    return ctx.vendor.sending.linkDomains.length
      ? yes
      : no(`${ctx.vendor.name} has no link or tracking domains`)
  },
  build(ctx, protections) {
    return tablAllows(
      ctx,
      'Url',
      // The domain itself and its subdomains: a URL entry for a domain does not cover them.
      ctx.vendor.sending.linkDomains.flatMap((d) => [d, `*.${d}`]),
      { protections, mechanism: 'tabl-url-allow' },
      'URL',
    )
  },
}
