import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TRANSPORT_RULE_LIMITS } from '../src/core/model/transport-rule.js'
import { SNAPSHOT_VERSION, TenantSnapshot } from '../src/core/model/snapshot.js'

// The example tenant snapshots in examples/ are what users and the other tests start from.
const examplesDir = join(import.meta.dirname, '..', 'examples')
const files = readdirSync(examplesDir).filter((f) => f.endsWith('.json'))

function raw(file: string): unknown {
  return JSON.parse(readFileSync(join(examplesDir, file), 'utf8'))
}

function load(file: string): TenantSnapshot {
  return TenantSnapshot.parse(raw(file))
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('example snapshots', () => {
  it('has the three documented examples', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'eop-only.json',
        'defender-p2-standard-preset.json',
        'gateway-relay.json',
      ]),
    )
  })

  describe.each(files)('%s', (file) => {
    it('parses with TenantSnapshot', () => {
      const r = TenantSnapshot.safeParse(raw(file))
      expect(r.success ? [] : r.error.issues).toEqual([])
    })

    it('is a version 1 passage snapshot of a fictional tenant', () => {
      const s = load(file)
      expect(s.format).toBe('passage.snapshot')
      expect(s.version).toBe(SNAPSHOT_VERSION)
      expect(s.capturedAt).toBe('2026-11-20T09:00:00Z')
      expect(s.tenant.id).toMatch(UUID_V4)
      expect(s.acceptedDomains.filter((d) => d.Default)).toHaveLength(1)
      expect(s.acceptedDomains.map((d) => d.DomainName)).toContain(s.tenant.name)
    })

    it('has transport rules with unique names, valid lengths and contiguous priorities', () => {
      const rules = load(file).state.transportRules
      const names = rules.map((r) => r.Name.toLowerCase())
      expect(new Set(names).size).toBe(names.length)
      for (const r of rules) {
        expect(r.Name.length).toBeLessThanOrEqual(TRANSPORT_RULE_LIMITS.maxNameLength)
        expect((r.Comments ?? '').length).toBeLessThanOrEqual(
          TRANSPORT_RULE_LIMITS.maxCommentsLength,
        )
        if (r.Guid != null) expect(r.Guid).toMatch(UUID_V4)
      }
      expect(rules.map((r) => r.Priority).sort((a, b) => a - b)).toEqual(rules.map((_, i) => i))
    })

    it('has the built-in quarantine policies and one default anti-spam and anti-phish policy', () => {
      const s = load(file).state
      expect(s.quarantinePolicies.map((q) => q.Name)).toEqual(
        expect.arrayContaining([
          'AdminOnlyAccessPolicy',
          'DefaultFullAccessPolicy',
          'DefaultFullAccessWithNotificationPolicy',
          'NotificationEnabledPolicy',
        ]),
      )
      expect(s.antiSpam.policies.filter((p) => p.IsDefault).map((p) => p.Name)).toEqual(['Default'])
      expect(s.antiPhish.policies.filter((p) => p.IsDefault).map((p) => p.Name)).toEqual([
        'Office365 AntiPhish Default',
      ])
    })
  })

  it('eop-only: an EOP tenant without Defender surfaces', () => {
    const s = load('eop-only.json')
    expect(s.tenant.name).toBe('fabrikam.onmicrosoft.com')
    expect(s.licence).toBe('eop')
    expect(s.mx).toEqual({
      route: 'microsoft',
      hosts: ['fabrikam-com.mail.protection.outlook.com'],
    })
    expect(s.presets).toEqual([])
    expect(s.state.safeLinks).toBeNull()
    expect(s.state.safeAttachments).toBeNull()
    expect(s.state.atpPolicy).toBeNull()
    expect(s.state.connectionFilter).toMatchObject({ IPAllowList: [], IPBlockList: [] })
    expect(s.state.transportRules).toHaveLength(3)
    expect(s.state.tabl.items.filter((i) => i.Action === 'Block')).toHaveLength(2)
  })

  it('defender-p2-standard-preset: the Standard preset covers finance@contoso.com', () => {
    const s = load('defender-p2-standard-preset.json')
    expect(s.licence).toBe('mdo-p2')
    expect(s.mx.route).toBe('microsoft')
    const standard = s.presets.filter((p) => p.Preset === 'Standard' && p.State === 'Enabled')
    expect(standard.map((p) => p.Kind).sort()).toEqual(['ATP', 'EOP'])
    for (const p of standard) expect(p.SentToMemberOf).toContain('finance@contoso.com')
    expect(s.presets.some((p) => p.Preset === 'Strict')).toBe(false)
    const finance = s.directory.groups.find((g) => g.address === 'finance@contoso.com')
    expect(finance?.members).toHaveLength(3)
    expect(s.state.safeLinks?.policies.some((p) => p.IsBuiltInProtection)).toBe(true)
    expect(s.state.safeAttachments?.policies.some((p) => p.IsBuiltInProtection)).toBe(true)
    expect(s.state.atpPolicy).not.toBeNull()
    expect(s.state.transportRules).toHaveLength(5)
  })

  it('gateway-relay: MX at a gateway, 41+ rules with an existing Trustifi relay rule', () => {
    const s = load('gateway-relay.json')
    expect(s.licence).toBe('mdo-p1')
    expect(s.mx.route).toBe('gateway')
    const rules = s.state.transportRules
    expect(rules.length).toBeGreaterThanOrEqual(41)
    const relay = rules.find((r) => /trustifi/i.test(r.Name))
    expect(relay).toBeDefined()
    expect(relay?.Priority).toBeGreaterThan(0)
    expect(relay?.Priority).toBeLessThan(rules.length - 1)
    expect(rules.map((r) => r.Priority).sort((a, b) => a - b)).toEqual(rules.map((_, i) => i))
    expect(rules.some((r) => r.SetSCL === -1 && r.SenderIpRanges.length > 0)).toBe(true)
    expect(rules.some((r) => r.StopRuleProcessing)).toBe(true)
    const connector = s.state.inboundConnectors.find((c) => c.Name === 'Mimecast Inbound')
    expect(connector).toMatchObject({ EFSkipIPs: [], EFSkipLastIP: false })
  })
})
