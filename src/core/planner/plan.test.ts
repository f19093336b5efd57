import { describe, expect, it } from 'vitest'
import { isPassageError, type ErrorCode } from '../errors/index.js'
import { applyChanges, applyThenUndo } from '../surfaces/index.js'
import { planHashValid, plan, plannedTitles } from './plan.js'
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

function refusal(fn: () => unknown): ErrorCode {
  try {
    fn()
  } catch (e) {
    if (isPassageError(e)) return e.code
    throw e
  }
  throw new Error('expected a refusal')
}

describe('plan: Trustifi recipe on a tenant with a relay rule', () => {
  const snapshot = makeSnapshot({ rules: rulesWithRelay(6, 2) })
  const p = plan(vendor(RELAY), recipe, snapshot, { now: NOW })

  it('creates the Bypass Clutter rule right after the relay rule', () => {
    const rules = p.changes.filter((c) => c.surface === 'transport-rule')
    expect(rules).toHaveLength(1)
    const c = rules[0]!
    expect(c.surface).toBe('transport-rule')
    expect(c.op).toBe('create')
    expect(c.after).toMatchObject({
      Name: 'passage: Trustifi Inbound Bypass Clutter',
      Priority: 3,
      State: 'Enabled',
      SenderIpRanges: ['3.93.243.176', '3.93.139.220', '54.195.145.1', '3.251.32.127'],
      SetSCL: -1,
      SetHeaderName: 'X-MS-Exchange-Organization-BypassClutter',
      SetHeaderValue: 'true',
      StopRuleProcessing: true,
    })
    expect(c.calls[0]?.cmdlet).toBe('New-TransportRule')
    expect(c.calls[0]?.params).toMatchObject({
      Priority: 3,
      Enabled: true,
      SetSCL: -1,
      StopRuleProcessing: true,
    })
  })

  it('shifts the later rules down as Exchange does', () => {
    const after = applyChanges(snapshot, p.changes)
    const names = [...after.state.transportRules]
      .sort((a, b) => a.Priority - b.Priority)
      .map((r) => r.Name)
    expect(names.slice(2, 5)).toEqual([
      'Trustifi Inbound Relay',
      'passage: Trustifi Inbound Bypass Clutter',
      'Org rule 3',
    ])
    expect(after.state.transportRules.map((r) => r.Priority).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ])
  })

  it('flags the scanners an IP-only SCL -1 rule trips', () => {
    const rule = p.changes.find((c) => c.surface === 'transport-rule')!
    const checks = rule.baselines.map((b) => `${b.scanner} ${b.check}`)
    expect(checks).toEqual(expect.arrayContaining(['Maester MT.1043', 'ORCA 118-2']))
  })

  it('is hashed and frozen', () => {
    expect(planHashValid(p)).toBe(true)
    expect(planHashValid({ ...p, mode: 'recommended' } as typeof p)).toBe(false)
    expect(Object.isFrozen(p)).toBe(true)
  })

  it('is empty once applied, and undoing restores the tenant', () => {
    const applied = applyChanges(snapshot, p.changes)
    expect(plan(vendor(RELAY), recipe, applied, { now: NOW }).changes).toEqual([])
    expect(applyThenUndo(snapshot, p.changes).restored).toEqual(snapshot)
  })

  it('the recommended plan does not stop rule processing', () => {
    const r = plan(vendor(RELAY), recommended, snapshot, { now: NOW })
    const rule = r.changes.find((c) => c.surface === 'transport-rule')
    expect(rule?.after?.StopRuleProcessing).toBe(false)
  })

  it('plans the relay spoof pair when asked, and ZAP only when asked', () => {
    const asked = plan(
      vendor(RELAY),
      { mode: 'recipe', protections: ['anti-spam', 'clutter', 'spoof', 'zap'] },
      snapshot,
      { now: NOW },
    )
    expect(asked.changes.filter((c) => c.surface === 'tabl-spoof')).toHaveLength(8)
    const r = plan(vendor(RELAY), { mode: 'recipe', protections: ['zap'] }, snapshot, { now: NOW })
    expect(r.changes.some((c) => c.surface === 'tabl-spoof')).toBe(false)
    expect(
      r.changes.some((c) => c.surface === 'anti-spam' && c.set?.SpamZapEnabled === false),
    ).toBe(true)
  })
})

describe('plan: mechanisms by tenant', () => {
  it('uses advanced delivery for a simulator, with both domain and IPs', () => {
    const p = plan(
      vendor(SIMULATOR, { simulationDomains: 'phishsim-test.com' }),
      recommended,
      makeSnapshot(),
      { now: NOW },
    )
    expect(p.changes.map((c) => `${c.surface}:${c.op}`)).toEqual([
      'phish-sim-policy:create',
      'phish-sim-rule:create',
    ])
    expect(p.changes[1]?.after).toMatchObject({
      Domains: ['phishsim-test.com'],
      SenderIpRanges: ['23.21.109.197', '147.160.167.0/26'],
    })
    expect(p.changes[1]?.dependsOn).toEqual(['c01'])
  })

  it('adds enhanced filtering for a simulator behind a gateway', () => {
    const snapshot = makeSnapshot({
      mx: {
        route: 'gateway',
        gateway: 'Mimecast',
        hosts: ['eu-smtp-inbound-1.mimecast.com'],
        ips: ['203.0.113.16/28'],
      },
      state: {
        inboundConnectors: [{ Name: 'Mimecast Inbound', SenderIPAddresses: ['203.0.113.16/28'] }],
      },
    })
    const p = plan(
      vendor(SIMULATOR, { simulationDomains: 'phishsim-test.com' }),
      recommended,
      snapshot,
      { now: NOW },
    )
    expect(p.changes.find((c) => c.surface === 'inbound-connector')?.add).toEqual({
      EFSkipIPs: ['203.0.113.16/28'],
    })
    expect(p.notices.join(' ')).toMatch(/enhanced filtering/i)
  })

  it('hides Safe Links on an EOP-only tenant, with the reason', () => {
    const p = plan(vendor(COMMS, { dedicatedIp: '167.89.10.20' }), recommended, makeSnapshot(), {
      now: NOW,
    })
    expect(p.skipped.find((s) => s.protection === 'safe-links')?.reason).toMatch(
      /Defender for Office 365/,
    )
  })

  it('uses do-not-rewrite with Defender, and an authenticated scoped rule for a comms sender', () => {
    const p = plan(
      vendor(COMMS, { dedicatedIp: '167.89.10.20' }),
      recommended,
      makeDefenderSnapshot(),
      { now: NOW },
    )
    const sl = p.changes.find((c) => c.surface === 'safe-links')
    expect(sl?.add?.DoNotRewriteUrls).toEqual(['contactmonkey.com/*', '*.contactmonkey.com/*'])
    const rule = p.changes.find((c) => c.surface === 'transport-rule')
    expect(rule?.after).toMatchObject({
      SenderIpRanges: ['167.89.10.20'],
      HeaderMatchesMessageHeader: 'Authentication-Results',
      SetSCL: -1,
    })
    // ORCA 118-2 still lists it: a rule with sender IPs but no sender domain fails that check
    // whatever header it also requires (ORCA118-2.ps1 tests the IP branch first).
    expect(rule?.baselines.find((b) => b.check === '118-2')?.title).toMatch(
      /sender IP without limiting the sender domain/,
    )
  })

  it('follows the vendor recipe with --mechanism recipe', () => {
    const p = plan(
      vendor(COMMS, { dedicatedIp: '167.89.10.20' }),
      { mode: 'recipe', protections: ['anti-spam', 'quarantine'] },
      makeSnapshot(),
      { now: NOW },
    )
    expect(p.changes.find((c) => c.surface === 'connection-filter')?.add).toEqual({
      IPAllowList: ['167.89.10.20'],
    })
    expect(
      p.changes.find((c) => c.surface === 'quarantine-policy')?.after
        ?.EndUserQuarantinePermissionsValue,
    ).toBe(39)
    const tags = p.changes.find((c) => c.surface === 'anti-spam')
    expect(tags?.dependsOn).toEqual([p.changes.find((c) => c.surface === 'quarantine-policy')?.id])
  })

  it('only adds missing entries to shared lists', () => {
    const snapshot = makeSnapshot({
      state: { connectionFilter: { IPAllowList: ['167.89.10.20', '192.0.2.1'] } },
    })
    const p = plan(
      vendor(RELAY),
      { mode: 'recommended', protections: ['connection-filter'] },
      snapshot,
      { now: NOW },
    )
    expect(p.changes[0]?.add).toEqual({ IPAllowList: RELAY.sending?.ips })
    expect(applyThenUndo(snapshot, p.changes).restored.state.connectionFilter.IPAllowList).toEqual([
      '167.89.10.20',
      '192.0.2.1',
    ])
  })
})

describe('plan: refusals', () => {
  const custom = (sending: Record<string, string[]>, extra: Record<string, unknown> = {}) =>
    vendor({ ...COMMS, id: 'custom', params: [], sending, ...extra })

  it('refuses the tenant’s own domain', () => {
    const v = custom({ ips: ['167.89.10.20'], envelopeDomains: ['mail.fabrikam.com'] })
    expect(
      refusal(() =>
        plan(v, { mode: 'recommended', protections: ['anti-spam'] }, makeSnapshot(), { now: NOW }),
      ),
    ).toBe('PASSAGE_E_REFUSED_OWN_DOMAIN')
  })

  it('refuses consumer and shared domains', () => {
    const v = custom({ ips: ['167.89.10.20'], envelopeDomains: ['sendgrid.net'] })
    expect(
      refusal(() =>
        plan(v, { mode: 'recommended', protections: ['anti-spam'] }, makeSnapshot(), { now: NOW }),
      ),
    ).toBe('PASSAGE_E_REFUSED_SHARED_DOMAIN')
  })

  it('refuses ranges wider than the IP Allow List takes', () => {
    const v = custom({ ips: ['167.89.8.0/22'] })
    expect(
      refusal(() =>
        plan(v, { mode: 'recommended', protections: ['connection-filter'] }, makeSnapshot(), {
          now: NOW,
        }),
      ),
    ).toBe('PASSAGE_E_REFUSED_CIDR')
  })

  it('refuses private and reserved addresses', () => {
    for (const ip of ['10.1.2.3', '192.168.1.1', '127.0.0.1', '0.0.0.0'])
      expect(
        refusal(() =>
          plan(
            custom({ ips: [ip] }),
            { mode: 'recommended', protections: ['anti-spam'] },
            makeSnapshot(),
            { now: NOW },
          ),
        ),
      ).toBe('PASSAGE_E_REFUSED_ADDRESS')
  })

  it('refuses IPv6 where the list takes none', () => {
    const v = custom({ ips: ['2001:4860:4860::8888'] })
    expect(
      refusal(() =>
        plan(v, { mode: 'recommended', protections: ['connection-filter'] }, makeSnapshot(), {
          now: NOW,
        }),
      ),
    ).toBe('PASSAGE_E_REFUSED_ADDRESS')
  })

  it('refuses header-only conditions', () => {
    const v = custom({}, { headers: ['X-PHISHTEST'] })
    expect(
      refusal(() =>
        plan(v, { mode: 'recommended', protections: ['clutter'] }, makeSnapshot(), { now: NOW }),
      ),
    ).toBe('PASSAGE_E_REFUSED_HEADER_ONLY')
  })

  it('refuses going over a Microsoft limit', () => {
    const full = Array.from(
      { length: 1273 },
      (_, i) => `192.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    )
    const snapshot = makeSnapshot({ state: { connectionFilter: { IPAllowList: full } } })
    expect(
      refusal(() =>
        plan(vendor(RELAY), { mode: 'recommended', protections: ['connection-filter'] }, snapshot, {
          now: NOW,
        }),
      ),
    ).toBe('PASSAGE_E_REFUSED_LIMIT')
    const rules = Array.from({ length: 300 }, (_, i) => ({ Name: `r${i}`, Priority: i }))
    expect(
      refusal(() => plan(vendor(RELAY), recommended, makeSnapshot({ rules }), { now: NOW })),
    ).toBe('PASSAGE_E_REFUSED_LIMIT')
  })

  it('refuses a policy change a preset covering everyone would override', () => {
    const snapshot = makeSnapshot({
      presets: [{ Name: 'Standard Preset Security Policy', Preset: 'Standard', Kind: 'EOP' }],
    })
    try {
      plan(
        vendor(COMMS, { dedicatedIp: '167.89.10.20' }),
        { mode: 'recipe', protections: ['zap'] },
        snapshot,
        { now: NOW },
      )
      expect.unreachable()
    } catch (e) {
      expect(isPassageError(e, 'PASSAGE_E_REFUSED_PRESET')).toBe(true)
      expect((e as Error).message).toMatch(/Standard preset covers every recipient/)
    }
  })

  it('refuses switching spoof intelligence off', () => {
    expect(
      refusal(() =>
        plan(
          vendor(RELAY),
          {
            mode: 'recommended',
            protections: ['spoof'],
            mechanisms: { spoof: 'disable-spoof-intelligence' },
          },
          makeSnapshot(),
          { now: NOW },
        ),
      ),
    ).toBe('PASSAGE_E_REFUSED_UNSAFE')
  })

  it('refuses a rule name clash with an object passage did not create', () => {
    const rules = [{ Name: 'passage: Trustifi Inbound Bypass Clutter', Priority: 0 }]
    expect(
      refusal(() => plan(vendor(RELAY), recommended, makeSnapshot({ rules }), { now: NOW })),
    ).toBe('PASSAGE_E_CONFLICT')
  })

  it('says why an explicitly requested protection is impossible', () => {
    expect(
      refusal(() =>
        plan(vendor(RELAY), { mode: 'recommended', protections: ['safe-links'] }, makeSnapshot(), {
          now: NOW,
        }),
      ),
    ).toBe('PASSAGE_E_MECHANISM_UNAVAILABLE')
  })
})

describe('plan: cautious defaults', () => {
  it('never picks a high-risk mechanism unless asked', () => {
    const v = vendor({ ...RELAY, recommended: ['anti-spam', 'safe-links', 'zap'] })
    const p = plan(v, recommended, makeDefenderSnapshot(), { now: NOW })
    // A relay's anti-spam rule is only its recipe (Microsoft advises against it); quarantine of
    // negative verdicts is what the recommended plan offers instead.
    expect(p.protections.map((x) => x.protection)).toEqual(['quarantine'])
    expect(p.skipped.find((s) => s.protection === 'anti-spam')?.reason).toMatch(
      /Microsoft advises against SCL -1/,
    )
    expect(p.skipped.find((s) => s.protection === 'safe-links')?.reason).toMatch(
      /high risk: planned only when you ask for it/,
    )
    const asked = plan(
      v,
      { mode: 'recommended', protections: ['safe-links'] },
      makeDefenderSnapshot(),
      { now: NOW },
    )
    expect(asked.changes[0]?.after).toMatchObject({
      SetHeaderName: 'X-MS-Exchange-Organization-SkipSafeLinksProcessing',
      SetHeaderValue: '1',
    })
    expect(asked.changes[0]?.baselines.map((b) => b.check)).toContain('189-2')
  })

  it('plan.preset.partial-coverage: plans a policy change for everyone a preset does not cover, naming who stays unchanged', () => {
    const snapshot = makeDefenderSnapshot({
      presets: [
        {
          Name: 'Standard Preset Security Policy',
          Preset: 'Standard',
          Kind: 'ATP',
          SentToMemberOf: ['finance@fabrikam.com'],
        },
      ],
      directory: {
        groups: [
          { address: 'finance@fabrikam.com', members: ['b@fabrikam.com', 'a@fabrikam.com'] },
        ],
      },
    })
    const p = plan(vendor(COMMS, { dedicatedIp: '167.89.10.20' }), recommended, snapshot, {
      now: NOW,
    })
    const links = p.protections.find((x) => x.protection === 'safe-links')
    expect(links).toMatchObject({
      mechanism: 'do-not-rewrite',
      unchangedFor: 'members of finance@fabrikam.com (Standard preset)',
    })
    expect(p.skipped.map((x) => x.protection)).not.toContain('safe-links')
    expect(p.presets).toHaveLength(1)
    expect(p.presets?.[0]).toMatchObject({
      preset: 'Standard',
      kind: 'ATP',
      who: 'members of finance@fabrikam.com',
      recipients: ['a@fabrikam.com', 'b@fabrikam.com'],
      protections: ['safe-links'],
    })
    expect(p.presets?.[0]?.why).toMatch(/Everyone else gets the change/)
    expect(planHashValid(p)).toBe(true)
  })

  it('plan.preset.options: offers what Microsoft allows for preset-covered recipients, each a separate choice with its risk', () => {
    const snapshot = makeDefenderSnapshot({
      presets: [
        {
          Name: 'Standard Preset Security Policy',
          Preset: 'Standard',
          Kind: 'ATP',
          SentToMemberOf: ['finance@fabrikam.com'],
          ExceptIfSentTo: ['ceo@fabrikam.com'],
        },
      ],
    })
    const v = vendor(
      { ...SIMULATOR, recommended: ['impersonation'] },
      { simulationDomains: 'phishsim-test.com' },
    )
    const p = plan(
      v,
      { mode: 'recommended', mechanisms: { impersonation: 'impersonation-exclusion' } },
      snapshot,
      { now: NOW },
    )
    const note = p.presets?.[0]
    // Membership not read: the plan says so rather than naming no one.
    expect(note?.recipients).toBeNull()
    expect(note?.who).toBe('members of finance@fabrikam.com except user ceo@fabrikam.com')
    expect(note?.options.map((o) => [o.id, o.risk])).toEqual([
      ['preset-exception', 'high'],
      ['preset-trusted-sender', 'medium'],
    ])
    // The exception keeps the preset's own exceptions (a parameter replaces the whole list).
    expect(note?.options[0]?.powershell).toBe(
      "Set-ATPProtectionPolicyRule -Identity 'Standard Preset Security Policy' -ExceptIfSentToMemberOf @('finance@fabrikam.com')",
    )
    expect(note?.options[1]?.powershell).toBeNull()
    expect(note?.options[1]?.portal).toMatch(/Add trusted email addresses and domains/)
  })

  it("keeps a preset exception's existing entries and names users and domains with their own parameters", () => {
    const snapshot = makeSnapshot({
      presets: [
        {
          Name: 'Strict Preset Security Policy',
          Preset: 'Strict',
          Kind: 'EOP',
          SentTo: ["o'neil@fabrikam.com"],
          ExceptIfSentTo: ['ceo@fabrikam.com'],
        },
      ],
    })
    const p = plan(
      vendor(COMMS, { dedicatedIp: '167.89.10.20' }),
      { mode: 'recipe', protections: ['zap'] },
      snapshot,
      { now: NOW },
    )
    expect(p.protections[0]).toMatchObject({ mechanism: 'disable-zap' })
    expect(p.presets?.[0]?.options[0]?.powershell).toBe(
      "Set-EOPProtectionPolicyRule -Identity 'Strict Preset Security Policy' -ExceptIfSentTo @('ceo@fabrikam.com','o''neil@fabrikam.com')",
    )
  })
})

describe('plan: honest choices', () => {
  it('offers a high-risk mechanism as an opt-in, in words without command-line flags', () => {
    const v = vendor({ ...RELAY, recommended: ['anti-spam', 'safe-links', 'zap'] })
    const p = plan(v, recommended, makeDefenderSnapshot(), { now: NOW })
    const links = p.skipped.find((s) => s.protection === 'safe-links')
    expect(links?.optIn).toBe('skip-safe-links-header')
    expect(JSON.stringify(p)).not.toMatch(/--[a-z]/)
    // Nothing the plan picked on its own is high risk.
    expect(p.protections.filter((x) => x.risk === 'high' || x.risk === 'critical')).toEqual([])
  })
})

describe('plan: what it says about itself (issue 18)', () => {
  const sim = vendor(SIMULATOR, { simulationDomains: 'phishsim-test.com' })
  const gatewaySnapshot = makeSnapshot({
    mx: {
      route: 'gateway',
      gateway: 'Mimecast',
      hosts: ['eu-smtp-inbound-1.mimecast.com'],
      ips: ['203.0.113.16/28'],
    },
    state: {
      inboundConnectors: [{ Name: 'Mimecast Inbound', SenderIPAddresses: ['203.0.113.16/28'] }],
    },
    rules: [{ Name: 'Mimecast bypass', Priority: 0, SetSCL: -1 }],
  })

  it('names its format, the time given, the tenant, the vendor and the mode', () => {
    const p = plan(sim, recommended, makeSnapshot(), { now: NOW })
    expect({
      format: p.format,
      version: p.version,
      createdAt: p.createdAt,
      tenant: p.tenant,
      vendor: p.vendor,
      mode: p.mode,
    }).toEqual({
      format: 'passage.plan',
      version: 1,
      createdAt: NOW,
      tenant: {
        id: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
        name: 'fabrikam.onmicrosoft.com',
        licence: 'eop',
        mx: 'Microsoft 365',
      },
      vendor: {
        id: 'sim',
        name: 'Simulator',
        category: 'phishing-simulation',
        params: { simulationDomains: 'phishsim-test.com' },
      },
      mode: 'recommended',
    })
    expect(plan(sim, recipe, gatewaySnapshot, { now: NOW })).toMatchObject({
      mode: 'recipe',
      tenant: { mx: 'gateway (Mimecast)' },
    })
  })

  it('says what its allows do with high-confidence phish first, then what the planner added, then each mechanism', () => {
    const p = plan(sim, recommended, gatewaySnapshot, { now: NOW })
    expect(p.notices[0]).toMatch(/^MX points to Mimecast, not Microsoft 365/)
    expect(p.notices[1]).toBe(
      'Enhanced filtering was added: advanced delivery matches the original sending IP, which Exchange sees behind a gateway only with enhanced filtering.',
    )
    expect(p.notices[2]).toMatch(/^Disable 'Mimecast bypass' once enhanced filtering is on/)
    expect(p.notices).toHaveLength(3)
    expect(plan(sim, recommended, makeSnapshot(), { now: NOW }).notices[0]).toMatch(
      /^MX points to Microsoft 365, so secure by default holds/,
    )
  })

  it('lists what it plans and what it skipped', () => {
    const p = plan(sim, recommended, makeSnapshot(), { now: NOW })
    expect(p.protections.map((x) => [x.protection, x.mechanism])).toEqual([
      ['advanced-delivery', 'advanced-delivery'],
    ])
    expect(p.presets).toBeUndefined()
    expect(plannedTitles(p)).toEqual([
      'Advanced delivery (phishing simulation override): Advanced delivery override (domain AND sending IP)',
    ])
  })

  it('plans nothing when refused, carrying every refusal with the first one’s code', () => {
    const custom = vendor({
      ...COMMS,
      id: 'custom',
      params: [],
      sending: { ips: ['10.0.0.1', '2606:4700::1'] },
    })
    try {
      plan(custom, { mode: 'recipe', protections: ['anti-spam'] }, makeSnapshot(), { now: NOW })
      expect.unreachable('expected a refusal')
    } catch (e) {
      if (!isPassageError(e)) throw e
      expect(e.code).toBe('PASSAGE_E_REFUSED_ADDRESS')
      expect((e.details?.diagnostics as unknown[]).length).toBeGreaterThan(1)
    }
  })
})
