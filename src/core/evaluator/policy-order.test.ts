import { describe, expect, it } from 'vitest'
import { first, makeDefenderSnapshot, makeSnapshot, preset, run } from './test-fixtures.js'

const custom = (
  name: string,
  priority: number,
  scope: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  policy: { Name: name, SpamAction: 'Quarantine' as const, ...extra },
  rule: { Name: name, HostedContentFilterPolicy: name, Priority: priority, ...scope },
})

function withCustom(
  list: ReturnType<typeof custom>[],
  over: Parameters<typeof makeSnapshot>[0] = {},
) {
  return makeSnapshot({
    ...over,
    directory: { groups: [{ address: 'finance@fabrikam.com', members: ['alice@fabrikam.com'] }] },
    state: {
      antiSpam: {
        policies: [{ Name: 'Default', IsDefault: true }, ...list.map((c) => c.policy)],
        rules: list.map((c) => c.rule),
      },
    },
  })
}

describe('policy order (reference §4.2)', () => {
  it('Strict preset beats Standard preset', () => {
    const s = makeSnapshot({ presets: [...preset('Standard'), ...preset('Strict')] })
    const r = first(s, { detections: ['spam'] })
    expect(r.policies.antiSpam).toEqual({ kind: 'preset', name: 'Strict Preset Security Policy' })
    expect(r.action).toBe('quarantine')
  })

  it('Standard preset beats custom policies', () => {
    const s = withCustom([custom('Custom', 0, { RecipientDomainIs: ['fabrikam.com'] })], {
      presets: preset('Standard'),
    })
    const r = first(s, { detections: ['spam'] })
    expect(r.policies.antiSpam.name).toBe('Standard Preset Security Policy')
    expect(r.action).toBe('junk')
  })

  it('ignores a custom policy’s allowed senders for users in a preset', () => {
    const allow = { AllowedSenderDomains: ['contoso.com'] }
    const scope = { RecipientDomainIs: ['fabrikam.com'] }
    const withPreset = withCustom([custom('Custom', 0, scope, allow)], {
      presets: preset('Standard', { SentTo: ['alice@fabrikam.com'] }),
    })
    const inPreset = first(withPreset, { detections: ['spam'], recipients: ['alice@fabrikam.com'] })
    expect(inPreset.sfv).toBe('SPM')
    expect(inPreset.action).toBe('junk')
    const outside = first(withPreset, { detections: ['spam'], recipients: ['bob@fabrikam.com'] })
    expect(outside.policies.antiSpam.name).toBe('Custom')
    expect(outside.sfv).toBe('SKA')
    expect(outside.action).toBe('inbox')
  })

  it('takes custom policies by priority, 0 first, and only the first match', () => {
    const s = withCustom([
      custom('Second', 1, { RecipientDomainIs: ['fabrikam.com'] }, { SpamAction: 'MoveToJmf' }),
      custom('First', 0, { SentTo: ['alice@fabrikam.com'] }, { SpamAction: 'Quarantine' }),
    ])
    const r = first(s, { detections: ['spam'] })
    expect(r.policies.antiSpam.name).toBe('First')
    expect(r.action).toBe('quarantine')
    expect(
      first(s, { detections: ['spam'], recipients: ['bob@fabrikam.com'] }).policies.antiSpam.name,
    ).toBe('Second')
  })

  it('skips disabled rules', () => {
    const list = [custom('Off', 0, { RecipientDomainIs: ['fabrikam.com'] })]
    list[0]!.rule = { ...list[0]!.rule, State: 'Disabled' } as (typeof list)[0]['rule']
    const r = first(withCustom(list), { detections: ['spam'] })
    expect(r.policies.antiSpam.name).toBe('Default')
    expect(r.trace.some((s) => /default policy 'Default' applies/.test(s.decision))).toBe(true)
  })

  it('skips a disabled preset', () => {
    const s = makeSnapshot({
      presets: preset('Strict').map((p) => ({ ...p, State: 'Disabled' as const })),
    })
    expect(first(s, { detections: ['spam'] }).policies.antiSpam.name).toBe('Default')
  })

  it('falls back to the default policy', () => {
    const s = withCustom([custom('Others', 0, { SentTo: ['carol@fabrikam.com'] })])
    expect(first(s, { detections: ['spam'] }).policies.antiSpam).toEqual({
      kind: 'anti-spam-policy',
      name: 'Default',
    })
  })

  it('resolves SentToMemberOf through the directory groups', () => {
    const s = withCustom([custom('Finance', 0, { SentToMemberOf: ['finance@fabrikam.com'] })])
    expect(first(s, { recipients: ['alice@fabrikam.com'] }).policies.antiSpam.name).toBe('Finance')
    expect(first(s, { recipients: ['bob@fabrikam.com'] }).policies.antiSpam.name).toBe('Default')
  })

  it('flags a group the directory does not list', () => {
    const s = withCustom([custom('Sales', 0, { SentToMemberOf: ['sales@fabrikam.com'] })])
    const r = first(s)
    expect(r.policies.antiSpam.name).toBe('Default')
    expect(r.uncertain.join('\n')).toMatch(/Group membership unknown for sales@fabrikam.com/)
  })

  it('honours ExceptIf conditions', () => {
    const s = withCustom([
      custom('All but alice', 0, {
        RecipientDomainIs: ['fabrikam.com'],
        ExceptIfSentTo: ['alice@fabrikam.com'],
      }),
    ])
    expect(first(s).policies.antiSpam.name).toBe('Default')
    expect(first(s, { recipients: ['bob@fabrikam.com'] }).policies.antiSpam.name).toBe(
      'All but alice',
    )
  })

  it('ANDs different conditions and ORs values within one', () => {
    const s = withCustom([
      custom('Both', 0, {
        SentTo: ['alice@fabrikam.com', 'bob@fabrikam.com'],
        SentToMemberOf: ['finance@fabrikam.com'],
      }),
    ])
    expect(first(s, { recipients: ['alice@fabrikam.com'] }).policies.antiSpam.name).toBe('Both')
    expect(first(s, { recipients: ['bob@fabrikam.com'] }).policies.antiSpam.name).toBe('Default')
  })

  it('evaluates each recipient separately', () => {
    const s = withCustom([custom('Alice only', 0, { SentTo: ['alice@fabrikam.com'] })])
    const e = run(s, {
      detections: ['spam'],
      recipients: ['alice@fabrikam.com', 'bob@fabrikam.com'],
    })
    expect(e.recipients.map((r) => [r.recipient, r.policies.antiSpam.name, r.action])).toEqual([
      ['alice@fabrikam.com', 'Alice only', 'quarantine'],
      ['bob@fabrikam.com', 'Default', 'junk'],
    ])
  })

  it('picks the ATP preset for Safe Links and impersonation, the EOP preset for anti-spam', () => {
    const s = makeDefenderSnapshot({
      presets: preset('Strict').filter((p) => p.Kind === 'ATP'),
    })
    const r = first(s, { urls: ['https://contoso.com/'] })
    expect(r.policies.antiSpam.name).toBe('Default')
    expect(r.policies.safeLinks).toEqual({ kind: 'preset', name: 'Strict Preset Security Policy' })
  })

  it('uses the Built-in protection policy for Safe Links when nothing else matches', () => {
    const r = first(makeDefenderSnapshot(), { urls: ['https://contoso.com/'] })
    expect(r.policies.safeLinks?.name).toBe('Built-In Protection Policy')
  })
})
