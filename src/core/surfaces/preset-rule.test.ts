import { describe, expect, it } from 'vitest'
import type { Change, JsonObject } from '../change.js'
import { makeSnapshot } from '../model/test-fixtures.js'
import { presetRuleSurface } from './preset-rule.js'
import { applyChange, objectOf, undoIn } from './snapshot-edit.js'

// ms-rule: plan.preset.exception
// Set-EOPProtectionPolicyRule / Set-ATPProtectionPolicyRule: a list parameter is the whole list,
// cleared with $null (office-docs-powershell, both pages' examples).
const rule: JsonObject = {
  Name: 'Standard Preset Security Policy',
  Preset: 'Standard',
  Kind: 'EOP',
  State: 'Enabled',
  Priority: 1,
  SentTo: [],
  SentToMemberOf: ['finance@contoso.com'],
  RecipientDomainIs: [],
  ExceptIfSentTo: [],
  ExceptIfSentToMemberOf: [],
  ExceptIfRecipientDomainIs: [],
}
const snapshot = makeSnapshot({ presets: [rule as never] })
const after = { ...rule, ExceptIfSentToMemberOf: ['finance@contoso.com'] }
const change: Change = {
  id: 'c01',
  surface: 'preset-rule',
  op: 'update',
  target: 'EOP:Standard Preset Security Policy',
  protections: ['zap'],
  mechanism: 'disable-zap',
  summary: 'Take members of finance@contoso.com out of the Standard preset',
  before: rule,
  after,
  set: { ExceptIfSentToMemberOf: ['finance@contoso.com'] },
  calls: [],
  risk: { level: 'high', reason: 'x' },
  limits: [],
  baselines: [],
  dependsOn: [],
}

describe('plan.preset.exception: the preset-rule surface', () => {
  it('keys a rule by kind and name (the EOP and Defender rules share their names)', () => {
    expect(presetRuleSurface.key(rule)).toBe('EOP:Standard Preset Security Policy')
    expect(presetRuleSurface.key({ ...rule, Kind: 'ATP' })).toBe(
      'ATP:Standard Preset Security Policy',
    )
  })

  it('sets each edited exception list whole with the cmdlet of its kind', () => {
    expect(presetRuleSurface.calls(change)).toEqual([
      {
        cmdlet: 'Set-EOPProtectionPolicyRule',
        params: {
          Identity: 'Standard Preset Security Policy',
          ExceptIfSentToMemberOf: ['finance@contoso.com'],
        },
      },
    ])
    expect(
      presetRuleSurface.calls({ ...change, before: { ...rule, Kind: 'ATP' } })[0]?.cmdlet,
    ).toBe('Set-ATPProtectionPolicyRule')
  })

  it('edits the snapshot’s preset rules (the tenant context the evaluator reads)', () => {
    const next = applyChange(snapshot, change)
    expect(next.presets[0]?.ExceptIfSentToMemberOf).toEqual(['finance@contoso.com'])
    expect(objectOf(next, change)?.ExceptIfSentToMemberOf).toEqual(['finance@contoso.com'])
    expect(snapshot.presets[0]?.ExceptIfSentToMemberOf).toEqual([])
  })

  it('undoes exactly: the list as it was, an empty one cleared with $null', () => {
    const next = applyChange(snapshot, change)
    const undo = undoIn(next, change, rule)
    expect(undo.calls).toEqual([
      {
        cmdlet: 'Set-EOPProtectionPolicyRule',
        params: { Identity: 'Standard Preset Security Policy', ExceptIfSentToMemberOf: null },
      },
    ])
    expect(applyChange(next, undo.change as Change).presets).toEqual(snapshot.presets)
  })

  it('leaves an exception list someone changed since apply as they set it (unless forced)', () => {
    const theirs = { ...after, ExceptIfSentToMemberOf: ['finance@contoso.com', 'hr@contoso.com'] }
    const undo = presetRuleSurface.inverse(change, rule, theirs)
    expect(undo.change).toBeNull()
    expect(undo.conflicts.map((c) => c.field)).toEqual(['ExceptIfSentToMemberOf'])
    expect(presetRuleSurface.inverse(change, rule, theirs, { force: true }).calls).toHaveLength(1)
  })

  it('drift: any condition or exception changed since the plan is refused; case and order are not drift', () => {
    expect(
      presetRuleSurface.drift(rule, { ...rule, SentToMemberOf: ['FINANCE@contoso.com'] }, change),
    ).toEqual([])
    const d = presetRuleSurface.drift(
      rule,
      { ...rule, ExceptIfRecipientDomainIs: ['sub.contoso.com'], SentTo: ['x@contoso.com'] },
      change,
    )
    expect(d.map((x) => x.field)).toEqual(['SentTo', 'ExceptIfRecipientDomainIs'])
    expect(presetRuleSurface.drift(rule, null, change).map((x) => x.field)).toEqual(['(object)'])
  })

  it('check: in effect when the exceptions are there; says so when they were taken away', () => {
    const ctx = { snapshot, nowMs: 0 }
    expect(presetRuleSurface.verify(after, change, ctx)).toEqual([])
    const f = presetRuleSurface.verify(rule, change, ctx)
    expect(f).toHaveLength(1)
    expect(f[0]?.problem).toMatch(/ExceptIfSentToMemberOf/)
  })

  it('only updates preset rules, never creates or removes them', () => {
    expect(presetRuleSurface.ops).toEqual(['update'])
    expect(() => presetRuleSurface.calls({ ...change, op: 'remove' })).toThrow(/only edits/)
  })
})
