// What scopes a passage mail flow rule to the vendor's mail (design.md safety rules: transport
// rules scoped to sender IPs AND an authentication check, never a domain-only or header-only
// bypass). One rule per test, through ruleScope (issue 18).
import { describe, expect, it } from 'vitest'
import { isPassageError } from '../errors/index.js'
import { COMMS, makeSnapshot, NOW, vendor } from '../planner/test-fixtures.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import type { PlanContext } from './context.js'
import { ruleScope } from './rules.js'

type Sending = NonNullable<VendorProfileInput['sending']>

function ctxOf(
  sending: Partial<Sending>,
  category: VendorProfileInput['category'] = 'internal-comms',
  headers: string[] = [],
): PlanContext {
  return {
    snapshot: makeSnapshot(),
    vendor: vendor({
      ...COMMS,
      id: 'custom',
      name: 'Acme',
      category,
      params: [],
      headers,
      sending: { ips: [], ...sending },
    }),
    now: NOW,
    mode: 'recommended',
  }
}

function refusal(ctx: PlanContext) {
  try {
    ruleScope(ctx)
  } catch (e) {
    if (isPassageError(e)) return { code: e.code, message: e.message }
    throw e
  }
  return null
}

const DMARC = {
  HeaderMatchesMessageHeader: 'Authentication-Results',
  HeaderMatchesPatterns: ['dmarc=pass', 'dmarc=bestguesspass'],
}

describe('ruleScope', () => {
  it('scopes an ordinary vendor by IPs AND its domains AND a DMARC pass', () => {
    expect(ruleScope(ctxOf({ ips: ['3.93.243.176'], envelopeDomains: ['acme-mail.com'] }))).toEqual(
      {
        SenderIpRanges: ['3.93.243.176'],
        SenderDomainIs: ['acme-mail.com'],
        SenderAddressLocation: 'HeaderOrEnvelope',
        ...DMARC,
      },
    )
  })

  it('never scopes by domain alone: without IPs it still requires DMARC to pass', () => {
    expect(ruleScope(ctxOf({ dkimDomains: ['acme-mail.com'] }))).toEqual({
      SenderIpRanges: [],
      SenderDomainIs: ['acme-mail.com'],
      SenderAddressLocation: 'HeaderOrEnvelope',
      ...DMARC,
    })
  })

  it("leaves the tenant's own domains out of the scope", () => {
    expect(
      ruleScope(ctxOf({ ips: ['3.93.243.176'], headerFromDomains: ['fabrikam.com'] })),
    ).toEqual({ SenderIpRanges: ['3.93.243.176'], ...DMARC })
  })

  it.each(['inbound-relay', 'gateway-mx'] as const)(
    'scopes a %s by its IPs only (it forwards everyone’s mail: no domain, no DMARC)',
    (category) => {
      expect(
        ruleScope(ctxOf({ ips: ['3.93.243.176'], envelopeDomains: ['acme-mail.com'] }, category)),
      ).toEqual({ SenderIpRanges: ['3.93.243.176'] })
    },
  )

  it('scopes a phishing simulation by IPs AND its envelope/DKIM domains, without DMARC', () => {
    const ctx = ctxOf(
      {
        ips: ['3.93.243.176'],
        envelopeDomains: ['sim-mail.com'],
        dkimDomains: ['sim-mail.com', 'dk.sim-mail.com'],
        headerFromDomains: ['spoofed-bank.com'],
      },
      'phishing-simulation',
    )
    expect(ruleScope(ctx)).toEqual({
      SenderIpRanges: ['3.93.243.176'],
      SenderDomainIs: ['sim-mail.com', 'dk.sim-mail.com'],
      SenderAddressLocation: 'Envelope',
    })
    expect(ruleScope(ctxOf({ ips: ['3.93.243.176'] }, 'phishing-simulation'))).toEqual({
      SenderIpRanges: ['3.93.243.176'],
    })
  })

  it('scopes a phishing simulation without IPs like any vendor (domains AND DMARC)', () => {
    expect(ruleScope(ctxOf({ envelopeDomains: ['sim-mail.com'] }, 'phishing-simulation'))).toEqual({
      SenderIpRanges: [],
      SenderDomainIs: ['sim-mail.com'],
      SenderAddressLocation: 'HeaderOrEnvelope',
      ...DMARC,
    })
  })

  it('refuses a vendor recognisable only by a header anyone can forge, naming it', () => {
    expect(refusal(ctxOf({}, 'internal-comms', ['X-PHISHTEST', 'X-Sim']))).toEqual({
      code: 'PASSAGE_E_REFUSED_HEADER_ONLY',
      message:
        'Acme would be recognised only by the header X-PHISHTEST, X-Sim, which anyone can forge.',
    })
    expect(refusal(ctxOf({}))?.message).toBe(
      'Acme would be recognised only by headers, which anyone can forge.',
    )
  })

  it('refuses a relay with domains but no IPs (its domains do not scope it)', () => {
    expect(refusal(ctxOf({ envelopeDomains: ['acme-mail.com'] }, 'inbound-relay'))?.code).toBe(
      'PASSAGE_E_REFUSED_HEADER_ONLY',
    )
  })

  it("hands out its own copy of the vendor's IPs", () => {
    const ctx = ctxOf({ ips: ['3.93.243.176'] })
    ruleScope(ctx).SenderIpRanges?.push('0.0.0.0/0')
    expect(ctx.vendor.sending.ips).toEqual(['3.93.243.176'])
    const sim = ctxOf({ ips: ['3.93.243.176'] }, 'phishing-simulation')
    ruleScope(sim).SenderIpRanges?.push('0.0.0.0/0')
    expect(sim.vendor.sending.ips).toEqual(['3.93.243.176'])
  })
})
