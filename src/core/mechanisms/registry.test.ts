import { describe, expect, it } from 'vitest'
import { MechanismId, ProtectionId } from '../protections/ids.js'
import { PROTECTIONS } from '../protections/definitions.js'
import { COMMS, makeSnapshot, NOW, vendor } from '../planner/test-fixtures.js'
import type { SnapshotOptions } from '../model/test-fixtures.js'
import type { VendorProfileInput } from '../vendor/profile.js'
import type { PlanContext } from './context.js'
import {
  availability,
  availabilityFor,
  MECHANISMS,
  mechanismOf,
  presetConflict,
  presetPartial,
  REGISTRY,
} from './registry.js'

describe('mechanism registry', () => {
  it('holds every mechanism exactly once, in the order of MechanismId', () => {
    expect(REGISTRY.map((m) => m.def.id)).toEqual(MechanismId.options)
  })

  it('finds each mechanism by its id, and its definition in MECHANISMS', () => {
    for (const id of MechanismId.options) {
      expect(mechanismOf(id).def.id).toBe(id)
      expect(MECHANISMS[id]).toBe(mechanismOf(id).def)
    }
    // The wizard and the API list them in this order.
    expect(Object.keys(MECHANISMS)).toEqual(MechanismId.options)
  })

  it('says why each refused mechanism is refused, and what each one needs and risks', () => {
    for (const m of REGISTRY) {
      expect(m.def.title, m.def.id).not.toBe('')
      expect(m.def.riskReason, m.def.id).not.toBe('')
      expect(m.def.needs, m.def.id).not.toBe('')
      if (m.def.risk === 'critical') expect(m.def.refused, m.def.id).toBeTruthy()
    }
  })

  it('serves every protection, and every mechanism serves one', () => {
    expect(PROTECTIONS.map((p) => p.id).sort()).toEqual([...ProtectionId.options].sort())
    const served = new Set(PROTECTIONS.flatMap((p) => p.mechanisms))
    expect([...served].sort()).toEqual([...MechanismId.options].sort())
  })
})

// What holds for every mechanism before its own needs (registry.availability): refused outright,
// overridden by a preset covering everyone (defender-docs preset-security-policies.md: presets win
// over custom and default policies and cannot be changed), licence, then vendor category.
function ctxOf(
  snapshot: SnapshotOptions = {},
  over: Partial<VendorProfileInput> = {},
): PlanContext {
  return {
    snapshot: makeSnapshot(snapshot),
    vendor: vendor({
      ...COMMS,
      name: 'Acme',
      params: [],
      sending: { ips: ['3.93.243.176'], envelopeDomains: ['acme.com'], linkDomains: ['acme.com'] },
      ...over,
    }),
    now: NOW,
    mode: 'recommended',
  }
}

const everyone = (kind: 'EOP' | 'ATP', preset: 'Standard' | 'Strict' = 'Standard') => ({
  Name: `${preset} ${kind}`,
  Preset: preset,
  Kind: kind,
})

const PRESET_REASON =
  'covers every recipient, and preset security policies win over custom and default policies, whose settings this would change; Microsoft does not let preset settings be changed'

describe('mechanismOf', () => {
  it('throws for an id no module has', () => {
    expect(() => mechanismOf('nope' as never)).toThrow('no mechanism module for nope')
  })
})

describe('availability: the checks every mechanism gets', () => {
  it('refuses a refused mechanism as unsafe, by its definition, before anything else', () => {
    expect(availability('safe-list', ctxOf())).toEqual({
      ok: false,
      reason: MECHANISMS['safe-list'].refused,
      refusal: 'PASSAGE_E_REFUSED_UNSAFE',
    })
    expect(availability('disable-spoof-intelligence', ctxOf())).toMatchObject({
      ok: false,
      refusal: 'PASSAGE_E_REFUSED_UNSAFE',
    })
  })

  it('refuses a policy-level mechanism when a preset of its kind covers every recipient', () => {
    expect(availability('bulk-threshold', ctxOf({ presets: [everyone('EOP')] }))).toEqual({
      ok: false,
      reason: `the Standard preset ${PRESET_REASON}`,
      refusal: 'PASSAGE_E_REFUSED_PRESET',
    })
    expect(
      presetConflict(
        'disable-zap',
        ctxOf({ presets: [everyone('EOP'), everyone('EOP', 'Strict')] }),
      ),
    ).toBe(`the Standard preset and the Strict preset ${PRESET_REASON}`)
  })

  it('lets a preset pass when it covers some recipients, is of another kind, or the mechanism is not policy-level', () => {
    const partial = ctxOf({ presets: [{ ...everyone('EOP'), SentTo: ['ann@fabrikam.com'] }] })
    expect(presetConflict('bulk-threshold', partial)).toBeNull()
    expect(availability('bulk-threshold', partial)).toEqual({ ok: true })
    expect(presetConflict('bulk-threshold', ctxOf({ presets: [everyone('ATP')] }))).toBeNull()
    expect(presetConflict('ip-allow', ctxOf({ presets: [everyone('EOP')] }))).toBeNull()
    expect(availability('ip-allow', ctxOf({ presets: [everyone('EOP')] }))).toEqual({ ok: true })
  })

  it('names the presets covering some recipients of a policy-level mechanism only', () => {
    const partial = ctxOf({
      presets: [{ ...everyone('EOP'), SentTo: ['ann@fabrikam.com'] }, everyone('EOP', 'Strict')],
    })
    expect(presetPartial('bulk-threshold', partial).map((c) => c.rule)).toEqual(['Standard EOP'])
    expect(presetPartial('ip-allow', partial)).toEqual([])
  })

  it('checks the preset before the licence', () => {
    expect(availability('do-not-rewrite', ctxOf({ presets: [everyone('ATP')] }))).toMatchObject({
      refusal: 'PASSAGE_E_REFUSED_PRESET',
    })
  })

  it('needs Defender where the definition says so, naming the licence (not a refusal)', () => {
    expect(availability('impersonation-exclusion', ctxOf())).toEqual({
      ok: false,
      reason: 'needs Defender for Office 365; this tenant has Exchange Online Protection only',
    })
    expect(availability('impersonation-exclusion', ctxOf({ licence: 'mdo-p1' }))).toEqual({
      ok: true,
    })
  })

  it("is only for the definition's vendor categories, naming the vendor's", () => {
    expect(availability('advanced-delivery', ctxOf())).toEqual({
      ok: false,
      reason: 'only for phishing simulation services; Acme is an internal communications service',
    })
    expect(availability('quarantine-verdicts', ctxOf())).toEqual({
      ok: false,
      reason: 'only for inbound relay services; Acme is an internal communications service',
    })
    expect(availability('quarantine-verdicts', ctxOf({}, { category: 'inbound-relay' }))).toEqual({
      ok: true,
    })
  })

  it("asks the mechanism's own needs last", () => {
    expect(availability('ip-allow', ctxOf({}, { sending: { ips: [] } }))).toEqual({
      ok: false,
      reason: 'Acme has no sending IPs',
    })
  })
})

describe('availabilityFor: a mechanism for one protection', () => {
  const gateway: SnapshotOptions = {
    mx: { route: 'gateway', gateway: 'Mimecast', hosts: [], ips: ['203.0.113.1'] },
    state: { inboundConnectors: [{ Name: 'Mimecast' }] as never },
  }

  it('says why the mechanism does not serve that protection, before its availability', () => {
    expect(availabilityFor('anti-spam', 'enhanced-filtering', ctxOf(gateway))).toEqual({
      ok: false,
      reason:
        "it shows Exchange the true source behind the gateway but filters Acme's mail as before",
    })
    expect(availabilityFor('anti-spam', 'enhanced-filtering', ctxOf())).toMatchObject({
      ok: false,
      reason: expect.stringContaining('it shows Exchange the true source') as string,
    })
  })

  it('is its availability when it serves the protection, or serves them all', () => {
    expect(availabilityFor('enhanced-filtering', 'enhanced-filtering', ctxOf(gateway))).toEqual({
      ok: true,
    })
    expect(availabilityFor('enhanced-filtering', 'enhanced-filtering', ctxOf())).toEqual({
      ok: false,
      reason: 'MX points at Microsoft 365: there is no gateway hop to skip',
    })
    expect(availabilityFor('anti-spam', 'ip-allow', ctxOf({}, { sending: { ips: [] } }))).toEqual({
      ok: false,
      reason: 'Acme has no sending IPs',
    })
  })
})
