import { PassageError } from '../errors/index.js'
import { ADVANCED_DELIVERY_LIMITS } from '../model/advanced-delivery.js'
import { CONNECTION_FILTER_LIMITS } from '../model/connection-filter.js'
import { isSharedDomain } from '../net/domain.js'
import { isPublic, parseIpEntry } from '../net/ip.js'
import type { MechanismId } from '../protections/ids.js'
import { senderDomains } from '../vendor/resolve.js'
import { isOwnDomain, type PlanContext } from './context.js'

/** Mechanisms that allow-list by the vendor's sender domains. */
const DOMAIN_ALLOWS: ReadonlySet<MechanismId> = new Set([
  'tabl-sender-allow',
  'antispam-allowed-senders',
  'impersonation-exclusion',
  'advanced-delivery',
  'scoped-rule',
])

/**
 * The refusals of design.md's safety rules, checked before anything is planned: own or shared
 * domains, private/reserved addresses, ranges wider than the target list accepts, IPv6 where the
 * list takes none, and counts over a list's limit.
 */
export function checkSafety(ctx: PlanContext, mechanisms: ReadonlySet<MechanismId>): void {
  const v = ctx.vendor
  for (const ip of v.sending.ips) {
    const e = parseIpEntry(ip)
    if (!e)
      throw new PassageError(
        'PASSAGE_E_REFUSED_ADDRESS',
        `${v.name}: '${ip}' is not an IP address, CIDR or range.`,
      )
    if (!isPublic(e))
      throw new PassageError(
        'PASSAGE_E_REFUSED_ADDRESS',
        `${v.name}: ${ip} is a ${e.range} address, not a public internet sender.`,
      )
    if (e.family === 'ipv4' && e.prefix < 8)
      throw new PassageError(
        'PASSAGE_E_REFUSED_CIDR',
        `${v.name}: ${ip} covers ${e.size} addresses; no vendor sends from a range that wide.`,
      )
  }
  const usesDomains = [...mechanisms].some((m) => DOMAIN_ALLOWS.has(m))
  if (usesDomains && v.category !== 'inbound-relay' && v.category !== 'gateway-mx') {
    const own = senderDomains(v).filter((d) => isOwnDomain(ctx, d))
    if (own.length)
      throw new PassageError(
        'PASSAGE_E_REFUSED_OWN_DOMAIN',
        `${own.join(', ')} ${own.length > 1 ? 'are' : 'is'} this tenant's own domain; allow-listing it lets anyone who forges it in.`,
      )
  }
  const shared = [...senderDomains(v), ...v.sending.linkDomains].filter(isSharedDomain)
  if (shared.length)
    throw new PassageError(
      'PASSAGE_E_REFUSED_SHARED_DOMAIN',
      `${shared.join(', ')} ${shared.length > 1 ? 'are consumer or shared domains' : 'is a consumer or shared domain'}: allowing ${shared.length > 1 ? 'them' : 'it'} allows everyone who sends through ${shared.length > 1 ? 'them' : 'it'}.`,
    )
  if (mechanisms.has('ip-allow'))
    for (const ip of v.sending.ips) {
      const e = parseIpEntry(ip)
      if (!e) continue
      if (e.family === 'ipv6')
        throw new PassageError(
          'PASSAGE_E_REFUSED_ADDRESS',
          `${ip}: the connection filter IP Allow List takes no IPv6 addresses.`,
          { hint: 'Choose the scoped mail flow rule mechanism, which accepts IPv6.' },
        )
      if (e.form === 'cidr' && e.prefix < CONNECTION_FILTER_LIMITS.widestPrefix)
        throw new PassageError(
          'PASSAGE_E_REFUSED_CIDR',
          `${ip}: the IP Allow List accepts /24 to /32 only (Microsoft allows wider ranges only through an SCL -1 rule).`,
        )
      if (e.form === 'range' && e.size > CONNECTION_FILTER_LIMITS.maxRangeAddresses)
        throw new PassageError(
          'PASSAGE_E_REFUSED_CIDR',
          `${ip}: an IP Allow List range may cover at most 256 addresses.`,
        )
    }
  if (mechanisms.has('advanced-delivery')) {
    for (const ip of v.sending.ips)
      if (parseIpEntry(ip)?.family === 'ipv6')
        throw new PassageError(
          'PASSAGE_E_REFUSED_ADDRESS',
          `${ip}: advanced delivery takes IPv4 sending IPs only.`,
        )
    const mx = ctx.snapshot.mx
    if (mx.route === 'gateway') {
      const gw = v.sending.ips.filter((ip) => mx.ips.includes(ip))
      if (gw.length)
        throw new PassageError(
          'PASSAGE_E_REFUSED_UNSAFE',
          `${gw.join(', ')} ${gw.length > 1 ? 'are' : 'is'} the MX gateway's address: in advanced delivery it would exempt anyone spoofing the simulation domains.`,
        )
    }
    if (v.sending.ips.length > ADVANCED_DELIVERY_LIMITS.maxSenderIpRanges)
      throw new PassageError(
        'PASSAGE_E_REFUSED_LIMIT',
        `${v.name} has ${v.sending.ips.length} sending IP entries; advanced delivery takes at most ${ADVANCED_DELIVERY_LIMITS.maxSenderIpRanges}.`,
      )
  }
}
