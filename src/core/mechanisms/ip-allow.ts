import { PassageError } from '../errors/index.js'
import { CONNECTION_FILTER_LIMITS } from '../model/connection-filter.js'
import { parseIpEntry } from '../net/ip.js'
import type { PlanContext } from './context.js'
import { addEntries } from './draft.js'
import { asJson, drafts, no, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/** Refusals of its own: what the IP Allow List does not take (IPv6, ranges wider than /24). */
function safety(ctx: PlanContext): PassageError[] {
  const out: PassageError[] = []
  const details = { mechanism: 'ip-allow' }
  for (const ip of ctx.vendor.sending.ips) {
    const e = parseIpEntry(ip)
    if (!e) continue
    if (e.family === 'ipv6')
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_ADDRESS',
          `${ip}: the connection filter IP Allow List takes no IPv6 addresses.`,
          { hint: 'Choose the scoped mail flow rule mechanism, which accepts IPv6.', details },
        ),
      )
    else if (e.form === 'cidr' && e.prefix < CONNECTION_FILTER_LIMITS.widestPrefix)
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_CIDR',
          `${ip}: the IP Allow List accepts /24 to /32 only (Microsoft allows wider ranges only through an SCL -1 rule).`,
          { details },
        ),
      )
    else if (e.form === 'range' && e.size > CONNECTION_FILTER_LIMITS.maxRangeAddresses)
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_CIDR',
          `${ip}: an IP Allow List range may cover at most 256 addresses.`,
          { details },
        ),
      )
  }
  return out
}

/** The vendor's IPs in the connection filter IP Allow List (skips all filtering for them). */
export const ipAllow: ObjectMechanism = {
  kind: 'objects',
  // ms-rule: plan.notice.hc-phish-routing
  highConfidencePhishOffMicrosoftMx: 'unknown',
  def: {
    id: 'ip-allow',
    needs: 'any licence; IPv4 /24 to /32',
    title: 'Connection filter IP Allow List',
    risk: 'high',
    riskReason:
      'Skips spam filtering and SPF/DKIM/DMARC for everything from those IPs, including other customers of shared infrastructure.',
    needsDefender: false,
  },
  availability(ctx) {
    return ctx.vendor.sending.ips.length ? yes : no(`${ctx.vendor.name} has no sending IPs`)
  },
  safety,
  build(ctx, protections) {
    const v = ctx.vendor
    return drafts([
      addEntries(
        'connection-filter',
        asJson(ctx.snapshot.state.connectionFilter),
        'IPAllowList',
        v.sending.ips,
        { protections, mechanism: 'ip-allow' },
        `Add ${v.name}'s IPs to the connection filter IP Allow List`,
      ),
    ])
  },
}
