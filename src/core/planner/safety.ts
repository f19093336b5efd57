import { PassageError } from '../errors/index.js'
import { isOwnDomain, REGISTRY, type Mechanism, type PlanContext } from '../mechanisms/index.js'
import { sharedDomainReason } from '../net/domain.js'
import {
  forbiddenBlock,
  PASSAGE_WIDEST,
  parseIpEntry,
  sharedInfrastructure,
  widerThan,
} from '../net/ip.js'
import type { MechanismId } from '../protections/ids.js'
import { senderDomains } from '../vendor/resolve.js'
import { aggregate } from './diagnostics.js'

/** Refusals for the vendor's addresses, whatever the mechanism: unparsable, private, absurdly wide. */
function addressRefusals(ctx: PlanContext): PassageError[] {
  const v = ctx.vendor
  const out: PassageError[] = []
  for (const ip of v.sending.ips) {
    const e = parseIpEntry(ip)
    // The forbidden block it touches: any part of it private, reserved or Microsoft's refuses it.
    const b = e && forbiddenBlock(e)
    if (!e)
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_ADDRESS',
          `${v.name}: '${ip}' is not an IP address, CIDR or range.`,
        ),
      )
    else if (b)
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_ADDRESS',
          `${v.name}: ${ip} is a ${e.range} address, not a public internet sender (it includes ${b.cidr}, ${b.name}: ${b.why}).`,
        ),
      )
    else if (widerThan(e, PASSAGE_WIDEST))
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_CIDR',
          `${v.name}: ${ip} covers ${e.size} addresses; passage accepts at most an IPv4 /${PASSAGE_WIDEST.ipv4Prefix} or an IPv6 /${PASSAGE_WIDEST.ipv6Prefix} per entry.`,
        ),
      )
    else {
      const esp = sharedInfrastructure(e)
      if (esp)
        out.push(
          new PassageError(
            'PASSAGE_E_REFUSED_CIDR',
            `${v.name}: ${ip} takes in ${esp.provider}'s shared sending block ${esp.cidr} (${esp.source}); every ${esp.provider} customer sends from it.`,
            { hint: "Give the vendor's dedicated sending addresses (a /24 or narrower)." },
          ),
        )
    }
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
  // Link and tracking domains become URL allows: the tenant's own never does, whatever the
  // vendor (an allow for it would cover any link an attacker makes look like the tenant's).
  const ownLinks = v.sending.linkDomains.filter((d) => isOwnDomain(ctx, d))
  if (ownLinks.length)
    out.push(
      new PassageError(
        'PASSAGE_E_REFUSED_OWN_DOMAIN',
        `${ownLinks.join(', ')} ${ownLinks.length > 1 ? 'are' : 'is'} this tenant's own domain; passage never allow-lists its links as a vendor's tracking domain.`,
        { hint: "Give the vendor's own tracking or link domain." },
      ),
    )
  for (const d of new Set([...senderDomains(v), ...v.sending.linkDomains])) {
    const r = sharedDomainReason(d)
    if (r)
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_SHARED_DOMAIN',
          `${d} is on the ${r.list} list (${r.matched}, from ${r.source}): ${r.why}`,
          { hint: r.instead },
        ),
      )
  }
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
