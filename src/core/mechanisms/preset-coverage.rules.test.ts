// Who the preset security policies cover. Microsoft: presets win over custom and default policies
// and their settings cannot be changed; a preset applies to the recipients its conditions name,
// conditions of different kinds are ANDed, exceptions are ORed, and a domain includes its
// subdomains (defender-docs preset-security-policies.md, "Order of precedence" and the Tip in
// step 3). A change to a custom or default policy therefore misses exactly those recipients.
// One rule per test (issue 18).
import { describe, expect, it } from 'vitest'
import type { PresetRule } from '../model/preset.js'
import { makeSnapshot, NOW, COMMS, vendor } from '../planner/test-fixtures.js'
import type { PlanContext } from './context.js'
import {
  presetCoverage,
  presetsCoveringEveryone,
  presetsCoveringSome,
  unchangedWords,
  type PresetCover,
} from './preset-coverage.js'

type Preset = Partial<PresetRule> & { Name: string }

function ctxOf(
  presets: Preset[],
  groups: { address: string; members: string[] }[] = [],
): PlanContext {
  return {
    snapshot: makeSnapshot({
      acceptedDomains: [{ DomainName: 'fabrikam.com' }, { DomainName: 'mail.contoso.com' }],
      presets: presets.map((p) => ({ Preset: 'Standard', Kind: 'EOP', ...p })),
      directory: { groups },
    }),
    vendor: vendor({ ...COMMS, params: [], sending: { ips: [] } }),
    now: NOW,
    mode: 'recommended',
  }
}

const cover = (p: Preset, groups: { address: string; members: string[] }[] = []) =>
  presetCoverage(ctxOf([p], groups), 'EOP')[0] as PresetCover

describe('a preset covering every recipient', () => {
  it('has no condition and no exception', () => {
    expect(cover({ Name: 'Standard' })).toEqual({
      preset: 'Standard',
      kind: 'EOP',
      rule: 'Standard',
      who: 'everyone',
      recipients: null,
      everyone: true,
    })
  })

  it('or names every accepted domain, a parent domain covering its subdomains', () => {
    expect(cover({ Name: 'S', RecipientDomainIs: ['fabrikam.com', 'contoso.com'] }).everyone).toBe(
      true,
    )
    expect(cover({ Name: 'S', RecipientDomainIs: ['fabrikam.com'] }).everyone).toBe(false)
    // A subdomain does not cover its parent.
    expect(
      cover({ Name: 'S', RecipientDomainIs: ['fabrikam.com', 'x.mail.contoso.com'] }).everyone,
    ).toBe(false)
  })

  it('but not with any exception or a user or group condition', () => {
    for (const over of [
      { ExceptIfSentTo: ['ann@fabrikam.com'] },
      { ExceptIfSentToMemberOf: ['finance@fabrikam.com'] },
      { ExceptIfRecipientDomainIs: ['fabrikam.com'] },
      { SentTo: ['ann@fabrikam.com'] },
      { SentToMemberOf: ['finance@fabrikam.com'] },
    ])
      expect(cover({ Name: 'S', ...over }).everyone, JSON.stringify(over)).toBe(false)
  })
})

describe('who a partial preset covers', () => {
  it('names its scope and its exceptions in words', () => {
    expect(
      cover({
        Name: 'S',
        RecipientDomainIs: ['fabrikam.com'],
        ExceptIfSentTo: ['ann@fabrikam.com'],
        ExceptIfSentToMemberOf: ['it@fabrikam.com'],
        ExceptIfRecipientDomainIs: ['sub.fabrikam.com'],
      }).who,
    ).toBe(
      'everyone @fabrikam.com except user ann@fabrikam.com, members of it@fabrikam.com, everyone @sub.fabrikam.com',
    )
    expect(cover({ Name: 'S', SentTo: ['ann@fabrikam.com'] }).who).toBe('user ann@fabrikam.com')
  })

  it('lists its users, lower-cased', () => {
    expect(cover({ Name: 'S', SentTo: ['Ann@Fabrikam.com'] }).recipients).toEqual([
      'ann@fabrikam.com',
    ])
  })

  it("lists its groups' members, nested groups expanded, sorted and once each", () => {
    const groups = [
      { address: 'Finance@fabrikam.com', members: ['Zoe@fabrikam.com', 'audit@fabrikam.com'] },
      { address: 'audit@fabrikam.com', members: ['bob@fabrikam.com', 'zoe@fabrikam.com'] },
      { address: 'sales@fabrikam.com', members: ['ann@fabrikam.com'] },
    ]
    expect(
      cover({ Name: 'S', SentToMemberOf: ['finance@FABRIKAM.com', 'sales@fabrikam.com'] }, groups)
        .recipients,
    ).toEqual(['ann@fabrikam.com', 'bob@fabrikam.com', 'zoe@fabrikam.com'])
  })

  it('expands nested groups eight levels deep, then names the group itself', () => {
    const groups = Array.from({ length: 11 }, (_, i) => ({
      address: `g${i}@fabrikam.com`,
      members: [i < 10 ? `g${i + 1}@fabrikam.com` : 'ann@fabrikam.com'],
    }))
    expect(cover({ Name: 'S', SentToMemberOf: ['g0@fabrikam.com'] }, groups).recipients).toEqual([
      'g9@fabrikam.com',
    ])
    // A group that holds itself ends there too.
    const loop = [{ address: 'loop@fabrikam.com', members: ['loop@fabrikam.com'] }]
    expect(cover({ Name: 'S', SentToMemberOf: ['loop@fabrikam.com'] }, loop).recipients).toEqual([
      'loop@fabrikam.com',
    ])
  })

  it('cannot tell for a group the directory does not list, a domain, an exception, or users AND groups', () => {
    const groups = [{ address: 'finance@fabrikam.com', members: ['ann@fabrikam.com'] }]
    for (const over of [
      { SentToMemberOf: ['finance@fabrikam.com', 'unknown@fabrikam.com'] },
      { RecipientDomainIs: ['fabrikam.com'] },
      { SentTo: ['ann@fabrikam.com'], ExceptIfSentTo: ['bob@fabrikam.com'] },
      { SentTo: ['ann@fabrikam.com'], SentToMemberOf: ['finance@fabrikam.com'] },
    ])
      expect(cover({ Name: 'S', ...over }, groups).recipients, JSON.stringify(over)).toBeNull()
  })
})

describe('presets of a kind, split by whether they cover everyone', () => {
  const ctx = ctxOf([
    { Name: 'All', Preset: 'Strict' },
    { Name: 'Some', SentTo: ['ann@fabrikam.com'] },
    { Name: 'Off', State: 'Disabled' },
    { Name: 'ATP all', Kind: 'ATP' },
  ])

  it('counts enabled presets of that kind only', () => {
    expect(presetCoverage(ctx, 'EOP').map((c) => c.rule)).toEqual(['All', 'Some'])
    expect(presetCoverage(ctx, 'ATP').map((c) => c.rule)).toEqual(['ATP all'])
  })

  it('covering everyone, or some', () => {
    expect(presetsCoveringEveryone(ctx, 'EOP').map((c) => c.rule)).toEqual(['All'])
    expect(presetsCoveringSome(ctx, 'EOP').map((c) => c.rule)).toEqual(['Some'])
  })

  it('names who stays unchanged, preset by preset', () => {
    expect(unchangedWords(presetCoverage(ctx, 'EOP'))).toBe(
      'everyone (Strict preset); user ann@fabrikam.com (Standard preset)',
    )
  })
})
