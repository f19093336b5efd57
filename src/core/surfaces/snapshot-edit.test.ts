// Pure edits of a snapshot by changes, with Exchange's semantics (rule priorities shift on insert
// and removal), and the undo as rollback runs it: each rule on its own (issue 18).
import { describe, expect, it } from 'vitest'
import type { Change, JsonObject } from '../change.js'
import { makeSnapshot } from '../model/test-fixtures.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import {
  applyChange,
  applyChanges,
  applyThenUndo,
  inEffect,
  objectOf,
  undoIn,
} from './snapshot-edit.js'

const MARK = 'managed-by=passage'

const base = {
  protections: [],
  mechanism: 'scoped-rule' as const,
  summary: 's',
  calls: [],
  risk: { level: 'low' as const, reason: '' },
  limits: [],
  baselines: [],
  dependsOn: [],
}

const rule = (name: string, priority: number, extra: JsonObject = {}): JsonObject => ({
  Name: name,
  Priority: priority,
  ...extra,
})

const snap = (...names: string[]): TenantSnapshot =>
  makeSnapshot({ rules: names.map((n, i) => ({ Name: n, Priority: i })) })

const order = (s: TenantSnapshot) => s.state.transportRules.map((r) => `${r.Priority}:${r.Name}`)

const create = (name: string, priority: number): Change => ({
  ...base,
  id: `c-${name}`,
  surface: 'transport-rule',
  op: 'create',
  target: name.toLowerCase(),
  before: null,
  after: rule(name, priority, { Comments: MARK }),
})

const remove = (name: string, before: JsonObject): Change => ({
  ...base,
  id: `r-${name}`,
  surface: 'transport-rule',
  op: 'remove',
  target: name.toLowerCase(),
  before,
  after: null,
})

const update = (name: string, set: JsonObject): Change => ({
  ...base,
  id: `u-${name}`,
  surface: 'transport-rule',
  op: 'update',
  target: name.toLowerCase(),
  before: null,
  after: null,
  set,
})

describe('applyChange on an ordered surface (mail flow rules)', () => {
  it('inserting a rule shifts the rules at and below its priority down by one', () => {
    const s = applyChange(snap('A', 'B', 'C'), create('P', 1))
    expect(order(s)).toEqual(['0:A', '1:P', '2:B', '3:C'])
  })

  it('inserting at the end shifts nothing', () => {
    expect(order(applyChange(snap('A', 'B'), create('P', 2)))).toEqual(['0:A', '1:B', '2:P'])
  })

  it('removing a rule shifts the rules below it up by one', () => {
    const s = snap('A', 'B', 'C')
    const b = objectOf(s, { surface: 'transport-rule', target: 'b' }) as JsonObject
    expect(order(applyChange(s, remove('B', b)))).toEqual(['0:A', '1:C'])
  })

  it('moving a rule (a new priority) shifts the others as Exchange does', () => {
    expect(order(applyChange(snap('A', 'B', 'C', 'D'), update('D', { Priority: 1 })))).toEqual([
      '0:A',
      '1:D',
      '2:B',
      '3:C',
    ])
    expect(order(applyChange(snap('A', 'B', 'C', 'D'), update('A', { Priority: 2 })))).toEqual([
      '0:B',
      '1:C',
      '2:A',
      '3:D',
    ])
  })

  it('an update that keeps the priority edits the rule in place', () => {
    const s = applyChange(snap('A', 'B'), update('b', { Mode: 'Audit' }))
    expect(order(s)).toEqual(['0:A', '1:B'])
    expect(objectOf(s, { surface: 'transport-rule', target: 'b' })).toMatchObject({ Mode: 'Audit' })
  })

  it('refuses what cannot apply: a create that exists, a remove or update of nothing', () => {
    const s = snap('A')
    expect(() => applyChange(s, create('a', 0))).toThrow('cannot create a: it exists')
    expect(() => applyChange(s, remove('Z', rule('Z', 0)))).toThrow('cannot remove z: not found')
    expect(() => applyChange(s, update('Z', { Mode: 'Audit' }))).toThrow(
      'cannot update z: not found',
    )
  })

  it('does not change the snapshot it is given', () => {
    const s = snap('A', 'B')
    const copy = structuredClone(s)
    applyChange(s, create('P', 0))
    applyChange(s, update('A', { Priority: 1, Mode: 'Audit' }))
    expect(s).toEqual(copy)
  })
})

describe('applyChange on an unordered surface (the connection filter)', () => {
  it('edits the one policy without touching priorities', () => {
    const c: Change = {
      ...base,
      mechanism: 'ip-allow',
      id: 'c1',
      surface: 'connection-filter',
      op: 'update',
      target: 'default',
      before: null,
      after: null,
      add: { IPAllowList: ['198.51.100.7'] },
    }
    const s = applyChange(makeSnapshot(), c)
    expect(s.state.connectionFilter.IPAllowList).toEqual(['198.51.100.7'])
    expect(inEffect(s, c)).toBe(true)
    expect(inEffect(makeSnapshot(), c)).toBe(false)
  })
})

describe('applyChange on an unordered list (Tenant Allow/Block List entries)', () => {
  const item = (value: string): JsonObject => ({
    ListType: 'Sender',
    ListSubType: 'Tenant',
    Action: 'Allow',
    Value: value,
  })
  const entry = (op: 'create' | 'remove', value: string): Change => ({
    ...base,
    mechanism: 'tabl-sender-allow',
    id: `${op}-${value}`,
    surface: 'tabl-item',
    op,
    target: `Sender:Tenant:Allow:${value}`,
    before: op === 'remove' ? item(value) : null,
    after: op === 'create' ? item(value) : null,
  })
  const values = (s: TenantSnapshot) => s.state.tabl.items.map((i) => i.Value)
  const start = makeSnapshot({
    state: { tabl: { items: [item('a.com'), item('b.com')] as never } },
  })

  it('appends a created entry, giving no entry a priority, and shares the others (copy on write)', () => {
    const s = applyChange(start, entry('create', 'c.com'))
    expect(values(s)).toEqual(['a.com', 'b.com', 'c.com'])
    expect(s.state.tabl.items.map((i) => 'Priority' in i)).toEqual([false, false, false])
    expect(s.state.tabl.items[0]).toBe(start.state.tabl.items[0])
    expect(values(start)).toEqual(['a.com', 'b.com'])
    expect(objectOf(s, entry('create', 'c.com'))).toMatchObject({ Value: 'c.com' })
  })

  it('removes an entry, leaving the others where they were', () => {
    const s = applyChange(start, entry('remove', 'a.com'))
    expect(values(s)).toEqual(['b.com'])
    expect(s.state.tabl.items[0]).toBe(start.state.tabl.items[1])
  })

  it('updates an entry in place: no entry gains a priority, the order stays (unordered list)', () => {
    const u: Change = {
      ...entry('create', 'a.com'),
      id: 'update-a.com',
      op: 'update',
      before: item('a.com'),
      after: { ...item('a.com'), Notes: 'vendor' },
    }
    const s = applyChange(start, u)
    expect(values(s)).toEqual(['a.com', 'b.com'])
    expect(s.state.tabl.items.map((i) => 'Priority' in i)).toEqual([false, false])
    expect(s.state.tabl.items[1]).toBe(start.state.tabl.items[1])
  })

  it('creates a copy of the change’s object, not the object itself', () => {
    const c = entry('create', 'c.com')
    const s = applyChange(start, c)
    expect(objectOf(s, c)).not.toBe(c.after)
  })
})

describe('applyChanges and the undo as rollback runs it', () => {
  it('applies in order, then undoes last first back to the tenant as it was', () => {
    const s = snap('A', 'B')
    const changes = [create('P', 0), update('B', { Mode: 'Audit' })]
    const { applied, restored, undos } = applyThenUndo(s, changes)
    expect(applied).toEqual(applyChanges(s, changes))
    expect(order(applied)).toEqual(['0:P', '1:A', '2:B'])
    expect(restored).toEqual(s)
    // Last first: the update's undo, then the create's.
    expect(undos.map((u) => u.change?.op)).toEqual(['update', 'remove'])
  })

  it('undoIn leaves a rule whose marker someone removed, unless forced', () => {
    const c = create('P', 0)
    const now = applyChange(snap('A'), c)
    const taken = applyChange(now, update('P', { Comments: 'the mail team' }))
    expect(undoIn(taken, c, null).change).toBeNull()
    expect(undoIn(taken, c, null, { force: true }).change?.op).toBe('remove')
  })

  it('inEffect: a create exists, a remove is gone, an update holds its fields', () => {
    const s = snap('A', 'B')
    const a = objectOf(s, { surface: 'transport-rule', target: 'a' }) as JsonObject
    expect(inEffect(s, create('A', 0))).toBe(true)
    expect(inEffect(s, create('Q', 0))).toBe(false)
    expect(inEffect(s, remove('A', a))).toBe(false)
    expect(inEffect(s, remove('Q', a))).toBe(true)
    expect(inEffect(s, update('A', { Priority: 0 }))).toBe(true)
    expect(inEffect(s, update('A', { Priority: 1 }))).toBe(false)
  })

  it('objectOf finds by the surface key, or gives null', () => {
    const s = snap('Alpha')
    expect(objectOf(s, { surface: 'transport-rule', target: 'alpha' })).toMatchObject({
      Name: 'Alpha',
    })
    expect(objectOf(s, { surface: 'transport-rule', target: 'Alpha' })).toBeNull()
  })
})
