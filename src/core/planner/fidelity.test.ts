// Planning rules traced to Microsoft's pages (issue 11; src/core/behaviour/planner.ts). Each test is
// named after the register row it pins.
import { describe, expect, it } from 'vitest'
import type { TransportRuleInput } from '../model/transport-rule.js'
import { guardPlan } from './guard.js'
import { plan } from './plan.js'
import {
  COMMS,
  makeDefenderSnapshot,
  makeSnapshot,
  NOW,
  RELAY,
  rulesWithRelay,
  SIMULATOR,
  vendor,
} from './test-fixtures.js'

const recommended = { mode: 'recommended' as const }
const recipe = { mode: 'recipe' as const }

/** A tenant whose MX points at a gateway, with the gateway's Partner connector. */
function gatewayTenant(rules: TransportRuleInput[] = []) {
  return makeSnapshot({
    mx: {
      route: 'gateway',
      gateway: 'Mimecast',
      hosts: ['eu-smtp-inbound-1.mimecast.com'],
      ips: ['195.130.217.0/24'],
    },
    rules,
    state: {
      inboundConnectors: [{ Name: 'Mimecast Inbound', SenderIPAddresses: ['195.130.217.0/24'] }],
    },
  })
}

const comms = vendor(COMMS, { dedicatedIp: '167.89.10.20' })

describe('what planned allows can do with high-confidence phish', () => {
  it('plan.notice.hc-phish-routing: MX elsewhere names the planned allows that can deliver it', () => {
    const p = plan(
      comms,
      { mode: 'recommended', protections: ['anti-spam', 'tabl'] },
      gatewayTenant(),
      {
        now: NOW,
      },
    )
    const first = p.notices[0] ?? ''
    expect(first).toMatch(/secure by default does not apply/)
    expect(first).toMatch(/Mail flow rule: SCL -1/)
    expect(first).toMatch(/Tenant Allow\/Block List URL allow/)
    expect(p.notices.join('\n')).not.toMatch(/No allow overrides malware or high-confidence phish/)
    const rule = p.changes.find((c) => c.surface === 'transport-rule')
    expect(rule?.risk.reason).toMatch(
      /with MX elsewhere an SCL -1 rule can deliver high-confidence phish/,
    )
  })

  it('plan.notice.hc-phish-routing: MX at Microsoft 365 keeps the promise, and the IP Allow List is flagged as unknown elsewhere', () => {
    const at = plan(comms, { mode: 'recommended', protections: ['anti-spam'] }, makeSnapshot(), {
      now: NOW,
    })
    expect(at.notices[0]).toMatch(/secure by default holds/)
    const ip = plan(comms, { mode: 'recipe', protections: ['anti-spam'] }, gatewayTenant(), {
      now: NOW,
    })
    expect(ip.notices[0]).toMatch(
      /Microsoft does not say whether these can: Connection filter IP Allow List/,
    )
  })
})

describe('in-and-out relay (Trustifi)', () => {
  const snapshot = makeSnapshot({ rules: rulesWithRelay(6, 2) })
  const relay = vendor({ ...RELAY, recommended: ['anti-spam', 'clutter', 'spoof'] })

  it('plan.relay.spoof-pair: two spoofed-sender allows per relay /24, External and Internal, any sender', () => {
    const p = plan(relay, recommended, snapshot, { now: NOW })
    const spoof = p.changes.filter((c) => c.surface === 'tabl-spoof').map((c) => c.after)
    expect(spoof).toHaveLength(8)
    expect(spoof.slice(0, 2)).toEqual([
      {
        Action: 'Allow',
        SpoofType: 'External',
        SpoofedUser: '*',
        SendingInfrastructure: '3.93.243.0/24',
      },
      {
        Action: 'Allow',
        SpoofType: 'Internal',
        SpoofedUser: '*',
        SendingInfrastructure: '3.93.243.0/24',
      },
    ])
    expect(guardPlan(p, relay, snapshot, NOW)).toEqual([])
  })

  it('plan.relay.no-scl-rule: the recommended plan has no SCL -1 rule; the recipe keeps Trustifi’s rule as written', () => {
    const p = plan(relay, recommended, snapshot, { now: NOW })
    expect(p.changes.some((c) => c.after?.SetSCL === -1)).toBe(false)
    expect(p.skipped.find((s) => s.protection === 'anti-spam')?.reason).toMatch(
      /Microsoft advises against SCL -1 mail flow rules/,
    )
    expect(p.notices.join('\n')).toMatch(/MX \(with enhanced filtering\) or to API integration/)
    const r = plan(relay, recipe, snapshot, { now: NOW })
    const rule = r.changes.find((c) => c.after?.SetSCL === -1)?.after
    expect(rule).toMatchObject({
      Name: 'passage: Trustifi Inbound Bypass Clutter',
      SenderIpRanges: ['3.93.243.176', '3.93.139.220', '54.195.145.1', '3.251.32.127'],
      SetSCL: -1,
      SetHeaderName: 'X-MS-Exchange-Organization-BypassClutter',
      SetHeaderValue: 'true',
      StopRuleProcessing: true,
      Priority: 3,
    })
  })

  it('plan.relay.quarantine-verdicts: the recommended plan offers quarantine for every negative verdict; the recipe does not', () => {
    const p = plan(relay, recommended, snapshot, { now: NOW })
    expect(p.protections.find((x) => x.protection === 'quarantine')?.mechanism).toBe(
      'quarantine-verdicts',
    )
    const spam = p.changes.find((c) => c.surface === 'anti-spam')
    expect(spam?.set).toMatchObject({
      SpamAction: 'Quarantine',
      BulkSpamAction: 'Quarantine',
      PhishSpamAction: 'Quarantine',
    })
    const phish = p.changes.find((c) => c.surface === 'anti-phish')
    expect(phish?.set).toEqual({ AuthenticationFailAction: 'Quarantine' })
    expect(guardPlan(p, relay, snapshot, NOW)).toEqual([])
    const forged = structuredClone(p)
    forged.changes.find((c) => c.surface === 'anti-spam')!.set!.SpamAction = 'NoAction'
    expect(
      guardPlan(forged, relay, snapshot, NOW)
        .map((d) => d.message)
        .join('\n'),
    ).toMatch(/passage only ever sets it to Quarantine/)
    const r = plan(relay, recipe, snapshot, { now: NOW })
    expect(r.protections.some((x) => x.mechanism === 'quarantine-verdicts')).toBe(false)
    // Other vendors never get it.
    expect(() =>
      plan(
        comms,
        {
          mode: 'recommended',
          mechanisms: { quarantine: 'quarantine-verdicts' },
          protections: ['quarantine'],
        },
        makeSnapshot(),
        { now: NOW },
      ),
    ).toThrow(/only for inbound relay services/)
  })
})

describe('URL allows', () => {
  it('plan.url.allow-forms: Tenant allows name the host and host/* (no left wildcard)', () => {
    const p = plan(comms, { mode: 'recommended', protections: ['tabl'] }, makeSnapshot(), {
      now: NOW,
    })
    const values = p.changes.filter((c) => c.surface === 'tabl-item').map((c) => c.after?.Value)
    expect(values).toEqual(['contactmonkey.com', 'contactmonkey.com/*'])
    expect(values.some((v) => String(v).startsWith('*'))).toBe(false)
    expect(p.changes[0]?.calls[0]?.params).toMatchObject({ ListType: 'Url', RemoveAfter: 45 })
  })

  it('plan.url.allow-forms: a phishing simulation’s links go to advanced delivery, where left wildcards are allowed', () => {
    const sim = vendor(
      { ...SIMULATOR, sending: { ...SIMULATOR.sending, linkDomains: ['phish-links.com'] } },
      { simulationDomains: 'sim-mail.com' },
    )
    const p = plan(sim, { mode: 'recommended', protections: ['tabl'] }, makeSnapshot(), {
      now: NOW,
    })
    const urls = p.changes.filter((c) => c.surface === 'tabl-item')
    expect(urls.map((c) => c.after?.Value)).toEqual(['phish-links.com/*', '*.phish-links.com/*'])
    expect(urls[0]?.calls[0]?.params).toMatchObject({
      ListSubType: 'AdvancedDelivery',
      NoExpiration: { kind: 'switch' },
    })
    expect(guardPlan(p, sim, makeSnapshot(), NOW)).toEqual([])
  })
})

describe('enhanced filtering', () => {
  it('plan.enhanced-filtering.scl-bypass-rules: names the tenant’s SCL -1 rules for the gateway', () => {
    const tenant = gatewayTenant([
      { Name: 'Mimecast bypass', Priority: 0, SetSCL: -1, SenderIpRanges: ['195.130.217.10'] },
      { Name: 'Partner bypass', Priority: 1, SetSCL: -1, SenderIpRanges: ['198.51.100.23'] },
    ])
    const mimecast = vendor({
      id: 'gw',
      name: 'Mimecast',
      category: 'gateway-mx',
      summary: 'gateway',
      asOf: '2026-08-01',
      sources: [{ title: 'test' }],
      sending: { ips: ['195.130.217.0/24'] },
      recommended: ['enhanced-filtering'],
    })
    const p = plan(mimecast, recommended, tenant, { now: NOW })
    const notice = p.notices.find((n) => n.startsWith('Disable')) ?? ''
    expect(notice).toMatch(/'Mimecast bypass'/)
    expect(notice).not.toMatch(/Partner bypass/)
  })
})

describe('spoofed-sender entries', () => {
  const sim = (spoofed: string) =>
    vendor(
      {
        ...SIMULATOR,
        sending: { ...SIMULATOR.sending, headerFromDomains: spoofed.split(',') },
      },
      { simulationDomains: 'sim-mail.com' },
    )

  it('plan.spoof.documented-forms: External for other domains; the tenant’s own domain gets no domain-wide Internal entry', () => {
    const v = sim('lookalike-bank.com,fabrikam.com')
    const p = plan(
      v,
      { mode: 'recommended', protections: ['spoof'], mechanisms: { spoof: 'tabl-spoof-allow' } },
      makeSnapshot(),
      { now: NOW },
    )
    const spoof = p.changes.filter((c) => c.surface === 'tabl-spoof').map((c) => c.after)
    expect(
      spoof.every((s) => s?.SpoofType === 'External' && s.SpoofedUser === 'lookalike-bank.com'),
    ).toBe(true)
    expect(spoof.map((s) => s?.SendingInfrastructure)).toEqual([
      '23.21.109.0/24',
      '147.160.167.0/24',
    ])
    expect(p.notices.join('\n')).toMatch(/No spoofed-sender allow is planned for fabrikam\.com/)
    expect(p.changes.find((c) => c.surface === 'tabl-spoof')?.risk.reason).toMatch(
      /shared cloud address space anyone can rent/,
    )
  })
})

describe('the guard keeps spoof forms strict', () => {
  it('plan.spoof.documented-forms: apply refuses a wildcard spoof entry for a non-relay and an Internal domain entry', () => {
    const v = vendor(
      {
        ...SIMULATOR,
        sending: { ...SIMULATOR.sending, headerFromDomains: ['lookalike-bank.com'] },
      },
      { simulationDomains: 'sim-mail.com' },
    )
    const snapshot = makeSnapshot()
    const p = plan(
      v,
      { mode: 'recommended', protections: ['spoof'], mechanisms: { spoof: 'tabl-spoof-allow' } },
      snapshot,
      { now: NOW },
    )
    const forge = (after: Record<string, string>) => {
      const copy = structuredClone(p)
      const c = copy.changes[0]!
      c.after = { ...c.after, ...after }
      return guardPlan(copy, v, snapshot, NOW).map((d) => d.message)
    }
    expect(forge({ SpoofedUser: '*' }).join('\n')).toMatch(/only for an in-and-out relay/)
    expect(forge({ SpoofType: 'Internal', SpoofedUser: 'fabrikam.com' }).join('\n')).toMatch(
      /Internal spoofed-sender entry names a full address/,
    )
    expect(forge({ SendingInfrastructure: '*' }).join('\n')).toMatch(
      /sending infrastructure is a wildcard/,
    )
  })
})

describe('recipe mechanisms, corrected', () => {
  it('plan.zap.allows-may-override: turning spam ZAP off says it may be unnecessary', () => {
    const p = plan(comms, { mode: 'recipe', protections: ['zap'] }, makeSnapshot(), { now: NOW })
    expect(p.notices.join('\n')).toMatch(
      /may be unnecessary: Microsoft says allows .* might already keep ZAP off/,
    )
  })

  it('plan.safe-list.reserved: EnableSafeList is never planned', () => {
    expect(() =>
      plan(
        comms,
        {
          mode: 'recommended',
          protections: ['connection-filter'],
          mechanisms: { 'connection-filter': 'safe-list' },
        },
        makeSnapshot(),
        { now: NOW },
      ),
    ).toThrow(/reserves the connection filter safe list/)
    const p = plan(
      comms,
      { mode: 'recommended', protections: ['connection-filter'] },
      makeSnapshot(),
      { now: NOW },
    )
    expect(p.changes.some((c) => c.set && 'EnableSafeList' in c.set)).toBe(false)
  })

  it('plan.rule.simulation-scope: a simulation’s rule matches its IPs and envelope domains, never DMARC of spoofed domains', () => {
    const v = vendor(
      {
        ...SIMULATOR,
        sending: { ...SIMULATOR.sending, headerFromDomains: ['lookalike-bank.com'] },
      },
      { simulationDomains: 'sim-mail.com' },
    )
    const p = plan(v, recipe, makeDefenderSnapshot(), { now: NOW })
    const rule = p.changes.find((c) => c.surface === 'transport-rule')?.after
    expect(rule).toMatchObject({
      SenderIpRanges: ['23.21.109.197', '147.160.167.0/26'],
      SenderDomainIs: ['sim-mail.com'],
      SenderAddressLocation: 'Envelope',
    })
    expect(rule?.HeaderMatchesPatterns).toBeUndefined()
  })

  it('plan.rule.internal-senders: a vendor sending as the tenant’s domain is told rules cannot make it safe', () => {
    const p = plan(
      comms,
      { mode: 'recommended', protections: ['anti-spam', 'clutter'] },
      makeSnapshot(),
      { now: NOW },
    )
    expect(p.notices.filter((n) => /cannot make an internal sender safe/.test(n))).toHaveLength(1)
  })
})
