import { PassageError } from '../errors/index.js'
import { parseIpEntry, slash24, splitToSlash24 } from '../net/ip.js'
import { spoofKey } from '../surfaces/index.js'
import { isOwnDomain, type PlanContext } from './context.js'
import { create, type Draft, type DraftMeta } from './draft.js'
import { no, yes } from './helpers.js'
import type { Notice, ObjectMechanism } from './types.js'

/** The wildcard Microsoft documents for one side of a spoof pair (never both). */
export const SPOOF_ANY = '*'

/** The /24 blocks of the vendor's IPv4 sending addresses (the form a spoof pair takes for an IP). */
function slash24Blocks(ctx: PlanContext): string[] {
  const out: string[] = []
  for (const ip of ctx.vendor.sending.ips) {
    const e = parseIpEntry(ip)
    if (!e || e.family !== 'ipv4') continue
    // An entry within one /24 (an address, a /24 or narrower, a short range) is that /24.
    const blocks = e.prefix >= 24 ? [slash24(e.text)] : splitToSlash24(e, 16)
    if (!blocks)
      throw new PassageError(
        'PASSAGE_E_REFUSED_CIDR',
        `${ip} spans more than 16 /24 blocks; spoofed-sender entries take one /24 each.`,
      )
    for (const b of blocks) if (b && !out.includes(b)) out.push(b)
  }
  return out
}

/**
 * The sending infrastructure a spoofed-sender entry pairs with: the DKIM domain, or /24 blocks.
 * Microsoft names the PTR domain first and the /24 only for addresses without PTR; passage reads no
 * DNS, so it pairs with the /24, which the risk text says is shared address space.
 */
// ms-rule: plan.spoof.documented-forms
function spoofInfrastructure(ctx: PlanContext): string[] {
  const v = ctx.vendor
  if (v.sending.dkimDomains.length) return v.sending.dkimDomains
  return slash24Blocks(ctx)
}

/** The spoofed-sender entries to plan: [type, spoofed user, sending infrastructure]. */
type Pair = readonly ['External' | 'Internal', string, string]

/**
 * An in-and-out relay hands back every sender's mail, so Microsoft's advice for it is a pair of
 * allows for the relay's address: one External and one Internal, with the wildcard as the spoofed
 * user (mdo-integrate-security-service.md; the wildcard is valid on one side of a pair,
 * tenant-allow-block-list-email-spoof-configure.md).
 */
// ms-rule: plan.relay.spoof-pair
function relayPairs(ctx: PlanContext): Pair[] {
  return slash24Blocks(ctx).flatMap((b): Pair[] => [
    ['External', SPOOF_ANY, b],
    ['Internal', SPOOF_ANY, b],
  ])
}

/**
 * Another vendor's pairs: its header From domains that are not the tenant's, External. An Internal
 * entry takes a full address (New-TenantAllowBlockListSpoofItems.md), which passage does not know,
 * so the tenant's own domains are left out and the plan says so.
 */
// ms-rule: plan.spoof.documented-forms
function senderPairs(ctx: PlanContext): Pair[] {
  const infra = spoofInfrastructure(ctx)
  return ctx.vendor.sending.headerFromDomains
    .filter((d) => !isOwnDomain(ctx, d))
    .flatMap((user) => infra.map((i): Pair => ['External', user, i]))
}

/** The vendor's header From domains that are the tenant's own (no Internal domain entry exists). */
function ownFromDomains(ctx: PlanContext): string[] {
  return ctx.vendor.sending.headerFromDomains.filter((d) => isOwnDomain(ctx, d))
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
      'Allows spoofing only from one sending infrastructure instead of switching spoof protection off. An IP pairs as its whole /24: in shared cloud address space anyone can rent an address in that block and send as the allowed sender.',
    needsDefender: false,
  },
  // ms-rule: plan.notice.hc-phish-routing
  highConfidencePhishOffMicrosoftMx: 'delivers',
  availability(ctx) {
    const v = ctx.vendor
    if (v.category === 'inbound-relay')
      return v.sending.ips.some((ip) => parseIpEntry(ip)?.family === 'ipv4')
        ? yes
        : no(`${v.name} has no IPv4 relay address to pair with`)
    if (!v.sending.ips.length && !v.sending.dkimDomains.length)
      return no(`${v.name} has no sending infrastructure (IPs or DKIM domain) to pair with`)
    if (!v.sending.headerFromDomains.some((d) => !isOwnDomain(ctx, d)))
      return no(
        `${v.name} sends as your own domains: fix SPF and DKIM for them instead of allowing spoofing (an Internal spoofed-sender entry takes one full address, not a domain)`,
      )
    return yes
  },
  notices(ctx) {
    const out: Notice[] = []
    if (ctx.vendor.category === 'inbound-relay')
      out.push({
        rank: 21,
        text: `Spoofed-sender allows (External and Internal, any sender) are planned for ${ctx.vendor.name}'s relay addresses, each as its /24: remove them if you stop using the relay or it changes how it works. Microsoft identifies a source by its /24 only when the address has no PTR record; cloud addresses usually have one, and then these entries do not match and Microsoft names the source by its PTR domain, which for shared cloud hosting would cover every customer of that cloud: passage does not plan that. Check a relayed message's headers after applying.`,
      })
    const own = ownFromDomains(ctx)
    if (own.length && ctx.vendor.category !== 'inbound-relay')
      out.push({
        rank: 22,
        text: `No spoofed-sender allow is planned for ${own.join(', ')}: they are your own domains, and an Internal entry takes one full address, not a domain. Fix SPF, DKIM and DMARC for them instead.`,
      })
    return out
  },
  build(ctx, protections) {
    const meta: DraftMeta = { protections, mechanism: 'tabl-spoof-allow' }
    const existing = ctx.snapshot.state.tabl.spoofItems
    const pairs = ctx.vendor.category === 'inbound-relay' ? relayPairs(ctx) : senderPairs(ctx)
    const out: Draft[] = []
    for (const [type, user, infra] of pairs) {
      const item = {
        Action: 'Allow',
        SpoofType: type,
        SpoofedUser: user,
        SendingInfrastructure: infra,
      }
      if (existing.some((s) => spoofKey(s) === spoofKey(item))) continue
      const who = user === SPOOF_ANY ? 'any sender' : user
      out.push(
        create(
          'tabl-spoof',
          item,
          meta,
          `Allow ${who} sent through ${infra} (${type.toLowerCase()} spoof)`,
        ),
      )
    }
    return out
  },
}
