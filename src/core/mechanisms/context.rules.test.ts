// What the mechanisms read of the tenant: its own domains (never allow-listed), the policies in
// force (the default one and custom ones whose rule is enabled: defender-docs
// anti-spam-policies-configure.md, "custom policies apply by their rule"), the MX gateway's
// connector, and whether Exchange sees the true source (defender-docs
// enhanced-filtering-for-connectors.md). One rule per test (issue 18).
import { describe, expect, it } from 'vitest'
import type { SnapshotOptions } from '../model/test-fixtures.js'
import { COMMS, makeSnapshot, NOW, vendor } from '../planner/test-fixtures.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import {
  describeScope,
  gatewayConnector,
  isOwnDomain,
  ownDomains,
  policiesInForce,
  presetsInForce,
  trueSourceVisible,
  vendorAuthDomains,
  vendorSenderDomains,
  type PlanContext,
} from './context.js'

type Sending = NonNullable<VendorProfileInput['sending']>

function ctxOf(sending: Partial<Sending> = {}, snapshot: SnapshotOptions = {}): PlanContext {
  return {
    snapshot: makeSnapshot({
      acceptedDomains: [{ DomainName: 'Fabrikam.COM' }, { DomainName: 'fabrikam.onmicrosoft.com' }],
      ...snapshot,
    }),
    vendor: vendor({ ...COMMS, name: 'Acme', params: [], sending: { ips: [], ...sending } }),
    now: NOW,
    mode: 'recommended',
  }
}

describe("the tenant's own domains", () => {
  it('are its accepted domains, lower-cased', () => {
    expect(ownDomains(ctxOf())).toEqual(['fabrikam.com', 'fabrikam.onmicrosoft.com'])
  })

  it('include their subdomains, and nothing merely ending in the same letters', () => {
    const ctx = ctxOf()
    expect(isOwnDomain(ctx, 'fabrikam.com')).toBe(true)
    expect(isOwnDomain(ctx, 'mail.FABRIKAM.com')).toBe(true)
    expect(isOwnDomain(ctx, 'notfabrikam.com')).toBe(false)
  })

  it("are left out of the vendor's sender and authentication domains", () => {
    const ctx = ctxOf({
      envelopeDomains: ['acme-mail.com', 'bounce.fabrikam.com'],
      dkimDomains: ['acme-mail.com', 'dk.acme.com', 'fabrikam.com'],
      headerFromDomains: ['acme.com', 'fabrikam.com'],
    })
    expect(vendorSenderDomains(ctx)).toEqual(['acme-mail.com', 'dk.acme.com', 'acme.com'])
    // Advanced delivery matches MAIL FROM and DKIM domains only, each once.
    expect(vendorAuthDomains(ctx)).toEqual(['acme-mail.com', 'dk.acme.com'])
  })
})

describe('presets in force', () => {
  it('are the enabled preset rules of the kind asked', () => {
    const ctx = ctxOf(
      {},
      {
        presets: [
          { Name: 'Standard EOP', Preset: 'Standard', Kind: 'EOP' },
          { Name: 'Strict EOP', Preset: 'Strict', Kind: 'EOP', State: 'Disabled' },
          { Name: 'Standard ATP', Preset: 'Standard', Kind: 'ATP' },
        ],
      },
    )
    expect(presetsInForce(ctx, 'EOP').map((p) => p.Name)).toEqual(['Standard EOP'])
    expect(presetsInForce(ctx, 'ATP').map((p) => p.Name)).toEqual(['Standard ATP'])
  })
})

describe('describeScope: who a rule covers, in words', () => {
  const scope = (over: Record<string, string[]>) =>
    describeScope({
      Name: 'r',
      Priority: 0,
      State: 'Enabled',
      SentTo: [],
      SentToMemberOf: [],
      RecipientDomainIs: [],
      ExceptIfSentTo: [],
      ExceptIfSentToMemberOf: [],
      ExceptIfRecipientDomainIs: [],
      ...over,
    } as never)

  it('names users, groups and domains in that order', () => {
    expect(
      scope({
        RecipientDomainIs: ['contoso.com'],
        SentToMemberOf: ['finance@fabrikam.com'],
        SentTo: ['ann@fabrikam.com', 'bob@fabrikam.com'],
      }),
    ).toBe(
      'user ann@fabrikam.com, user bob@fabrikam.com, members of finance@fabrikam.com, everyone @contoso.com',
    )
  })

  it('says everyone for a rule without conditions', () => {
    expect(scope({})).toBe('everyone')
  })
})

describe('policiesInForce: the default policy and custom ones with an enabled rule', () => {
  const policies = [
    { Name: 'Default', IsDefault: true },
    { Name: 'Built-In Protection Policy', IsBuiltInProtection: true, IsDefault: true },
    { Name: 'Finance' },
    { Name: 'Sales' },
    { Name: 'Orphan' },
  ]
  const rule = (name: string, state: 'Enabled' | 'Disabled') =>
    ({ Name: `${name} rule`, Policy: name, State: state }) as never
  const byPolicy = (r: { Policy?: string }) => r.Policy ?? ''

  it('takes custom policies by an enabled rule naming them (in any case), never the built-in one', () => {
    const inForce = policiesInForce(
      policies,
      [rule('FINANCE', 'Enabled'), rule('Sales', 'Disabled')],
      byPolicy as never,
    )
    expect(inForce.map((p) => p.Name)).toEqual(['Default', 'Finance'])
  })

  it('takes only the default policy when no rule is enabled', () => {
    expect(policiesInForce(policies, [], byPolicy as never).map((p) => p.Name)).toEqual(['Default'])
  })
})

describe("gatewayConnector: the inbound connector carrying the MX gateway's mail", () => {
  const gateway = (inboundConnectors: Record<string, unknown>[]) => ({
    mx: {
      route: 'gateway' as const,
      gateway: 'Mimecast',
      hosts: ['mx.mimecast.com'],
      ips: ['203.0.113.1'],
    },
    state: { inboundConnectors: inboundConnectors as never },
  })
  const name = (ctx: PlanContext) => gatewayConnector(ctx)?.Name ?? null

  it('is none when MX points to Microsoft 365', () => {
    expect(
      name(ctxOf({}, { state: { inboundConnectors: [{ Name: 'Mimecast Inbound' }] as never } })),
    ).toBeNull()
  })

  it("is found by the gateway's name first, case-insensitively", () => {
    const ctx = ctxOf(
      {},
      gateway([{ Name: 'By IP', SenderIPAddresses: ['203.0.113.1'] }, { Name: 'From MIMECAST' }]),
    )
    expect(name(ctx)).toBe('From MIMECAST')
  })

  it("is found by the gateway's address next", () => {
    const ctx = ctxOf(
      {},
      gateway([
        { Name: 'Other', SenderIPAddresses: ['198.51.100.1'] },
        { Name: 'By IP', SenderIPAddresses: ['198.51.100.2', '203.0.113.1'] },
      ]),
    )
    expect(name(ctx)).toBe('By IP')
  })

  it('is the only enabled Partner connector when neither matches, and none when several do', () => {
    expect(name(ctxOf({}, gateway([{ Name: 'Only' }])))).toBe('Only')
    expect(name(ctxOf({}, gateway([{ Name: 'A' }, { Name: 'B' }])))).toBeNull()
    expect(name(ctxOf({}, gateway([])))).toBeNull()
  })

  it('is never a disabled or on-premises connector', () => {
    const ctx = ctxOf(
      {},
      gateway([
        { Name: 'Mimecast off', Enabled: false },
        {
          Name: 'Mimecast on-prem',
          ConnectorType: 'OnPremises',
          SenderIPAddresses: ['203.0.113.1'],
        },
        { Name: 'Partner' },
      ]),
    )
    expect(name(ctx)).toBe('Partner')
  })
})

describe('trueSourceVisible: Exchange sees the original sending IP', () => {
  const gateway = (connector: Record<string, unknown>) => ({
    mx: { route: 'gateway' as const, gateway: 'Mimecast', hosts: [], ips: [] },
    state: { inboundConnectors: [{ Name: 'Mimecast', ...connector }] as never },
  })

  it('with MX at Microsoft 365', () => {
    expect(trueSourceVisible(ctxOf())).toBe(true)
  })

  it("behind a gateway only with enhanced filtering on the gateway's connector", () => {
    expect(trueSourceVisible(ctxOf({}, gateway({})))).toBe(false)
    expect(trueSourceVisible(ctxOf({}, gateway({ EFSkipLastIP: true })))).toBe(true)
    expect(trueSourceVisible(ctxOf({}, gateway({ EFSkipIPs: ['203.0.113.1'] })))).toBe(true)
    expect(trueSourceVisible(ctxOf({}, { ...gateway({}), state: { inboundConnectors: [] } }))).toBe(
      false,
    )
  })
})
