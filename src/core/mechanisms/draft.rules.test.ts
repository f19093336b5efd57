// Drafts: what each mechanism plans before the planner numbers it. Lists gain only their missing
// entries and fields change only where they differ (others' entries and settings are left alone,
// design.md); several mechanisms updating one object make one change. One rule per test (issue 18).
import { describe, expect, it } from 'vitest'
import { addEntries, create, mergeDrafts, setFields, type Draft } from './draft.js'

const meta = { protections: ['anti-spam' as const], mechanism: 'antispam-allowed-senders' as const }
const POLICY = { Name: 'Default', AllowedSenderDomains: ['a.com'], BulkThreshold: 7 }

describe('addEntries', () => {
  it('adds only the missing entries, naming them in the summary', () => {
    expect(
      addEntries('anti-spam', POLICY, 'AllowedSenderDomains', ['A.com', 'b.com'], meta, 'Allow'),
    ).toMatchObject({
      ...meta,
      surface: 'anti-spam',
      op: 'update',
      target: 'default',
      add: { AllowedSenderDomains: ['b.com'] },
      summary: 'Allow: b.com',
      after: { AllowedSenderDomains: ['a.com', 'b.com'] },
    })
  })

  it('plans nothing when every entry is there', () => {
    expect(addEntries('anti-spam', POLICY, 'AllowedSenderDomains', ['a.com'], meta, 'x')).toBeNull()
  })
})

describe('setFields', () => {
  it('sets the fields that differ, with the summary given', () => {
    expect(
      setFields('anti-spam', POLICY, { BulkThreshold: 9, Name: 'Default' }, meta, 'Raise'),
    ).toMatchObject({
      ...meta,
      surface: 'anti-spam',
      op: 'update',
      set: { BulkThreshold: 9 },
      summary: 'Raise',
    })
  })

  it('plans nothing when they already have those values', () => {
    expect(setFields('anti-spam', POLICY, { BulkThreshold: 7 }, meta, 'x')).toBeNull()
  })
})

describe('create', () => {
  it('creates the object, keyed by its surface', () => {
    expect(create('quarantine-policy', { Name: 'Q' }, meta, 'Create Q')).toMatchObject({
      ...meta,
      surface: 'quarantine-policy',
      op: 'create',
      target: 'q',
      before: null,
      after: { Name: 'Q' },
      summary: 'Create Q',
    })
  })
})

describe('mergeDrafts: several mechanisms updating one object', () => {
  // mergeDrafts merges into the first draft of each object: each test makes its own.
  const bulk = () =>
    setFields(
      'anti-spam',
      POLICY,
      { BulkThreshold: 9 },
      { protections: ['bulk'], mechanism: 'bulk-threshold' },
      'Raise',
    ) as Draft
  const allow = () =>
    addEntries('anti-spam', POLICY, 'AllowedSenderDomains', ['b.com'], meta, 'Allow') as Draft
  const allowMore = () =>
    addEntries(
      'anti-spam',
      POLICY,
      'AllowedSenderDomains',
      ['b.com', 'c.com'],
      meta,
      'Allow more',
    ) as Draft

  it('make one update: protections once each, summaries joined, fields and entries together', () => {
    const merged = mergeDrafts([bulk(), allow(), allowMore()])
    expect(merged).toHaveLength(1)
    expect(merged[0]).toMatchObject({
      mechanism: 'bulk-threshold',
      protections: ['bulk', 'anti-spam'],
      summary: 'Raise; Allow: b.com; Allow more: b.com, c.com',
      set: { BulkThreshold: 9 },
      add: { AllowedSenderDomains: ['b.com', 'c.com'] },
      after: {
        Name: 'Default',
        BulkThreshold: 9,
        AllowedSenderDomains: ['a.com', 'b.com', 'c.com'],
      },
    })
  })

  it('merges fields set by both, the later winning', () => {
    const zap = setFields(
      'anti-spam',
      POLICY,
      { SpamZapEnabled: false, BulkThreshold: 8 },
      meta,
      'Zap',
    ) as Draft
    expect(mergeDrafts([bulk(), zap])[0]?.set).toEqual({
      BulkThreshold: 8,
      SpamZapEnabled: false,
    })
    expect(mergeDrafts([allow(), bulk()])[0]).toMatchObject({
      set: { BulkThreshold: 9 },
      add: { AllowedSenderDomains: ['b.com'] },
    })
  })

  it('keeps apart updates of other objects or surfaces, and creations', () => {
    const other = setFields(
      'anti-spam',
      { ...POLICY, Name: 'Sales' },
      { BulkThreshold: 9 },
      meta,
      'Sales',
    ) as Draft
    const phish = setFields(
      'anti-phish',
      { Name: 'Default' },
      { Enabled: true },
      meta,
      'Phish',
    ) as Draft
    const created = create('quarantine-policy', { Name: 'Default' }, meta, 'Create')
    const createdTwice = { ...created, summary: 'Again' }
    expect(
      mergeDrafts([bulk(), other, phish, created, createdTwice]).map((d) => d.summary),
    ).toEqual(['Raise', 'Sales', 'Phish', 'Create', 'Again'])
  })
})
