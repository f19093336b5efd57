import { PassageError } from '../errors/index.js'
import { isOwnDomain, REGISTRY, type Mechanism, type PlanContext } from '../mechanisms/index.js'
import { isSharedDomain } from '../net/domain.js'
import { isPublic, parseIpEntry } from '../net/ip.js'
import type { MechanismId } from '../protections/ids.js'
import { senderDomains } from '../vendor/resolve.js'
import { aggregate } from './diagnostics.js'

/** Refusals for the vendor's addresses, whatever the mechanism: unparsable, private, absurdly wide. */
function addressRefusals(ctx: PlanContext): PassageError[] {
  const v = ctx.vendor
  const out: PassageError[] = []
  for (const ip of v.sending.ips) {
    const e = parseIpEntry(ip)
    if (!e)
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_ADDRESS',
          `${v.name}: '${ip}' is not an IP address, CIDR or range.`,
        ),
      )
    else if (!isPublic(e))
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_ADDRESS',
          `${v.name}: ${ip} is a ${e.range} address, not a public internet sender.`,
        ),
      )
    else if (e.family === 'ipv4' && e.prefix < 8)
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_CIDR',
          `${v.name}: ${ip} covers ${e.size} addresses; no vendor sends from a range that wide.`,
        ),
      )
  }
  return out
}

/** Refusals for the vendor's domains: the tenant's own (when allow-listed by domain), shared ones. */
function domainRefusals(ctx: PlanContext, mechanisms: readonly Mechanism[]): PassageError[] {
  const v = ctx.vendor
  const out: PassageError[] = []
  const usesDomains = mechanisms.some((m) => m.allowsByDomain)
  // A relay or gateway forwards everyone's mail: its rules are scoped by IP, not by domain.
  if (usesDomains && v.category !== 'inbound-relay' && v.category !== 'gateway-mx') {
    const own = senderDomains(v).filter((d) => isOwnDomain(ctx, d))
    if (own.length)
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_OWN_DOMAIN',
          `${own.join(', ')} ${own.length > 1 ? 'are' : 'is'} this tenant's own domain; allow-listing it lets anyone who forges it in.`,
        ),
      )
  }
  const shared = [...senderDomains(v), ...v.sending.linkDomains].filter(isSharedDomain)
  const many = shared.length > 1
  if (shared.length)
    out.push(
      new PassageError(
        'PASSAGE_E_REFUSED_SHARED_DOMAIN',
        `${shared.join(', ')} ${many ? 'are consumer or shared domains' : 'is a consumer or shared domain'}: allowing ${many ? 'them' : 'it'} allows everyone who sends through ${many ? 'them' : 'it'}.`,
      ),
    )
  return out
}

/**
 * Every refusal of design.md's safety rules for these mechanisms, checked before anything is
 * planned: own or shared domains, private/reserved addresses, and each mechanism's own (ranges
 * wider than its list accepts, IPv6 where it takes none, counts over its limit). Empty when safe.
 */
export function safetyRefusals(
  ctx: PlanContext,
  mechanisms: Iterable<MechanismId>,
): PassageError[] {
  const picked = new Set(mechanisms)
  // The registry's order, not the caller's: the same refusals always come in the same order.
  const ordered = REGISTRY.filter((m) => picked.has(m.def.id))
  return [
    ...addressRefusals(ctx),
    ...domainRefusals(ctx, ordered),
    ...ordered.flatMap((m) => m.safety?.(ctx) ?? []),
  ]
}

/**
 * The refusals of design.md's safety rules (see {@link safetyRefusals}): throws one PassageError
 * for all of them, with the first one's code, when there is any.
 */
export function checkSafety(ctx: PlanContext, mechanisms: Iterable<MechanismId>): void {
  const refusals = safetyRefusals(ctx, mechanisms)
  if (refusals.length) throw aggregate(refusals)
}
