import { describe, expect, it } from 'vitest'
import type { Change, JsonObject } from '../change.js'
import { surfaceOf } from './registry.js'

const restoreOf = (c: Change, prior: JsonObject | null, now: JsonObject | null, force = false) =>
  surfaceOf(c.surface).inverse(c, prior, now, { force })
const driftOf = (c: Change, now: JsonObject | null) => surfaceOf(c.surface).drift(c.before, now, c)

const base = {
  protections: [],
  mechanism: 'ip-allow' as const,
  summary: 's',
  calls: [],
  risk: { level: 'low' as const, reason: '' },
  limits: [],
  baselines: [],
  dependsOn: [],
}

const cf = (ips: string[], safe = false): JsonObject => ({
  Name: 'Default',
  IPAllowList: ips,
  IPBlockList: [],
  EnableSafeList: safe,
})

const ipAllow: Change = {
  ...base,
  id: 'c01',
  surface: 'connection-filter',
  op: 'update',
  target: 'default',
  before: cf(['192.0.2.1']),
  after: cf(['192.0.2.1', '198.51.100.7'], true),
  set: { EnableSafeList: true },
  add: { IPAllowList: ['198.51.100.7'] },
}

const rule: Change = {
  ...base,
  id: 'c02',
  surface: 'transport-rule',
  op: 'create',
  target: 'passage: x',
  before: null,
  after: { Name: 'passage: x', Priority: 0, Comments: 'managed-by=passage', SetSCL: -1 },
}

describe('the shipped undo (Surface.inverse), three-way', () => {
  it('removes only the entries passage added and sets fields back', () => {
    // Someone else added 203.0.113.5 since: it stays.
    const now = cf(['192.0.2.1', '198.51.100.7', '203.0.113.5'], true)
    const r = restoreOf(ipAllow, ipAllow.before, now)
    expect(r.calls).toEqual([
      {
        cmdlet: 'Set-HostedConnectionFilterPolicy',
        params: {
          Identity: 'Default',
          EnableSafeList: false,
          IPAllowList: { kind: 'hashtable', Remove: ['198.51.100.7'] },
        },
      },
    ])
  })

  it('does nothing when the object is already as it was (a second rollback)', () => {
    expect(restoreOf(ipAllow, ipAllow.before, ipAllow.before).calls).toEqual([])
  })

  it('does not remove an entry that was there before the change', () => {
    const prior = cf(['198.51.100.7'])
    const r = restoreOf(ipAllow, prior, cf(['198.51.100.7'], true))
    expect(r.calls[0]?.params).not.toHaveProperty('IPAllowList')
  })

  it('removes a created object only while it carries the marker', () => {
    expect(restoreOf(rule, null, rule.after).calls).toEqual([
      { cmdlet: 'Remove-TransportRule', params: { Identity: 'passage: x' } },
    ])
    const taken = { ...rule.after!, Comments: 'now owned by the mail team' }
    expect(restoreOf(rule, null, taken)).toMatchObject({
      calls: [],
      note: expect.stringContaining('marker'),
      conflicts: [{ field: '(marker)' }],
    })
    expect(restoreOf(rule, null, null).calls).toEqual([])
  })

  it('leaves a field someone changed after apply, and reports the conflict with both values', () => {
    const bulk: Change = {
      ...base,
      id: 'c03',
      surface: 'anti-spam',
      op: 'update',
      target: 'default',
      before: { Name: 'Default', BulkThreshold: 7, AllowedSenderDomains: [] },
      after: { Name: 'Default', BulkThreshold: 9, AllowedSenderDomains: ['x.example'] },
      set: { BulkThreshold: 9 },
      add: { AllowedSenderDomains: ['x.example'] },
    }
    // The admin set 5 after passage set 9: undo keeps 5 and still removes passage's entry.
    const now = { Name: 'Default', BulkThreshold: 5, AllowedSenderDomains: ['x.example'] }
    const u = restoreOf(bulk, bulk.before, now)
    expect(u.conflicts).toEqual([{ field: 'BulkThreshold', passage: 9, current: 5, prior: 7 }])
    expect(u.calls).toEqual([
      {
        cmdlet: 'Set-HostedContentFilterPolicy',
        params: {
          Identity: 'Default',
          AllowedSenderDomains: { kind: 'hashtable', Remove: ['x.example'] },
        },
      },
    ])
    // Forced, the prior value goes back over the admin's.
    const forced = restoreOf(bulk, bulk.before, now, true)
    expect(forced.conflicts).toEqual([])
    expect(forced.calls[0]?.params).toMatchObject({ BulkThreshold: 7 })
    // Still holding passage's value: restored without conflict.
    const clean = restoreOf(bulk, bulk.before, bulk.after)
    expect(clean.conflicts).toEqual([])
    expect(clean.calls[0]?.params).toMatchObject({ BulkThreshold: 7 })
  })

  it('removes a created object once its marker is gone only when forced', () => {
    const taken = { ...rule.after!, Comments: 'now owned by the mail team' }
    expect(restoreOf(rule, null, taken, true).calls).toEqual([
      { cmdlet: 'Remove-TransportRule', params: { Identity: 'passage: x' } },
    ])
  })
})

describe('driftOf', () => {
  it('compares the fields a change touches with what the plan saw', () => {
    expect(driftOf(ipAllow, cf(['192.0.2.1']))).toEqual([])
    expect(driftOf(ipAllow, cf(['192.0.2.1'], true)).map((d) => d.field)).toEqual([
      'EnableSafeList',
    ])
    expect(driftOf(ipAllow, cf([])).map((d) => d.field)).toEqual(['IPAllowList'])
    expect(driftOf(ipAllow, null).map((d) => d.field)).toEqual(['(object)'])
    expect(driftOf(rule, rule.after).map((d) => d.field)).toEqual(['(object)'])
    expect(driftOf(rule, null)).toEqual([])
  })
})
