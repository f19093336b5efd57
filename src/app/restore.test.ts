import { describe, expect, it } from 'vitest'
import type { Change, JsonObject } from '../core/change.js'
import { driftOf } from './drift.js'
import { restoreOf } from './restore.js'

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

describe('restoreOf', () => {
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
    })
    expect(restoreOf(rule, null, null).calls).toEqual([])
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
