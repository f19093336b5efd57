// Advanced delivery (the phishing simulation override): when it works, what it needs behind a
// gateway, and the policy and rule it plans. Microsoft: the override rule matches a message only
// when both a listed domain and a listed sending IP match, and the policy must be on
// (defender-docs advanced-delivery-policy-configure.md; office-docs-powershell
// New-ExoPhishSimOverrideRule.md: at most 10 SenderIpRanges). One rule per test (issue 18).
import { describe, expect, it } from 'vitest'
import type { TenantSnapshot } from '../model/snapshot.js'
import { makeSnapshot, NOW, SIMULATOR, vendor } from '../planner/test-fixtures.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import { advancedDelivery } from './advanced-delivery.js'
import type { PlanContext } from './context.js'

type Sending = NonNullable<VendorProfileInput['sending']>

function ctxOf(sending: Partial<Sending>, snapshot: TenantSnapshot = makeSnapshot()): PlanContext {
  return {
    snapshot,
    vendor: vendor({ ...SIMULATOR, name: 'Sim', params: [], sending: { ips: [], ...sending } }),
    now: NOW,
    mode: 'recommended',
  }
}

const SIM = { ips: ['23.21.109.197'], envelopeDomains: ['sim-mail.com'] }

const gateway = (connectors: Record<string, unknown>[] = []) =>
  makeSnapshot({
    mx: { route: 'gateway', gateway: 'Mimecast', hosts: ['mx.mimecast.com'], ips: ['203.0.113.1'] },
    state: { inboundConnectors: connectors as never },
  })

describe('advanced delivery: availability', () => {
  it('needs sending IPs: the override matches a domain AND an IP', () => {
    expect(advancedDelivery.availability(ctxOf({ envelopeDomains: ['sim-mail.com'] }))).toEqual({
      ok: false,
      reason: 'Sim has no sending IPs to match',
    })
  })

  it("needs a MAIL FROM or DKIM domain that is not the tenant's own", () => {
    const reason = 'Sim has no MAIL FROM or DKIM domains of its own to match'
    expect(advancedDelivery.availability(ctxOf({ ips: ['23.21.109.197'] }))).toEqual({
      ok: false,
      reason,
    })
    expect(
      advancedDelivery.availability(
        ctxOf({ ips: ['23.21.109.197'], envelopeDomains: ['fabrikam.com'] }),
      ),
    ).toEqual({ ok: false, reason })
    expect(
      advancedDelivery.availability(ctxOf({ ips: ['23.21.109.197'], dkimDomains: ['sim.net'] })),
    ).toEqual({ ok: true })
    expect(advancedDelivery.availability(ctxOf(SIM))).toEqual({ ok: true })
  })
})

describe('advanced delivery: what it requires', () => {
  it('requires nothing when MX points to Microsoft 365 (the true source IP is seen)', () => {
    expect(advancedDelivery.requires?.(ctxOf(SIM))).toBeNull()
  })

  it('requires nothing behind a gateway whose connector has enhanced filtering on', () => {
    const on = gateway([
      { Name: 'Mimecast Inbound', SenderIPAddresses: ['203.0.113.1'], EFSkipLastIP: true },
    ])
    expect(advancedDelivery.requires?.(ctxOf(SIM, on))).toBeNull()
  })

  it('requires enhanced filtering behind a gateway without it, saying why', () => {
    const off = gateway([{ Name: 'Mimecast Inbound', SenderIPAddresses: ['203.0.113.1'] }])
    expect(advancedDelivery.requires?.(ctxOf(SIM, off))).toEqual({
      mechanism: 'enhanced-filtering',
      protection: 'enhanced-filtering',
      why: 'advanced delivery needs the true source IP behind the gateway',
      notice:
        'Enhanced filtering was added: advanced delivery matches the original sending IP, which Exchange sees behind a gateway only with enhanced filtering.',
      needs: 'Advanced delivery needs enhanced filtering when MX points at a gateway',
    })
  })
})

describe('advanced delivery: its own refusals', () => {
  it('leaves an unparsable entry to the general refusal (no IPv6 refusal, no crash)', () => {
    expect(advancedDelivery.safety?.(ctxOf({ ...SIM, ips: ['nope'] }))).toEqual([])
  })

  it("does not compare the vendor's IPs with the gateway's when MX points to Microsoft 365", () => {
    expect(advancedDelivery.safety?.(ctxOf({ ...SIM, ips: ['203.0.113.1'] }))).toEqual([])
  })
})

describe('advanced delivery: the policy and rule it plans', () => {
  const protections = ['advanced-delivery' as const]
  const build = (ctx: PlanContext) => advancedDelivery.build(ctx, protections)
  const withState = (advanced: Record<string, unknown>) =>
    makeSnapshot({ state: { advancedDelivery: advanced as never } })

  it('creates the policy, enabled, and the rule with both domains and IPs, after the policy', () => {
    const [policy, rule, ...rest] = build(ctxOf({ ...SIM, dkimDomains: ['dk.sim-mail.com'] }))
    expect(rest).toEqual([])
    expect(policy).toMatchObject({
      surface: 'phish-sim-policy',
      op: 'create',
      mechanism: 'advanced-delivery',
      protections,
      summary: 'Create the phishing simulation override policy',
      after: { Name: 'PhishSimOverridePolicy', Enabled: true },
    })
    expect(rule).toMatchObject({
      surface: 'phish-sim-rule',
      op: 'create',
      mechanism: 'advanced-delivery',
      summary:
        "Add Sim's domains and IPs to advanced delivery: sim-mail.com, dk.sim-mail.com, 23.21.109.197",
      after: {
        Name: '_Exe:PhishSimOverr:(assigned by Exchange)',
        Policy: 'PhishSimOverridePolicy',
        Domains: ['sim-mail.com', 'dk.sim-mail.com'],
        SenderIpRanges: ['23.21.109.197'],
      },
      after_targets: ['phish-sim-policy:phishsimoverridepolicy'],
    })
  })

  it('enables a disabled policy, and leaves an enabled one alone', () => {
    const rule = {
      Name: '_Exe:PhishSimOverr:1',
      Domains: ['sim-mail.com'],
      SenderIpRanges: SIM.ips,
    }
    const disabled = build(
      ctxOf(SIM, withState({ phishSimPolicy: { Enabled: false }, phishSimRule: rule })),
    )
    expect(disabled).toHaveLength(1)
    expect(disabled[0]).toMatchObject({
      surface: 'phish-sim-policy',
      op: 'update',
      set: { Enabled: true },
      summary: 'Enable the phishing simulation override policy',
    })
    expect(
      build(ctxOf(SIM, withState({ phishSimPolicy: { Enabled: true }, phishSimRule: rule }))),
    ).toEqual([])
  })

  it('adds the missing domains and IPs to an existing rule in one update', () => {
    const ctx = ctxOf(
      { ips: ['23.21.109.197', '23.21.109.198'], envelopeDomains: ['sim-mail.com', 'sim2.com'] },
      withState({
        phishSimPolicy: { Enabled: true },
        phishSimRule: {
          Name: '_Exe:PhishSimOverr:1',
          Domains: ['sim-mail.com', 'other.com'],
          SenderIpRanges: ['23.21.109.197'],
        },
      }),
    )
    const drafts = build(ctx)
    expect(drafts).toHaveLength(1)
    expect(drafts[0]).toMatchObject({
      surface: 'phish-sim-rule',
      op: 'update',
      add: { Domains: ['sim2.com'], SenderIpRanges: ['23.21.109.198'] },
      summary:
        "Add Sim's domains to advanced delivery: sim2.com; Add Sim's IPs to advanced delivery: 23.21.109.198",
      after: {
        Domains: ['sim-mail.com', 'other.com', 'sim2.com'],
        SenderIpRanges: ['23.21.109.197', '23.21.109.198'],
      },
    })
  })

  it('adds only what is missing: domains alone, or IPs alone', () => {
    const existing = (Domains: string[], SenderIpRanges: string[]) =>
      withState({
        phishSimPolicy: { Enabled: true },
        phishSimRule: { Name: '_Exe:PhishSimOverr:1', Domains, SenderIpRanges },
      })
    const domainsOnly = build(ctxOf(SIM, existing([], SIM.ips)))
    expect(domainsOnly.map((d) => [d.summary, d.add, d.after?.SenderIpRanges])).toEqual([
      [
        "Add Sim's domains to advanced delivery: sim-mail.com",
        { Domains: ['sim-mail.com'] },
        ['23.21.109.197'],
      ],
    ])
    const ipsOnly = build(ctxOf(SIM, existing(['sim-mail.com'], [])))
    expect(ipsOnly.map((d) => [d.summary, d.add, d.after?.Domains])).toEqual([
      [
        "Add Sim's IPs to advanced delivery: 23.21.109.197",
        { SenderIpRanges: ['23.21.109.197'] },
        ['sim-mail.com'],
      ],
    ])
  })
})
