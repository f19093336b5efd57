import { PassageError } from '../errors/index.js'
import { ADVANCED_DELIVERY_LIMITS, PHISH_SIM_POLICY_NAME } from '../model/advanced-delivery.js'
import { parseIpEntry } from '../net/ip.js'
import { trueSourceVisible, vendorAuthDomains, type PlanContext } from './context.js'
import { addEntries, create, setFields, type Draft, type DraftMeta } from './draft.js'
import { asJson, no, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

const mechanism = 'advanced-delivery'

/** Refusals of its own: IPv6, the MX gateway's address, more IPs than it takes. */
function safety(ctx: PlanContext): PassageError[] {
  const v = ctx.vendor
  const out: PassageError[] = []
  const details = { mechanism }
  for (const ip of v.sending.ips)
    if (parseIpEntry(ip)?.family === 'ipv6')
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_ADDRESS',
          `${ip}: advanced delivery takes IPv4 sending IPs only.`,
          { details },
        ),
      )
  const mx = ctx.snapshot.mx
  if (mx.route === 'gateway') {
    const gw = v.sending.ips.filter((ip) => mx.ips.includes(ip))
    if (gw.length)
      out.push(
        new PassageError(
          'PASSAGE_E_REFUSED_UNSAFE',
          `${gw.join(', ')} ${gw.length > 1 ? 'are' : 'is'} the MX gateway's address: in advanced delivery it would exempt anyone spoofing the simulation domains.`,
          { details },
        ),
      )
  }
  if (v.sending.ips.length > ADVANCED_DELIVERY_LIMITS.maxSenderIpRanges)
    out.push(
      new PassageError(
        'PASSAGE_E_REFUSED_LIMIT',
        `${v.name} has ${v.sending.ips.length} sending IP entries; advanced delivery takes at most ${ADVANCED_DELIVERY_LIMITS.maxSenderIpRanges}.`,
        { details },
      ),
    )
  return out
}

/** The phishing simulation override policy, enabled. */
function policy(ctx: PlanContext, meta: DraftMeta): Draft | null {
  const existing = ctx.snapshot.state.advancedDelivery.phishSimPolicy
  if (!existing)
    return create(
      'phish-sim-policy',
      { Name: PHISH_SIM_POLICY_NAME, Enabled: true },
      meta,
      'Create the phishing simulation override policy',
    )
  return setFields(
    'phish-sim-policy',
    asJson(existing),
    { Enabled: true },
    meta,
    'Enable the phishing simulation override policy',
  )
}

/** The override rule holding the vendor's domains AND IPs (a message must match both). */
function rule(ctx: PlanContext, meta: DraftMeta): Draft | null {
  const v = ctx.vendor
  const existing = ctx.snapshot.state.advancedDelivery.phishSimRule
  const domains = vendorAuthDomains(ctx)
  const ips = v.sending.ips
  if (!existing)
    return {
      ...create(
        'phish-sim-rule',
        {
          Name: '_Exe:PhishSimOverr:(assigned by Exchange)',
          Policy: PHISH_SIM_POLICY_NAME,
          Domains: domains,
          SenderIpRanges: ips,
        },
        meta,
        `Add ${v.name}'s domains and IPs to advanced delivery: ${[...domains, ...ips].join(', ')}`,
      ),
      after_targets: [`phish-sim-policy:${PHISH_SIM_POLICY_NAME.toLowerCase()}`],
    }
  const d1 = addEntries(
    'phish-sim-rule',
    asJson(existing),
    'Domains',
    domains,
    meta,
    `Add ${v.name}'s domains to advanced delivery`,
  )
  const d2 = addEntries(
    'phish-sim-rule',
    d1?.after ?? asJson(existing),
    'SenderIpRanges',
    ips,
    meta,
    `Add ${v.name}'s IPs to advanced delivery`,
  )
  // One update of the rule, adding what is missing of both lists.
  if (d1 && d2)
    return {
      ...d1,
      summary: `${d1.summary}; ${d2.summary}`,
      after: d2.after,
      add: { ...d1.add, ...d2.add },
    }
  return d1 ?? d2
}

/** Microsoft's supported override for phishing simulations (advanced delivery). */
export const advancedDelivery: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'advanced-delivery',
    needs: "any licence; MX at Microsoft 365 or enhanced filtering on the gateway's connector",
    title: 'Advanced delivery override (domain AND sending IP)',
    risk: 'low',
    riskReason:
      'Microsoft’s supported override for simulations: a message must match a vendor domain and a vendor IP; malware is still scanned.',
    needsDefender: false,
    categories: ['phishing-simulation'],
  },
  allowsByDomain: true,
  availability(ctx) {
    const v = ctx.vendor
    if (!v.sending.ips.length) return no(`${v.name} has no sending IPs to match`)
    if (!vendorAuthDomains(ctx).length)
      return no(`${v.name} has no MAIL FROM or DKIM domains of its own to match`)
    return yes
  },
  safety,
  // Advanced delivery matches the original sending IP, which Exchange sees behind a gateway only
  // with enhanced filtering.
  requires(ctx) {
    if (trueSourceVisible(ctx)) return null
    return {
      mechanism: 'enhanced-filtering',
      protection: 'enhanced-filtering',
      why: 'advanced delivery needs the true source IP behind the gateway',
      notice:
        'Enhanced filtering was added: advanced delivery matches the original sending IP, which Exchange sees behind a gateway only with enhanced filtering.',
      needs: 'Advanced delivery needs enhanced filtering when MX points at a gateway',
    }
  },
  build(ctx, protections) {
    const meta: DraftMeta = { protections, mechanism }
    return [policy(ctx, meta), rule(ctx, meta)].filter((d): d is Draft => d !== null)
  },
}
