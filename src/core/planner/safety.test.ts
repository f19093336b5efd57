// The planner's own safety refusals (design.md, "Safety rules the planner enforces"), one rule per
// test: each states the refusal, its code, its message and its hint, and the case it must NOT
// refuse, so that switching a rule off or widening it fails here (issue 18, mutation testing).
import { describe, expect, it } from 'vitest'
import { isPassageError, type PassageError } from '../errors/index.js'
import type { PlanContext } from '../mechanisms/index.js'
import type { MechanismId } from '../protections/ids.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import { checkSafety, safetyRefusals } from './safety.js'
import { COMMS, makeSnapshot, NOW, vendor } from './test-fixtures.js'

type Sending = NonNullable<VendorProfileInput['sending']>

function ctxOf(
  sending: Partial<Sending>,
  category: VendorProfileInput['category'] = 'internal-comms',
): PlanContext {
  return {
    snapshot: makeSnapshot(),
    vendor: vendor({
      ...COMMS,
      id: 'custom',
      name: 'Acme',
      category,
      params: [],
      sending: { ips: [], ...sending },
    }),
    now: NOW,
    mode: 'recommended',
  }
}

const refusals = (ctx: PlanContext, mechanisms: MechanismId[] = []) =>
  safetyRefusals(ctx, mechanisms).map((e) => ({ code: e.code, message: e.message, hint: e.hint }))

function thrown(fn: () => unknown): PassageError {
  try {
    fn()
  } catch (e) {
    if (isPassageError(e)) return e
    throw e
  }
  throw new Error('expected a refusal')
}

describe("the vendor's addresses, whatever the mechanism", () => {
  it('refuses text that is no address, CIDR or range, quoting it', () => {
    expect(refusals(ctxOf({ ips: ['mail.acme.example'] }))).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_ADDRESS',
        message: "Acme: 'mail.acme.example' is not an IP address, CIDR or range.",
        hint: expect.stringContaining('own public sending addresses') as string,
      },
    ])
  })

  it('refuses a private address, naming the block and why', () => {
    const [r] = refusals(ctxOf({ ips: ['192.168.4.0/24'] }))
    expect(r?.code).toBe('PASSAGE_E_REFUSED_ADDRESS')
    expect(r?.message).toBe(
      'Acme: 192.168.4.0/24 is a private address, not a public internet sender (it includes 192.168.0.0/16, private: RFC 1918 private space: never an internet sender).',
    )
  })

  it("refuses a range that only partly reaches into Microsoft's Exchange Online space", () => {
    // 40.91.255.0-40.92.0.255: most of it public, its tail in 40.92.0.0/15.
    const [r] = refusals(ctxOf({ ips: ['40.91.255.0-40.92.0.255'] }))
    expect(r?.code).toBe('PASSAGE_E_REFUSED_ADDRESS')
    expect(r?.message).toMatch(
      /^Acme: 40\.91\.255\.0-40\.92\.0\.255 is a Microsoft 365 Exchange Online address, not a public internet sender \(it includes 40\.92\.0\.0\/15, /,
    )
  })

  it('refuses an IPv4 block wider than /16 and says the ceiling, but takes a /16', () => {
    expect(refusals(ctxOf({ ips: ['81.0.0.0/15'] }))).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_CIDR',
        message:
          'Acme: 81.0.0.0/15 covers 131072 addresses; passage accepts at most an IPv4 /16 or an IPv6 /48 per entry.',
        hint: expect.stringContaining('Split the range') as string,
      },
    ])
    expect(refusals(ctxOf({ ips: ['81.0.0.0/16', '81.2.0.0-81.2.255.255'] }))).toEqual([])
    // A range counts by its size: one address over 2^16 is refused.
    expect(refusals(ctxOf({ ips: ['81.2.0.0-81.3.0.0'] })).map((r) => r.code)).toEqual([
      'PASSAGE_E_REFUSED_CIDR',
    ])
  })

  it('refuses an absurdly wide IPv4 block (wider than /8), not only a /15', () => {
    const [r] = refusals(ctxOf({ ips: ['64.0.0.0/6'] }))
    expect(r?.code).toBe('PASSAGE_E_REFUSED_CIDR')
    expect(r?.message).toContain('covers 67108864 addresses')
  })

  it('refuses an IPv6 block wider than /48, but takes a /48', () => {
    const [r] = refusals(ctxOf({ ips: ['2a00:1450::/32'] }))
    expect(r?.code).toBe('PASSAGE_E_REFUSED_CIDR')
    expect(r?.message).toMatch(/^Acme: 2a00:1450::\/32 covers \d+ addresses; passage accepts/)
    expect(refusals(ctxOf({ ips: ['2a00:1450:4000::/48'] }))).toEqual([])
  })

  it("refuses more than a /24 of a shared email service's sending block, with the provider and a hint", () => {
    expect(refusals(ctxOf({ ips: ['167.89.8.0/22'] }))).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_CIDR',
        message:
          "Acme: 167.89.8.0/22 takes in SendGrid's shared sending block 167.89.0.0/17 (SPF of sendgrid.net); every SendGrid customer sends from it.",
        hint: "Give the vendor's dedicated sending addresses (a /24 or narrower).",
      },
    ])
  })

  it("takes a dedicated /24 or address inside a shared email service's block", () => {
    expect(refusals(ctxOf({ ips: ['167.89.8.0/24', '167.89.10.20'] }))).toEqual([])
  })

  it('lists one refusal per bad entry, in the order given', () => {
    expect(
      refusals(ctxOf({ ips: ['10.0.0.1', 'nope', '81.0.0.0/15', '3.93.243.176'] })).map(
        (r) => r.code,
      ),
    ).toEqual(['PASSAGE_E_REFUSED_ADDRESS', 'PASSAGE_E_REFUSED_ADDRESS', 'PASSAGE_E_REFUSED_CIDR'])
  })
})

describe("the tenant's own domains", () => {
  it('refuses allow-listing an own domain by a mechanism that allows by domain', () => {
    expect(refusals(ctxOf({ envelopeDomains: ['fabrikam.com'] }), ['tabl-sender-allow'])).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_OWN_DOMAIN',
        message:
          "fabrikam.com is this tenant's own domain; allow-listing it lets anyone who forges it in.",
        hint: expect.stringContaining('Anyone can forge mail from your own domains') as string,
      },
    ])
  })

  it('names every own domain, subdomains included, with the plural', () => {
    const [r] = refusals(
      ctxOf({ envelopeDomains: ['fabrikam.com'], dkimDomains: ['news.fabrikam.com'] }),
      ['scoped-rule'],
    )
    expect(r?.message).toBe(
      "fabrikam.com, news.fabrikam.com are this tenant's own domain; allow-listing it lets anyone who forges it in.",
    )
  })

  it('refuses it when any one of the planned mechanisms allows by domain', () => {
    const ctx = ctxOf({ ips: ['3.93.243.176'], headerFromDomains: ['fabrikam.com'] })
    expect(refusals(ctx, ['ip-allow', 'antispam-allowed-senders']).map((r) => r.code)).toEqual([
      'PASSAGE_E_REFUSED_OWN_DOMAIN',
    ])
  })

  it('does not refuse it for mechanisms that allow by address only', () => {
    const ctx = ctxOf({ ips: ['3.93.243.176'], envelopeDomains: ['fabrikam.com'] })
    expect(refusals(ctx, ['ip-allow'])).toEqual([])
  })

  it.each(['inbound-relay', 'gateway-mx'] as const)(
    'does not refuse it for a %s, whose rules are scoped by IP',
    (category) => {
      const ctx = ctxOf({ ips: ['3.93.243.176'], envelopeDomains: ['fabrikam.com'] }, category)
      expect(refusals(ctx, ['scoped-rule'])).toEqual([])
    },
  )

  it('refuses an own domain as a link domain, whatever the vendor and mechanism, with a hint', () => {
    for (const category of ['inbound-relay', 'internal-comms'] as const)
      expect(refusals(ctxOf({ linkDomains: ['fabrikam.com'] }, category))).toEqual([
        {
          code: 'PASSAGE_E_REFUSED_OWN_DOMAIN',
          message:
            "fabrikam.com is this tenant's own domain; passage never allow-lists its links as a vendor's tracking domain.",
          hint: "Give the vendor's own tracking or link domain.",
        },
      ])
  })

  it('names every own link domain with the plural, and only those', () => {
    const [r, ...rest] = refusals(
      ctxOf({ linkDomains: ['go.fabrikam.com', 'tk.acme-mail.com', 'mail.fabrikam.com'] }),
    )
    expect(rest).toEqual([])
    expect(r?.message).toBe(
      "go.fabrikam.com, mail.fabrikam.com are this tenant's own domain; passage never allow-lists its links as a vendor's tracking domain.",
    )
  })
})

describe('shared domains', () => {
  it('refuses a consumer mailbox domain, saying which list, why and what instead', () => {
    expect(refusals(ctxOf({ envelopeDomains: ['gmail.com'] }))).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_SHARED_DOMAIN',
        message: expect.stringMatching(
          /^gmail\.com is on the consumer-mailbox list \(gmail\.\*, from passage\): .+/,
        ) as string,
        hint: expect.stringContaining('a consumer mailbox domain is never') as string,
      },
    ])
  })

  it('refuses a shared link domain once even when it is also a sender domain', () => {
    const r = refusals(ctxOf({ dkimDomains: ['sendgrid.net'], linkDomains: ['sendgrid.net'] }))
    expect(r.map((x) => x.code)).toEqual(['PASSAGE_E_REFUSED_SHARED_DOMAIN'])
    expect(r[0]?.message).toMatch(/^sendgrid\.net is on the shared-sending-platform list/)
  })

  it("takes the vendor's own domains", () => {
    expect(
      refusals(ctxOf({ envelopeDomains: ['acme-mail.com'], linkDomains: ['tk.acme-mail.com'] }), [
        'tabl-sender-allow',
      ]),
    ).toEqual([])
  })
})

describe('checkSafety', () => {
  it('throws one refusal carrying all of them, with the first one’s code', () => {
    const ctx = ctxOf({ ips: ['nope'], envelopeDomains: ['gmail.com'] })
    const e = thrown(() => checkSafety(ctx, []))
    expect(e.code).toBe('PASSAGE_E_REFUSED_ADDRESS')
    expect((e.details?.diagnostics as { code: string }[]).map((d) => d.code)).toEqual([
      'PASSAGE_E_REFUSED_ADDRESS',
      'PASSAGE_E_REFUSED_SHARED_DOMAIN',
    ])
  })

  it('passes a safe vendor', () => {
    expect(() =>
      checkSafety(ctxOf({ ips: ['3.93.243.176'], envelopeDomains: ['acme-mail.com'] }), [
        'ip-allow',
        'scoped-rule',
      ]),
    ).not.toThrow()
  })
})
