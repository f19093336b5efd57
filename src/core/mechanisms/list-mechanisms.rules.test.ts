// The mechanisms that add the vendor to a list: the connection filter IP Allow List
// (office-docs-powershell Set-HostedConnectionFilterPolicy.md: IPAllowList), Tenant Allow/Block
// List sender and URL allows (defender-docs tenant-allow-block-list-urls-configure.md, URL syntax:
// a Tenant allow takes no left wildcard; advanced delivery's simulation URLs take `*.host/*`), and
// the two mechanisms passage lists only to refuse: spoof intelligence off and the connection
// filter safe list (Set-HostedConnectionFilterPolicy.md: EnableSafeList is reserved for internal
// Microsoft use). One rule per test (issue 18).
import { describe, expect, it } from 'vitest'
import { isPassageError } from '../errors/index.js'
import type { SnapshotOptions } from '../model/test-fixtures.js'
import { acmeContext } from '../planner/test-fixtures.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import type { PlanContext } from './context.js'
import { disableSpoofIntelligence } from './disable-spoof-intelligence.js'
import { ipAllow } from './ip-allow.js'
import { safeList } from './safe-list.js'
import { tablSenderAllow } from './tabl-sender-allow.js'
import { tablUrlAllow, urlEntries } from './tabl-url-allow.js'

type Sending = NonNullable<VendorProfileInput['sending']>

const ctxOf = (
  sending: Partial<Sending> = {},
  category: VendorProfileInput['category'] = 'marketing',
  snapshot: SnapshotOptions = {},
): PlanContext => acmeContext({ category, sending: { ips: [], ...sending } }, snapshot)

describe('connection filter IP Allow List', () => {
  it("adds the vendor's IPs not listed yet", () => {
    const ctx = ctxOf({ ips: ['3.93.243.176', '3.93.243.177'] }, 'marketing', {
      state: { connectionFilter: { IPAllowList: ['3.93.243.176'] } },
    })
    expect(ipAllow.build(ctx, ['connection-filter'])).toMatchObject([
      {
        surface: 'connection-filter',
        op: 'update',
        mechanism: 'ip-allow',
        protections: ['connection-filter'],
        add: { IPAllowList: ['3.93.243.177'] },
        summary: "Add Acme's IPs to the connection filter IP Allow List: 3.93.243.177",
      },
    ])
    const all = ctxOf({ ips: ['3.93.243.176'] }, 'marketing', {
      state: { connectionFilter: { IPAllowList: ['3.93.243.176'] } },
    })
    expect(ipAllow.build(all, [])).toEqual([])
  })

  it('needs sending IPs', () => {
    expect(ipAllow.availability(ctxOf())).toEqual({ ok: false, reason: 'Acme has no sending IPs' })
    expect(ipAllow.availability(ctxOf({ ips: ['3.93.243.176'] }))).toEqual({ ok: true })
  })

  it('takes a /24 and a range of exactly 256 addresses', () => {
    expect(ipAllow.safety?.(ctxOf({ ips: ['3.93.243.0/24', '3.93.243.0-3.93.243.255'] }))).toEqual(
      [],
    )
  })
})

describe('Tenant Allow/Block List sender allow', () => {
  it("allows the vendor's own sender domains", () => {
    const ctx = ctxOf({ envelopeDomains: ['acme-mail.com'], headerFromDomains: ['fabrikam.com'] })
    expect(
      tablSenderAllow.build(ctx, ['tabl']).map((d) => [d.target, d.mechanism, d.protections]),
    ).toEqual([['Sender:Tenant:Allow:acme-mail.com', 'tabl-sender-allow', ['tabl']]])
    expect(tablSenderAllow.build(ctx, [])[0]?.summary).toBe(
      'Allow sender domain acme-mail.com in the Tenant Allow/Block List (kept until 45 days after last use)',
    )
  })

  it('has nothing to allow for a relay or gateway, or a vendor sending as the tenant', () => {
    for (const category of ['inbound-relay', 'gateway-mx'] as const)
      expect(
        tablSenderAllow.availability(ctxOf({ envelopeDomains: ['acme.com'] }, category)),
      ).toEqual({
        ok: false,
        reason:
          'a relay or gateway forwards mail from every sender: there is no vendor sender domain to allow',
      })
    expect(tablSenderAllow.availability(ctxOf({ headerFromDomains: ['fabrikam.com'] }))).toEqual({
      ok: false,
      reason: 'Acme sends as your own domains: there is no vendor domain to allow',
    })
    expect(tablSenderAllow.availability(ctxOf({ envelopeDomains: ['acme.com'] }))).toEqual({
      ok: true,
    })
  })
})

describe('Tenant Allow/Block List URL allow', () => {
  it('allows each host and its paths, once, without a left wildcard', () => {
    expect(
      urlEntries(ctxOf({ linkDomains: ['track.acme.com', '*.track.acme.com', 'links.acme.com'] })),
    ).toEqual({
      values: ['track.acme.com', 'track.acme.com/*', 'links.acme.com', 'links.acme.com/*'],
      subType: 'Tenant',
    })
  })

  it("puts a simulation's links in advanced delivery, with their subdomains", () => {
    expect(urlEntries(ctxOf({ linkDomains: ['*.sim.com'] }, 'phishing-simulation'))).toEqual({
      values: ['sim.com/*', '*.sim.com/*'],
      subType: 'AdvancedDelivery',
    })
    const [d] = tablUrlAllow.build(ctxOf({ linkDomains: ['sim.com'] }, 'phishing-simulation'), [
      'tabl',
    ])
    expect(d).toMatchObject({
      target: 'Url:AdvancedDelivery:Allow:sim.com/*',
      mechanism: 'tabl-url-allow',
      summary: "Allow URL sim.com/* in advanced delivery's simulation URLs (no expiry)",
    })
  })

  it('plans Tenant entries for anyone else', () => {
    expect(
      tablUrlAllow.build(ctxOf({ linkDomains: ['track.acme.com'] }), []).map((d) => d.target),
    ).toEqual(['Url:Tenant:Allow:track.acme.com', 'Url:Tenant:Allow:track.acme.com/*'])
  })

  it('needs link domains', () => {
    expect(tablUrlAllow.availability(ctxOf())).toEqual({
      ok: false,
      reason: 'Acme has no link or tracking domains',
    })
    expect(tablUrlAllow.availability(ctxOf({ linkDomains: ['acme.com'] }))).toEqual({ ok: true })
  })

  it('says where the entries go and what they cover', () => {
    expect(tablUrlAllow.notices?.(ctxOf({}, 'phishing-simulation'))).toEqual([
      {
        rank: 35,
        text: 'Simulation links are allowed in advanced delivery (the only place Microsoft accepts a left-wildcard URL allow); Microsoft allows email simulation links on its own once the simulation matches advanced delivery, so these entries matter mostly for simulations outside email.',
      },
    ])
    expect(tablUrlAllow.notices?.(ctxOf())).toEqual([
      {
        rank: 35,
        text: 'URL allows cover each listed host and every path on it (host/*); Microsoft takes no left-wildcard Tenant allow, so a tracking subdomain not listed stays unallowed: add it by name.',
      },
    ])
  })
})

describe('mechanisms listed only to be refused', () => {
  it('spoof intelligence off: building it is refused as unsafe', () => {
    let refusal: unknown = null
    try {
      disableSpoofIntelligence.build(ctxOf(), [])
    } catch (e) {
      if (!isPassageError(e)) throw e
      refusal = { code: e.code, message: e.message, details: e.details }
    }
    expect(refusal).toEqual({
      code: 'PASSAGE_E_REFUSED_UNSAFE',
      message:
        'Switching spoof intelligence off lets anyone spoof any domain to every user; passage plans spoofed-sender allows for the vendor’s own domains instead, where they apply.',
      details: { mechanism: 'disable-spoof-intelligence' },
    })
    expect(disableSpoofIntelligence.def.refused).toBe(
      'Switching spoof intelligence off lets anyone spoof any domain to every user; passage plans spoofed-sender allows for the vendor’s own domains instead, where they apply',
    )
  })

  it('the safe list: reserved for Microsoft, refused as unsafe, and builds nothing', () => {
    expect(safeList.availability(ctxOf())).toEqual({
      ok: false,
      reason: 'EnableSafeList is reserved for internal Microsoft use',
      refusal: 'PASSAGE_E_REFUSED_UNSAFE',
    })
    expect(safeList.build(ctxOf(), [])).toEqual([])
  })
})
