import { PassageError } from '../errors/index.js'
import { parseIpEntry, slash24, splitToSlash24 } from '../net/ip.js'
import { spoofKey } from '../surfaces/index.js'
import { isOwnDomain, type PlanContext } from './context.js'
import { create, type Draft } from './draft.js'
import { no, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/** The sending infrastructure a spoofed-sender entry pairs with: the DKIM domain, or /24 blocks. */
function spoofInfrastructure(ctx: PlanContext): string[] {
  const v = ctx.vendor
  if (v.sending.dkimDomains.length) return v.sending.dkimDomains
  const out: string[] = []
  for (const ip of v.sending.ips) {
    const e = parseIpEntry(ip)
    if (!e || e.family !== 'ipv4') continue
    const blocks =
      e.prefix >= 24
        ? [slash24(e.form === 'address' ? e.text : (e.text.split('/')[0]?.split('-')[0] ?? ''))]
        : splitToSlash24(e, 16)
    if (!blocks)
      throw new PassageError(
        'PASSAGE_E_REFUSED_CIDR',
        `${ip} spans more than 16 /24 blocks; spoofed-sender entries take one /24 each.`,
      )
    for (const b of blocks) if (b && !out.includes(b)) out.push(b)
  }
  return out
}

/** Tenant Allow/Block List spoofed-sender allows: one domain from one sending infrastructure. */
export const tablSpoofAllow: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'tabl-spoof-allow',
    needs: 'any licence; sending IPs or a DKIM domain',
    title: 'Tenant Allow/Block List spoofed-sender allow (domain + sending infrastructure)',
    risk: 'low',
    riskReason:
      'Allows one domain from one sending infrastructure (/24 or DKIM domain) instead of switching spoof protection off.',
    needsDefender: false,
  },
  availability(ctx) {
    const v = ctx.vendor
    if (!v.sending.ips.length && !v.sending.dkimDomains.length)
      return no(`${v.name} has no sending infrastructure (IPs or DKIM domain) to pair with`)
    // A spoofed-sender entry names one external domain or one internal address (reference
    // §3.4); a relay hands back mail from every sender, and no wildcard is documented.
    if (v.category === 'inbound-relay')
      return no(
        `${v.name} returns mail from every sender, and a spoofed-sender entry takes one external domain or one internal address (no documented wildcard)`,
      )
    if (!v.sending.headerFromDomains.length)
      return no(
        `${v.name} sends as your own domains: fix SPF and DKIM for them instead of allowing spoofing`,
      )
    return yes
  },
  build(ctx, protections) {
    const meta = { protections, mechanism: 'tabl-spoof-allow' as const }
    const existing = ctx.snapshot.state.tabl.spoofItems
    const out: Draft[] = []
    for (const user of ctx.vendor.sending.headerFromDomains)
      for (const infra of spoofInfrastructure(ctx)) {
        const type = isOwnDomain(ctx, user) ? ('Internal' as const) : ('External' as const)
        const item = {
          Action: 'Allow',
          SpoofType: type,
          SpoofedUser: user,
          SendingInfrastructure: infra,
        }
        if (existing.some((s) => spoofKey(s) === spoofKey(item))) continue
        out.push(
          create(
            'tabl-spoof',
            item,
            meta,
            `Allow ${user} sent through ${infra} (${type.toLowerCase()} spoof)`,
          ),
        )
      }
    return out
  },
}
