// What scopes a passage mail flow rule to the vendor's mail (design.md safety rules: transport
// rules scoped to sender IPs AND an authentication check, never a domain-only or header-only
// bypass). One rule per test, through ruleScope (issue 18).
import { describe, expect, it } from 'vitest'
import { isPassageError } from '../errors/index.js'
import { COMMS, makeSnapshot, NOW, vendor } from '../planner/test-fixtures.js'
import type { TransportRuleInput } from '../model/transport-rule.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import type { PlanContext } from './context.js'
import { buildRules, internalSenderNotice, relayRule, ruleName, ruleScope } from './rules.js'
import type { RulePart } from './types.js'

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

/** A comms vendor with one IP and its own domain, in a tenant with the given rules. */
function tenantCtx(
  rules: TransportRuleInput[] = [],
  over: Partial<VendorProfileInput> = {},
): PlanContext {
  return {
    snapshot: makeSnapshot({ rules }),
    vendor: vendor({
      ...COMMS,
      id: 'acme',
      name: 'Acme',
      params: [],
      sending: { ips: ['3.93.243.176'], envelopeDomains: ['acme-mail.com'] },
      ...over,
    }),
    now: NOW,
    mode: 'recommended',
  }
}

const part = (p: Partial<RulePart>): RulePart => ({
  group: 'g',
  order: 0,
  name: 'Acme rule',
  purpose: 'do it',
  mechanism: 'scoped-rule',
  protections: ['anti-spam'],
  stop: false,
  ...p,
})

const MARKED = 'managed-by=passage vendor=acme'

describe('internalSenderNotice (Microsoft: mail flow rules cannot make an internal sender safe)', () => {
  it('warns when the vendor sends only as the tenant’s own domains', () => {
    const own = tenantCtx([], {
      sending: { ips: ['3.93.243.176'], headerFromDomains: ['fabrikam.com'] },
    })
    expect(internalSenderNotice(own)).toEqual([
      {
        rank: 45,
        text: "Acme sends as your own domain: Microsoft says mail flow rules cannot make an internal sender safe (its rule procedure is for external senders only), so the planned rule may not be honoured for this mail. What makes it deliverable is authentication: SPF, DKIM and DMARC for your domain covering Acme's sending service.",
      },
    ])
  })

  it('says nothing for a vendor with a domain of its own, or a relay or gateway', () => {
    expect(internalSenderNotice(tenantCtx())).toEqual([])
    for (const category of ['inbound-relay', 'gateway-mx'] as const)
      expect(
        internalSenderNotice(tenantCtx([], { category, sending: { ips: ['3.93.243.176'] } })),
      ).toEqual([])
  })
})

describe('ruleName', () => {
  it("prefixes passage's marker and keeps within Exchange's 64 characters", () => {
    expect(ruleName('Acme')).toBe('passage: Acme')
    const long = ruleName('x'.repeat(80))
    expect(long).toBe(`passage: ${'x'.repeat(55)}`)
    expect(long).toHaveLength(64)
  })
})

describe('relayRule: the relay’s own rule, by its name patterns', () => {
  const relay = (rules: TransportRuleInput[], patterns = ['trustifi']) =>
    relayRule(tenantCtx(rules, { category: 'inbound-relay', relayRulePatterns: patterns }))

  it('is none when the profile names no pattern', () => {
    expect(relay([{ Name: 'Trustifi out', Priority: 0 }], [])).toBeNull()
    expect(relay([{ Name: 'Other', Priority: 0 }])).toBeNull()
  })

  it('matches case-insensitively, skips passage’s own rules, and takes the first by priority', () => {
    const r = relay(
      [
        { Name: 'passage: trustifi', Priority: 0, Comments: MARKED },
        { Name: 'Org rule', Priority: 1 },
        { Name: 'TRUSTIFI relay B', Priority: 3 },
        { Name: 'Trustifi relay A', Priority: 2 },
      ],
      ['TrustiFi'],
    )
    expect(r?.Name).toBe('Trustifi relay A')
  })

  it('matches a rule by any one of the patterns', () => {
    expect(relay([{ Name: 'Trustifi out', Priority: 0 }], ['trustifi', 'relay'])?.Name).toBe(
      'Trustifi out',
    )
  })
})

describe('buildRules: the rules the parts make', () => {
  it('plans nothing for no parts', () => {
    expect(buildRules(tenantCtx(), [])).toEqual({ drafts: [], refusals: [] })
    // Not even the refusal of a vendor with nothing to scope a rule to.
    expect(buildRules(tenantCtx([], { sending: { ips: [] } }), [])).toEqual({
      drafts: [],
      refusals: [],
    })
  })

  it('merges parts of a group into one rule led by its first part by order', () => {
    const { drafts, refusals } = buildRules(tenantCtx([{ Name: 'Org', Priority: 0 }]), [
      part({
        order: 3,
        name: 'Clutter',
        purpose: 'bypass Clutter',
        mechanism: 'bypass-clutter-header',
        protections: ['clutter'],
        header: { name: 'H', value: '1' },
        stop: true,
      }),
      part({
        order: 2,
        name: 'Spam',
        purpose: 'bypass spam filtering',
        protections: ['anti-spam'],
        scl: -1,
      }),
    ])
    expect(refusals).toEqual([])
    expect(drafts).toHaveLength(1)
    expect(drafts[0]).toMatchObject({
      op: 'create',
      mechanism: 'scoped-rule',
      protections: ['anti-spam', 'clutter'],
      summary:
        "Create mail flow rule 'passage: Spam' to bypass spam filtering and bypass Clutter for Acme",
    })
    expect(drafts[0]?.after).toEqual({
      Name: 'passage: Spam',
      Priority: 1,
      State: 'Enabled',
      Mode: 'Enforce',
      Comments: 'managed-by=passage vendor=acme: bypass spam filtering and bypass Clutter for Acme',
      ...ruleScope(tenantCtx()),
      SetSCL: -1,
      SetHeaderName: 'H',
      SetHeaderValue: '1',
      StopRuleProcessing: true,
    })
  })

  it('takes the SCL and header of the first part that has one', () => {
    const { drafts } = buildRules(tenantCtx(), [
      part({ order: 0, scl: 5 }),
      part({ order: 1, scl: -1, header: { name: 'A', value: 'a' } }),
      part({ order: 2, header: { name: 'B', value: 'b' } }),
    ])
    expect(drafts[0]?.after).toMatchObject({ SetSCL: 5, SetHeaderName: 'A', SetHeaderValue: 'a' })
    const later = buildRules(tenantCtx(), [part({ order: 0 }), part({ order: 1, scl: -1 })])
    expect(later.drafts[0]?.after).toMatchObject({ SetSCL: -1 })
  })

  it('sets no SCL when no part has one, and the X-ETR troubleshooting marker when no header', () => {
    const { drafts } = buildRules(tenantCtx(), [part({})])
    expect(drafts[0]?.after).not.toHaveProperty('SetSCL')
    expect(drafts[0]?.after).toMatchObject({
      SetHeaderName: 'X-ETR',
      SetHeaderValue: 'passage acme',
      StopRuleProcessing: false,
    })
  })

  it('refuses once for every rule when the scope is refused', () => {
    const ctx = tenantCtx([], { sending: { ips: [] } })
    const { drafts, refusals } = buildRules(ctx, [part({ group: 'a' }), part({ group: 'b' })])
    expect(drafts).toEqual([])
    expect(refusals.map((e) => e.code)).toEqual(['PASSAGE_E_REFUSED_HEADER_ONLY'])
  })

  it('numbers new rules after the existing ones, one after another', () => {
    const { drafts } = buildRules(
      tenantCtx([
        { Name: 'Org 0', Priority: 0 },
        { Name: 'Org 1', Priority: 1 },
      ]),
      [part({ group: 'a', order: 0, name: 'A' }), part({ group: 'b', order: 1, name: 'B' })],
    )
    expect(drafts.map((d) => [d.after?.Name, d.after?.Priority])).toEqual([
      ['passage: A', 2],
      ['passage: B', 3],
    ])
  })

  it('puts the rules right after the relay’s own rule, in order', () => {
    const ctx = tenantCtx(
      [
        { Name: 'Org 0', Priority: 0 },
        { Name: 'Trustifi relay', Priority: 1 },
        { Name: 'Org 2', Priority: 2 },
      ],
      { category: 'inbound-relay', relayRulePatterns: ['trustifi'] },
    )
    const { drafts } = buildRules(ctx, [
      part({ group: 'a', order: 0, name: 'A' }),
      part({ group: 'b', order: 1, name: 'B' }),
    ])
    expect(drafts.map((d) => [d.after?.Name, d.after?.Priority])).toEqual([
      ['passage: A', 2],
      ['passage: B', 3],
    ])
  })

  it('refuses a rule whose name an object passage did not create already has', () => {
    const { drafts, refusals } = buildRules(
      tenantCtx([{ Name: 'PASSAGE: Acme rule', Priority: 0 }]),
      [part({ mechanism: 'bypass-clutter-header' })],
    )
    expect(drafts).toEqual([])
    expect(refusals.map((e) => [e.code, e.message, e.details?.mechanism])).toEqual([
      [
        'PASSAGE_E_CONFLICT',
        "A mail flow rule named 'PASSAGE: Acme rule' exists and was not created by passage.",
        'bypass-clutter-header',
      ],
    ])
  })

  it('updates its own existing rule where it differs, keeping its priority, and leaves a matching one alone', () => {
    const ctx = tenantCtx([])
    const want = buildRules(ctx, [part({})]).drafts[0]?.after
    const mine = { ...(want as object), Priority: 0, SetHeaderValue: 'old' } as TransportRuleInput
    const { drafts } = buildRules(tenantCtx([{ Name: 'Org', Priority: 1 }, mine]), [part({})])
    expect(drafts).toHaveLength(1)
    expect(drafts[0]).toMatchObject({
      op: 'update',
      set: { SetHeaderValue: 'passage acme' },
      summary: "Update mail flow rule 'passage: Acme rule'",
    })
    const same = { ...(want as object), Priority: 0 } as TransportRuleInput
    expect(buildRules(tenantCtx([same]), [part({})]).drafts).toEqual([])
  })

  it('moves its own rule right after the relay’s rule', () => {
    const ctx = tenantCtx([], { category: 'inbound-relay', relayRulePatterns: ['trustifi'] })
    const want = buildRules(ctx, [part({})]).drafts[0]?.after as object
    const { drafts } = buildRules(
      tenantCtx(
        [
          { ...want, Priority: 0 } as TransportRuleInput,
          { Name: 'Org', Priority: 1 },
          { Name: 'Trustifi relay', Priority: 2 },
        ],
        { category: 'inbound-relay', relayRulePatterns: ['trustifi'] },
      ),
      [part({})],
    )
    expect(drafts.map((d) => d.set)).toEqual([{ Priority: 3 }])
  })
})
