import { describe, expect, it } from 'vitest'
import { bypassRule, first, makeSnapshot, preset } from '../evaluator/test-fixtures.js'
import { journeyOf } from './from-evaluation.js'
import { landingSummary } from './landing.js'
import { journeyLines, journeyPairLines } from './text.js'

const bulk = { detections: [{ kind: 'bulk' as const, bcl: 9 }] }

describe('journey text', () => {
  it('prints one line per stage, the deciding stage marked, in plain words', () => {
    const j = journeyOf(first(makeSnapshot({ rules: [bypassRule()] }), bulk))
    const lines = journeyLines(j)
    expect(lines).toHaveLength(10)
    expect(lines.filter((l) => l.includes('▶'))).toHaveLength(1)
    expect(lines.find((l) => l.includes('▶'))).toMatch(
      /Mail flow rules\s+decided\s+mail flow rule 'Vendor bypass'/,
    )
    for (const l of lines) expect(l).not.toMatch(/\$\{|<id>|undefined|null|\bSFV\b|\bCAT\b/)
  })

  it('prints today and after the plan for a recipient, naming the preset that covers them', () => {
    const s = makeSnapshot({ presets: preset('Standard') })
    const before = journeyOf(first(s, bulk))
    const after = journeyOf(
      first(makeSnapshot({ presets: preset('Standard'), rules: [bypassRule()] }), bulk),
    )
    const lines = journeyPairLines('Vendor from 203.0.113.10', { before, after })
    expect(lines[0]).toBe(
      'Vendor from 203.0.113.10 to alice@fabrikam.com (covered by Standard Preset Security Policy)',
    )
    expect(lines[1]).toMatch(/^ {2}today: /)
    expect(lines[11]).toMatch(/^ {2}after the plan: Inbox/)
    expect(lines).toHaveLength(21)
  })
})

describe('landingSummary', () => {
  it('counts where copies land per preset-covered group and for everyone else', () => {
    const covered = journeyOf(first(makeSnapshot({ presets: preset('Standard') }), bulk))
    const ordinary = journeyOf(first(makeSnapshot(), bulk))
    const inbox = journeyOf(first(makeSnapshot({ rules: [bypassRule()] }), bulk))
    const groups = landingSummary([
      { recipient: 'alice@fabrikam.com', journey: { before: ordinary, after: inbox } },
      { recipient: 'megan@fabrikam.com', journey: { before: covered, after: covered } },
    ])
    expect(groups.map((g) => g.label)).toEqual([
      'Covered by Standard Preset Security Policy',
      'Not covered by a preset policy',
    ])
    expect(groups[1]).toMatchObject({ copies: 1, recipients: ['alice@fabrikam.com'] })
    expect(groups[1]?.before[ordinary.placement]).toBe(1)
    expect(groups[1]?.after?.inbox).toBe(1)
  })
})
