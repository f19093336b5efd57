import type { PlanContext } from './context.js'
import { no, tablAllows, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/**
 * The URL entries for a link domain, in forms Microsoft matches (URL syntax table of
 * tenant-allow-block-list-urls-configure.md): a Tenant allow implies no subpath, so the bare host
 * and `host/*` (every path); a left wildcard allow exists only in advanced delivery, which a
 * phishing simulation's links use instead (`host/*` and `*.host/*`).
 */
// ms-rule: plan.url.allow-forms
export function urlEntries(ctx: PlanContext): {
  values: string[]
  subType: 'Tenant' | 'AdvancedDelivery'
} {
  const hosts = [...new Set(ctx.vendor.sending.linkDomains.map((d) => d.replace(/^\*\./, '')))]
  if (ctx.vendor.category === 'phishing-simulation')
    return { values: hosts.flatMap((d) => [`${d}/*`, `*.${d}/*`]), subType: 'AdvancedDelivery' }
  return { values: hosts.flatMap((d) => [d, `${d}/*`]), subType: 'Tenant' }
}

/** Tenant Allow/Block List URL allows for the vendor's link and tracking domains. */
export const tablUrlAllow: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'tabl-url-allow',
    needs: 'any licence; link domains',
    title: 'Tenant Allow/Block List URL allow (expires 45 days after last use)',
    risk: 'low',
    riskReason:
      'Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.',
    needsDefender: false,
  },
  // ms-rule: plan.notice.hc-phish-routing
  highConfidencePhishOffMicrosoftMx: 'delivers',
  availability(ctx) {
    return ctx.vendor.sending.linkDomains.length
      ? yes
      : no(`${ctx.vendor.name} has no link or tracking domains`)
  },
  notices(ctx) {
    if (ctx.vendor.category === 'phishing-simulation')
      return [
        {
          rank: 35,
          text: 'Simulation links are allowed in advanced delivery (the only place Microsoft accepts a left-wildcard URL allow); Microsoft allows email simulation links on its own once the simulation matches advanced delivery, so these entries matter mostly for simulations outside email.',
        },
      ]
    return [
      {
        rank: 35,
        text: 'URL allows cover each listed host and every path on it (host/*); Microsoft takes no left-wildcard Tenant allow, so a tracking subdomain not listed stays unallowed: add it by name.',
      },
    ]
  },
  build(ctx, protections) {
    const { values, subType } = urlEntries(ctx)
    return tablAllows(
      ctx,
      'Url',
      values,
      { protections, mechanism: 'tabl-url-allow' },
      'URL',
      subType,
    )
  },
}
