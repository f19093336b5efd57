// Tenant Allow/Block List spoofed-sender allows. Microsoft: an entry pairs a spoofed user (a domain,
// or the wildcard on one side only) with a sending infrastructure (a DKIM/PTR domain, or the /24 of
// an address without PTR); an Internal entry takes a full address (defender-docs
// tenant-allow-block-list-email-spoof-configure.md; office-docs-powershell
// New-TenantAllowBlockListSpoofItems.md). For an in-and-out relay, one External and one Internal
// entry with the wildcard (defender-docs mdo-integrate-security-service.md). One rule per test.
import { describe, expect, it } from 'vitest'
import { isPassageError } from '../errors/index.js'
import type { SnapshotOptions } from '../model/test-fixtures.js'
import { acmeContext } from '../planner/test-fixtures.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import type { PlanContext } from './context.js'
import { tablSpoofAllow } from './tabl-spoof-allow.js'

type Sending = NonNullable<VendorProfileInput['sending']>

const ctxOf = (
  sending: Partial<Sending>,
  category: VendorProfileInput['category'] = 'marketing',
  snapshot: SnapshotOptions = {},
): PlanContext => acmeContext({ category, sending: { ips: [], ...sending } }, snapshot)

const protections = ['spoof' as const]
const pairs = (ctx: PlanContext) =>
  tablSpoofAllow
    .build(ctx, protections)
    .map((d) => [d.after?.SpoofType, d.after?.SpoofedUser, d.after?.SendingInfrastructure])

describe('spoof allows: the pairs planned', () => {
  it("pairs each of the vendor's From domains with its DKIM domains, External", () => {
    const ctx = ctxOf({
      ips: ['3.93.243.176'],
      dkimDomains: ['dk.acme.com', 'dk2.acme.com'],
      headerFromDomains: ['acme.com', 'fabrikam.com'],
    })
    expect(pairs(ctx)).toEqual([
      ['External', 'acme.com', 'dk.acme.com'],
      ['External', 'acme.com', 'dk2.acme.com'],
    ])
    expect(tablSpoofAllow.build(ctx, protections)[0]).toMatchObject({
      surface: 'tabl-spoof',
      op: 'create',
      mechanism: 'tabl-spoof-allow',
      protections,
      summary: 'Allow acme.com sent through dk.acme.com (external spoof)',
      after: { Action: 'Allow' },
    })
  })

  it('pairs with the /24 of each sending address when there is no DKIM domain, once each', () => {
    const ctx = ctxOf({
      ips: [
        '3.93.243.176',
        '3.93.243.9',
        '3.93.244.0/25',
        '3.93.245.1-3.93.245.9',
        '3.93.247.9/24',
        '2606:4700::1',
        'nope',
      ],
      headerFromDomains: ['acme.com'],
    })
    expect(pairs(ctx)).toEqual([
      ['External', 'acme.com', '3.93.243.0/24'],
      ['External', 'acme.com', '3.93.244.0/24'],
      ['External', 'acme.com', '3.93.245.0/24'],
      ['External', 'acme.com', '3.93.247.0/24'],
    ])
  })

  it('splits a wider block into its /24s, up to 16 of them', () => {
    const ctx = ctxOf({ ips: ['3.93.0.0/22'], headerFromDomains: ['acme.com'] })
    expect(pairs(ctx).map((p) => p[2])).toEqual([
      '3.93.0.0/24',
      '3.93.1.0/24',
      '3.93.2.0/24',
      '3.93.3.0/24',
    ])
    expect(pairs(ctxOf({ ips: ['3.93.0.0/20'], headerFromDomains: ['acme.com'] }))).toHaveLength(16)
    // A short range across a /24 boundary takes both blocks.
    const across = ctxOf({ ips: ['3.93.245.200-3.93.246.3'], headerFromDomains: ['acme.com'] })
    expect(pairs(across).map((p) => p[2])).toEqual(['3.93.245.0/24', '3.93.246.0/24'])
  })

  it('refuses a block of more than 16 /24s', () => {
    const ctx = ctxOf({ ips: ['3.93.0.0/19'], headerFromDomains: ['acme.com'] })
    let refusal: { code: string; message: string } | null = null
    try {
      tablSpoofAllow.build(ctx, protections)
    } catch (e) {
      if (!isPassageError(e)) throw e
      refusal = { code: e.code, message: e.message }
    }
    expect(refusal).toEqual({
      code: 'PASSAGE_E_REFUSED_CIDR',
      message:
        '3.93.0.0/19 spans more than 16 /24 blocks; spoofed-sender entries take one /24 each.',
    })
  })

  it('plans an External and an Internal wildcard pair per /24 for an in-and-out relay', () => {
    const ctx = ctxOf(
      { ips: ['3.93.243.176', '3.93.243.177'], dkimDomains: ['dk.relay.com'] },
      'inbound-relay',
    )
    expect(pairs(ctx)).toEqual([
      ['External', '*', '3.93.243.0/24'],
      ['Internal', '*', '3.93.243.0/24'],
    ])
    expect(tablSpoofAllow.build(ctx, protections).map((d) => d.summary)).toEqual([
      'Allow any sender sent through 3.93.243.0/24 (external spoof)',
      'Allow any sender sent through 3.93.243.0/24 (internal spoof)',
    ])
  })

  it('skips a pair listed already', () => {
    const ctx = ctxOf({ ips: ['3.93.243.176'] }, 'inbound-relay', {
      state: {
        tabl: {
          spoofItems: [
            {
              Action: 'Allow',
              SpoofType: 'External',
              SpoofedUser: '*',
              SendingInfrastructure: '3.93.243.0/24',
            },
          ],
        },
      },
    })
    expect(pairs(ctx)).toEqual([['Internal', '*', '3.93.243.0/24']])
  })
})

describe('spoof allows: availability', () => {
  it('needs an IPv4 address for a relay', () => {
    expect(tablSpoofAllow.availability(ctxOf({ ips: ['2606:4700::1'] }, 'inbound-relay'))).toEqual({
      ok: false,
      reason: 'Acme has no IPv4 relay address to pair with',
    })
    expect(
      tablSpoofAllow.availability(
        ctxOf({ ips: ['2606:4700::1', '3.93.243.176'] }, 'inbound-relay'),
      ),
    ).toEqual({ ok: true })
  })

  it('needs IPs or a DKIM domain for anyone else', () => {
    expect(tablSpoofAllow.availability(ctxOf({ headerFromDomains: ['acme.com'] }))).toEqual({
      ok: false,
      reason: 'Acme has no sending infrastructure (IPs or DKIM domain) to pair with',
    })
    expect(
      tablSpoofAllow.availability(
        ctxOf({ dkimDomains: ['dk.acme.com'], headerFromDomains: ['acme.com'] }),
      ),
    ).toEqual({ ok: true })
    expect(
      tablSpoofAllow.availability(
        ctxOf({ ips: ['3.93.243.176'], headerFromDomains: ['acme.com'] }),
      ),
    ).toEqual({ ok: true })
  })

  it("needs a From domain that is not the tenant's own", () => {
    expect(
      tablSpoofAllow.availability(
        ctxOf({ ips: ['3.93.243.176'], headerFromDomains: ['fabrikam.com'] }),
      ),
    ).toEqual({
      ok: false,
      reason:
        'Acme sends as your own domains: fix SPF and DKIM for them instead of allowing spoofing (an Internal spoofed-sender entry takes one full address, not a domain)',
    })
  })
})

describe('spoof allows: notices', () => {
  it('tells a relay how its /24 entries match, and nothing about own domains', () => {
    const notices = tablSpoofAllow.notices?.(
      ctxOf({ ips: ['3.93.243.176'], headerFromDomains: ['fabrikam.com'] }, 'inbound-relay'),
    )
    expect(notices?.map((n) => n.rank)).toEqual([21])
    expect(notices?.[0]?.text).toMatch(
      /^Spoofed-sender allows \(External and Internal, any sender\) are planned for Acme's relay addresses, each as its \/24/,
    )
  })

  it("names the tenant's own From domains no allow is planned for", () => {
    expect(
      tablSpoofAllow.notices?.(
        ctxOf({
          ips: ['3.93.243.176'],
          headerFromDomains: ['acme.com', 'fabrikam.com', 'mail.fabrikam.com'],
        }),
      ),
    ).toEqual([
      {
        rank: 22,
        text: 'No spoofed-sender allow is planned for fabrikam.com, mail.fabrikam.com: they are your own domains, and an Internal entry takes one full address, not a domain. Fix SPF, DKIM and DMARC for them instead.',
      },
    ])
    expect(tablSpoofAllow.notices?.(ctxOf({ headerFromDomains: ['acme.com'] }))).toEqual([])
  })
})
