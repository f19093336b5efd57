import { describe, expect, it } from 'vitest'
import type { Change } from '../change.js'
import { makeSnapshot } from '../model/test-fixtures.js'
import type { TablItem } from '../model/tabl.js'
import { surfaceOf } from './registry.js'
import { applyChange, applyChanges, objectOf } from './snapshot-edit.js'

const base = {
  protections: [],
  mechanism: 'tabl-sender-allow' as const,
  summary: 's',
  calls: [],
  risk: { level: 'low' as const, reason: '' },
  limits: [],
  baselines: [],
  dependsOn: [],
}

const entry = (value: string): TablItem => ({
  ListType: 'Sender',
  ListSubType: 'Tenant',
  Action: 'Block',
  Value: value,
})

const key = (value: string, action = 'Block') => `Sender:Tenant:${action}:${value.toLowerCase()}`

const create = (value: string, id = 'c01'): Change => ({
  ...base,
  id,
  surface: 'tabl-item',
  op: 'create',
  target: key(value, 'Allow'),
  before: null,
  after: { ListType: 'Sender', ListSubType: 'Tenant', Action: 'Allow', Value: value },
})

const remove = (value: string): Change => ({
  ...base,
  id: 'c09',
  surface: 'tabl-item',
  op: 'remove',
  target: key(value),
  before: { ...entry(value) },
  after: null,
})

/** A tenant whose list is long enough to be keyed (see positions.ts). */
const big = (n = 600) =>
  makeSnapshot({
    state: {
      tabl: {
        items: Array.from({ length: n }, (_, i) => entry(`s${i}.example.org`)),
        spoofItems: [],
      },
    },
  })

const byScan = (items: readonly TablItem[], k: string) =>
  items.find((i) => surfaceOf('tabl-item').key(i as never) === k) ?? null

describe('edits of a long list (looked up by key)', () => {
  it('finds what a scan finds, before and after creations and removals', () => {
    const s = big()
    for (const v of ['s0.example.org', 'S599.example.org', 'nope.example.org'])
      expect(objectOf(s, { surface: 'tabl-item', target: key(v) })).toBe(
        byScan(s.state.tabl.items, key(v)),
      )
    const after = applyChanges(s, [create('a.example.org'), create('b.example.org', 'c02')])
    expect(after.state.tabl.items).toHaveLength(602)
    expect(objectOf(after, create('b.example.org'))).toMatchObject({ Value: 'b.example.org' })
    expect(() => applyChange(after, create('a.example.org'))).toThrow(/it exists/)
    const removed = applyChange(after, remove('s300.example.org'))
    expect(objectOf(removed, remove('s300.example.org'))).toBeNull()
    expect(objectOf(removed, remove('s301.example.org'))).toBe(after.state.tabl.items[301])
    expect(objectOf(removed, create('a.example.org'))).toMatchObject({ Value: 'a.example.org' })
  })

  it('copies on write: the entries a change leaves alone are the same objects', () => {
    const s = big()
    const after = applyChange(s, create('a.example.org'))
    expect(after.state.tabl.items.slice(0, 600)).toEqual(s.state.tabl.items)
    after.state.tabl.items.slice(0, 600).forEach((i, n) => expect(i).toBe(s.state.tabl.items[n]))
    expect(s.state.tabl.items).toHaveLength(600)
  })

  it('sees a list grown in place since it was looked up', () => {
    const s = big()
    expect(objectOf(s, remove('late.example.org'))).toBeNull()
    s.state.tabl.items.push(entry('late.example.org'))
    expect(objectOf(s, remove('late.example.org'))).toMatchObject({ Value: 'late.example.org' })
  })
})
