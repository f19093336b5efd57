import type { JsonObject } from '../change.js'
import { PassageError } from '../errors/index.js'
import { PHISH_SIM_POLICY_NAME } from '../model/advanced-delivery.js'
import { PASSAGE_MARKER } from '../model/common.js'
import { parseIpEntry, slash24, splitToSlash24 } from '../net/ip.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import { spoofKey, tablKey } from '../surfaces/tabl.js'
import {
  gatewayConnector,
  isOwnDomain,
  vendorAuthDomains,
  vendorSenderDomains,
  type PlanContext,
} from './context.js'
import { addEntries, create, setFields, type Draft, type DraftMeta } from './draft.js'

const asJson = (o: object) => o as unknown as JsonObject

function tablAllows(
  ctx: PlanContext,
  listType: 'Sender' | 'Url',
  values: string[],
  meta: DraftMeta,
  what: string,
): Draft[] {
  const items = ctx.snapshot.state.tabl.items
  const out: Draft[] = []
  for (const value of values) {
    const key = tablKey({
      ListType: listType,
      ListSubType: 'Tenant',
      Action: 'Allow',
      Value: value,
    })
    const existing = items.find((i) => tablKey(i) === key)
    // An entry in force satisfies the intent; an expired one is being removed by Exchange, and a
    // duplicate value cannot be added beside it, so neither is planned again.
    if (existing) continue
    out.push(
      create(
        'tabl-item',
        {
          ListType: listType,
          ListSubType: 'Tenant',
          Action: 'Allow',
          Value: value,
          RemoveAfter: 45,
          Notes: `${PASSAGE_MARKER} vendor=${ctx.vendor.id}`,
        },
        meta,
        `Allow ${what} ${value} in the Tenant Allow/Block List (kept until 45 days after last use)`,
      ),
    )
  }
  return out
}

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

/** Drafts for Tenant Allow/Block List, advanced delivery and enhanced filtering mechanisms. */
export function buildListMechanism(
  ctx: PlanContext,
  mechanism: MechanismId,
  protections: ProtectionId[],
): Draft[] {
  const meta: DraftMeta = { protections, mechanism }
  const v = ctx.vendor
  const st = ctx.snapshot.state
  switch (mechanism) {
    case 'tabl-sender-allow':
      return tablAllows(ctx, 'Sender', vendorSenderDomains(ctx), meta, 'sender domain')
    case 'tabl-url-allow':
      return tablAllows(
        ctx,
        'Url',
        v.sending.linkDomains.flatMap((d) => [d, `*.${d}`]),
        meta,
        'URL',
      )
    case 'tabl-spoof-allow': {
      const out: Draft[] = []
      for (const user of v.sending.headerFromDomains)
        for (const infra of spoofInfrastructure(ctx)) {
          const type = isOwnDomain(ctx, user) ? ('Internal' as const) : ('External' as const)
          const item = {
            Action: 'Allow',
            SpoofType: type,
            SpoofedUser: user,
            SendingInfrastructure: infra,
          }
          if (st.tabl.spoofItems.some((s) => spoofKey(s) === spoofKey(item))) continue
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
    }
    case 'advanced-delivery': {
      const out: Draft[] = []
      const policy = st.advancedDelivery.phishSimPolicy
      if (!policy)
        out.push(
          create(
            'phish-sim-policy',
            { Name: PHISH_SIM_POLICY_NAME, Enabled: true },
            meta,
            'Create the phishing simulation override policy',
          ),
        )
      else {
        const d = setFields(
          'phish-sim-policy',
          asJson(policy),
          { Enabled: true },
          meta,
          'Enable the phishing simulation override policy',
        )
        if (d) out.push(d)
      }
      const rule = st.advancedDelivery.phishSimRule
      const domains = vendorAuthDomains(ctx)
      const ips = v.sending.ips
      if (!rule)
        out.push({
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
        })
      else {
        const d1 = addEntries(
          'phish-sim-rule',
          asJson(rule),
          'Domains',
          domains,
          meta,
          `Add ${v.name}'s domains to advanced delivery`,
        )
        const base = d1?.after ?? asJson(rule)
        const d2 = addEntries(
          'phish-sim-rule',
          base,
          'SenderIpRanges',
          ips,
          meta,
          `Add ${v.name}'s IPs to advanced delivery`,
        )
        if (d1 && d2)
          out.push({
            ...d1,
            summary: `${d1.summary}; ${d2.summary}`,
            after: d2.after,
            add: { ...d1.add, ...d2.add },
          })
        else if (d1 ?? d2) out.push((d1 ?? d2) as Draft)
      }
      return out
    }
    case 'enhanced-filtering': {
      const c = gatewayConnector(ctx)
      if (!c || c.EFSkipLastIP) return []
      const mx = ctx.snapshot.mx
      const gatewayIps = [
        ...(mx.route === 'gateway' ? mx.ips : []),
        ...(v.category === 'gateway-mx' ? v.sending.ips : []),
      ]
      if (gatewayIps.length)
        return [
          addEntries(
            'inbound-connector',
            asJson(c),
            'EFSkipIPs',
            gatewayIps,
            meta,
            `Turn on enhanced filtering on '${c.Name}': skip the gateway's IPs`,
          ),
        ].filter((d): d is Draft => d !== null)
      return [
        setFields(
          'inbound-connector',
          asJson(c),
          { EFSkipLastIP: true },
          meta,
          `Turn on enhanced filtering on '${c.Name}': skip the last hop`,
        ),
      ].filter((d): d is Draft => d !== null)
    }
    default:
      throw new Error(`not a list mechanism: ${mechanism}`)
  }
}
