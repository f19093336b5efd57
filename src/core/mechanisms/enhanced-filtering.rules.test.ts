// Enhanced filtering on the MX gateway's inbound connector. Microsoft: with MX at a gateway,
// enhanced filtering lets Exchange see the true source (skip the gateway's IPs, or the last hop),
// and a mail flow rule that sets SCL -1 for the gateway's mail must then be disabled
// (defender-docs enhanced-filtering-for-connectors.md; office-docs-powershell
// Set-InboundConnector.md: EFSkipIPs, EFSkipLastIP). One rule per test (issue 18).
import { describe, expect, it } from 'vitest'
import type { SnapshotOptions } from '../model/test-fixtures.js'
import type { TransportRuleInput } from '../model/transport-rule.js'
import { COMMS, makeSnapshot, NOW, vendor } from '../planner/test-fixtures.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import type { PlanContext } from './context.js'
import { enhancedFiltering, gatewayBypassRules } from './enhanced-filtering.js'

function ctxOf(
  snapshot: SnapshotOptions = {},
  over: Partial<VendorProfileInput> = {},
): PlanContext {
  return {
    snapshot: makeSnapshot(snapshot),
    vendor: vendor({ ...COMMS, name: 'Acme', params: [], sending: { ips: [] }, ...over }),
    now: NOW,
    mode: 'recommended',
  }
}

const MX = {
  route: 'gateway' as const,
  gateway: 'Mimecast',
  hosts: ['mx.mimecast.com'],
  ips: ['203.0.113.0/28'],
}
const connector = (over: Record<string, unknown> = {}) => ({ Name: 'Mimecast Inbound', ...over })
const gateway = (
  rules: TransportRuleInput[] = [],
  connectors: Record<string, unknown>[] = [connector()],
  mx: Partial<typeof MX> = {},
): SnapshotOptions => ({
  mx: { ...MX, ...mx },
  rules,
  state: { inboundConnectors: connectors as never },
})

const scl = (over: Partial<TransportRuleInput>): TransportRuleInput => ({
  Name: 'Org rule',
  Priority: 0,
  SetSCL: -1,
  ...over,
})

describe("gatewayBypassRules: the tenant's SCL -1 rules for the gateway's mail", () => {
  const names = (ctx: PlanContext) => gatewayBypassRules(ctx).map((r) => r.Name)

  it("finds an enabled SCL -1 rule by the gateway's address, inside its block or around it", () => {
    expect(names(ctxOf(gateway([scl({ SenderIpRanges: ['203.0.113.5'] })])))).toEqual(['Org rule'])
    expect(names(ctxOf(gateway([scl({ SenderIpRanges: ['203.0.112.0/23'] })])))).toEqual([
      'Org rule',
    ])
  })

  it("finds it by the connector's addresses too", () => {
    const snap = gateway(
      [scl({ SenderIpRanges: ['198.51.100.7'] })],
      [connector({ SenderIPAddresses: ['198.51.100.0/24'] })],
    )
    expect(names(ctxOf(snap))).toEqual(['Org rule'])
  })

  it("finds it by the gateway's name, case-insensitively, when the name has over 2 letters", () => {
    expect(names(ctxOf(gateway([scl({ Name: 'Bypass MIMECAST' })])))).toEqual(['Bypass MIMECAST'])
    const short = gateway([scl({ Name: 'Bypass ab' })], [connector({ Name: 'ab' })], {
      gateway: 'ab',
    })
    expect(names(ctxOf(short))).toEqual([])
    const three = gateway([scl({ Name: 'Bypass abc' })], [connector({ Name: 'abc' })], {
      gateway: 'abc',
    })
    expect(names(ctxOf(three))).toEqual(['Bypass abc'])
  })

  it("ignores passage's own, disabled, other-SCL, unrelated or unparsable rules", () => {
    const rules = [
      scl({ Name: 'Mimecast passage', Priority: 0, Comments: 'managed-by=passage' }),
      scl({ Name: 'Mimecast off', Priority: 1, State: 'Disabled' }),
      scl({ Name: 'Mimecast scl 0', Priority: 2, SetSCL: 0 }),
      scl({ Name: 'Other', Priority: 3, SenderIpRanges: ['198.51.100.7', 'nope'] }),
    ]
    expect(names(ctxOf(gateway(rules)))).toEqual([])
  })

  it('finds none when MX points to Microsoft 365', () => {
    expect(names(ctxOf({ rules: [scl({ Name: 'Mimecast' })] }))).toEqual([])
  })
})

describe('enhanced filtering: notices', () => {
  it('names the SCL -1 rules to disable, in the singular or plural', () => {
    const one = enhancedFiltering.notices?.(ctxOf(gateway([scl({ Name: 'Mimecast bypass' })])))
    expect(one).toEqual([
      {
        rank: 15,
        text: "Disable 'Mimecast bypass' once enhanced filtering is on: this rule sets SCL -1 for the gateway's mail, and Microsoft says such a rule must be disabled with enhanced filtering (passage does not change rules it did not create).",
      },
    ])
    const two = enhancedFiltering.notices?.(
      ctxOf(gateway([scl({ Name: 'Mimecast a' }), scl({ Name: 'Mimecast b', Priority: 1 })])),
    )
    expect(two?.[0]?.text).toMatch(
      /^Disable 'Mimecast a', 'Mimecast b' once enhanced filtering is on: these rules set SCL -1/,
    )
  })

  it('says nothing without such a rule', () => {
    expect(enhancedFiltering.notices?.(ctxOf(gateway()))).toEqual([])
  })
})

describe('enhanced filtering: availability and what it serves', () => {
  it('needs MX at a gateway, and its enabled Partner connector', () => {
    expect(enhancedFiltering.availability(ctxOf())).toEqual({
      ok: false,
      reason: 'MX points at Microsoft 365: there is no gateway hop to skip',
    })
    expect(enhancedFiltering.availability(ctxOf(gateway([], [])))).toEqual({
      ok: false,
      reason:
        "no enabled Partner inbound connector for Mimecast was found; create the gateway's connector first",
    })
    expect(enhancedFiltering.availability(ctxOf(gateway()))).toEqual({ ok: true })
  })

  it('serves its own protection for anyone, and others only for the MX gateway itself', () => {
    const comms = ctxOf(gateway())
    expect(enhancedFiltering.serves?.('enhanced-filtering', comms)).toEqual({ ok: true })
    expect(enhancedFiltering.serves?.('anti-spam', comms)).toEqual({
      ok: false,
      reason:
        "it shows Exchange the true source behind the gateway but filters Acme's mail as before",
    })
    const gw = ctxOf(gateway(), { category: 'gateway-mx' })
    expect(enhancedFiltering.serves?.('anti-spam', gw)).toEqual({ ok: true })
  })
})

describe('enhanced filtering: the connector change', () => {
  const protections = ['enhanced-filtering' as const]

  it("skips the gateway's known IPs (MX addresses and a gateway vendor's own)", () => {
    const ctx = ctxOf(gateway(), { category: 'gateway-mx', sending: { ips: ['198.51.100.9'] } })
    expect(enhancedFiltering.build(ctx, protections)).toMatchObject([
      {
        surface: 'inbound-connector',
        op: 'update',
        mechanism: 'enhanced-filtering',
        protections,
        add: { EFSkipIPs: ['203.0.113.0/28', '198.51.100.9'] },
        summary:
          "Turn on enhanced filtering on 'Mimecast Inbound': skip the gateway's IPs: 203.0.113.0/28, 198.51.100.9",
      },
    ])
  })

  it("takes no other vendor's IPs as the gateway's", () => {
    const ctx = ctxOf(gateway(), { sending: { ips: ['198.51.100.9'] } })
    expect(enhancedFiltering.build(ctx, protections)[0]?.add).toEqual({
      EFSkipIPs: ['203.0.113.0/28'],
    })
  })

  it('skips the last hop when no gateway IP is known', () => {
    const ctx = ctxOf(gateway([], [connector()], { ips: [] }))
    expect(enhancedFiltering.build(ctx, protections)).toMatchObject([
      {
        set: { EFSkipLastIP: true },
        summary: "Turn on enhanced filtering on 'Mimecast Inbound': skip the last hop",
      },
    ])
  })

  it('changes nothing when the last hop is skipped already, the IPs are listed, or there is no connector', () => {
    expect(
      enhancedFiltering.build(ctxOf(gateway([], [connector({ EFSkipLastIP: true })])), protections),
    ).toEqual([])
    expect(
      enhancedFiltering.build(
        ctxOf(gateway([], [connector({ EFSkipIPs: ['203.0.113.0/28'] })])),
        protections,
      ),
    ).toEqual([])
    expect(enhancedFiltering.build(ctxOf(gateway([], [])), protections)).toEqual([])
    expect(enhancedFiltering.build(ctxOf(), protections)).toEqual([])
  })
})
