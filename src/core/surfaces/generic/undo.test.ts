// The three-way undo (undoChange) that every surface's inverse runs: each rule of rollback stated
// on its own, with the note it gives and what it leaves alone (issue 18, mutation testing).
// Undo must remove only what passage added, put back only what passage changed, and keep what
// someone else set since unless forced.
import { describe, expect, it } from 'vitest'
import type { Change, JsonObject } from '../../change.js'
import type { CmdletCall } from '../../cmdlet.js'
import { carriesMarker, undoChange } from './undo.js'

const MARK = 'managed-by=passage'

/** A calls derivation that records the change it was given. */
const calls = (c: Change): CmdletCall[] => [
  { cmdlet: `${c.op}-thing`, params: { Identity: c.target, ...(c.set ?? {}) } },
]

function change(over: Partial<Change>): Change {
  return {
    id: 'c07',
    surface: 'transport-rule',
    op: 'update',
    target: 'passage: x',
    protections: [],
    mechanism: 'scoped-rule',
    summary: 'Scope the rule',
    before: null,
    after: null,
    calls: [{ cmdlet: 'Set-TransportRule', params: {} }],
    risk: { level: 'high', reason: 'bypasses filtering' },
    limits: [{ limit: 'x', detail: 'y' } as unknown as Change['limits'][number]],
    baselines: [{ id: 'b' } as unknown as Change['baselines'][number]],
    dependsOn: ['c01'],
    ...over,
  }
}

describe('carriesMarker', () => {
  it.each(['Comments', 'Notes', 'AdminDisplayName', 'Comment'])(
    "finds passage's marker in %s",
    (field) => {
      expect(carriesMarker({ Name: 'x', [field]: `set up by ${MARK}` })).toBe(true)
    },
  )

  it('is false without the marker, in another field, or for no object', () => {
    expect(carriesMarker({ Name: MARK, Comments: 'the mail team' })).toBe(false)
    expect(carriesMarker({ Comments: ['managed-by=passage'] })).toBe(false)
    expect(carriesMarker(null)).toBe(false)
  })
})

describe('undo of a create (no prior object)', () => {
  const created = change({ op: 'create', after: { Name: 'passage: x', Comments: MARK } })

  it('removes the object while it carries the marker, as a low-risk inverse with its calls', () => {
    const now = { Name: 'passage: x', Comments: MARK, Priority: 3 }
    const u = undoChange(created, null, now, calls)
    expect(u.conflicts).toEqual([])
    expect(u.note).toBeUndefined()
    expect(u.change).toEqual({
      ...created,
      id: 'c07-undo',
      summary: 'Undo: Scope the rule',
      op: 'remove',
      before: now,
      after: null,
      dependsOn: [],
      limits: [],
      baselines: [],
      risk: { level: 'low', reason: 'restores the prior state' },
      calls: [{ cmdlet: 'remove-thing', params: { Identity: 'passage: x' } }],
    })
    expect(u.calls).toBe(u.change?.calls)
    expect(u.change).not.toHaveProperty('set')
    expect(u.change).not.toHaveProperty('add')
    expect(u.change).not.toHaveProperty('remove')
  })

  it('does nothing when the object is already gone', () => {
    expect(undoChange(created, null, null, calls)).toEqual({
      change: null,
      calls: [],
      conflicts: [],
      note: 'not there: nothing to remove',
    })
  })

  it('leaves an object whose marker someone removed, reporting it, unless forced', () => {
    const taken = { Name: 'passage: x', Comments: 'now the mail team’s' }
    expect(undoChange(created, null, taken, calls)).toEqual({
      change: null,
      calls: [],
      conflicts: [{ field: '(marker)', passage: MARK, current: 'removed', prior: null }],
      note: "no longer carries passage's marker: someone else owns it now, left alone",
    })
    expect(undoChange(created, null, taken, calls, true).change?.op).toBe('remove')
  })

  it('removes an object whose change wrote no marker (e.g. a list entry) without asking for one', () => {
    const entry = change({ op: 'create', surface: 'tabl-item', after: { Value: 'acme.com' } })
    expect(undoChange(entry, null, { Value: 'acme.com' }, calls).change?.op).toBe('remove')
  })
})

describe('undo of a remove', () => {
  const removed = change({ op: 'remove', before: { Name: 'old' }, after: null })

  it('re-creates the object as it was', () => {
    const prior = { Name: 'old', State: 'Enabled' }
    const u = undoChange(removed, prior, null, calls)
    expect(u.change).toMatchObject({ op: 'create', before: null, after: prior })
    expect(u.calls).toEqual([{ cmdlet: 'create-thing', params: { Identity: 'passage: x' } }])
  })

  it('leaves an object re-created since', () => {
    expect(undoChange(removed, { Name: 'old' }, { Name: 'old' }, calls)).toMatchObject({
      change: null,
      note: 'exists again (re-created since): left alone',
    })
  })
})

describe('undo of an update whose object is gone', () => {
  it('restores nothing', () => {
    const u = change({ set: { Enabled: true } })
    expect(undoChange(u, { Enabled: false }, null, calls)).toEqual({
      change: null,
      calls: [],
      conflicts: [],
      note: 'removed since by someone else: nothing to restore',
    })
  })
})

describe('undo of an update: fields', () => {
  const u = change({ set: { SCL: -1, Enabled: true, Mode: 'Enforce' } })

  it('sets back the fields that still hold what passage set', () => {
    const prior = { SCL: 5, Enabled: false, Mode: 'Audit' }
    const now = { SCL: -1, Enabled: true, Mode: 'Enforce' }
    const r = undoChange(u, prior, now, calls)
    expect(r.change?.set).toEqual({ SCL: 5, Enabled: false, Mode: 'Audit' })
    expect(r.change?.op).toBe('update')
    expect(r.change?.before).toEqual(now)
    expect(r.change?.after).toEqual(prior)
    expect(r.change).not.toHaveProperty('add')
    expect(r.change).not.toHaveProperty('remove')
    expect(r.conflicts).toEqual([])
  })

  it('puts back null for a field that did not exist before', () => {
    const r = undoChange(change({ set: { Mode: 'Enforce' } }), {}, { Mode: 'Enforce' }, calls)
    expect(r.change?.set).toEqual({ Mode: null })
  })

  it('keeps a field someone changed since, reporting passage’s, their and the prior value', () => {
    const prior = { SCL: 5, Enabled: false, Mode: 'Audit' }
    const now = { SCL: 6, Enabled: true, Mode: 'Enforce' }
    const r = undoChange(u, prior, now, calls)
    expect(r.change?.set).toEqual({ Enabled: false, Mode: 'Audit' })
    expect(r.conflicts).toEqual([{ field: 'SCL', passage: -1, current: 6, prior: 5 }])
  })

  it('reports a field someone deleted since as null', () => {
    const r = undoChange(change({ set: { SCL: -1 } }), { SCL: 5 }, {}, calls)
    expect(r.conflicts).toEqual([{ field: 'SCL', passage: -1, current: null, prior: 5 }])
    expect(r.note).toBe('changed since by someone else: left as they set it')
  })

  it('reports a conflict with a prior that did not exist as null', () => {
    const r = undoChange(change({ set: { SCL: -1 } }), {}, { SCL: 7 }, calls)
    expect(r.conflicts).toEqual([{ field: 'SCL', passage: -1, current: 7, prior: null }])
  })

  it('overwrites their value when forced, with no conflict', () => {
    const r = undoChange(u, { SCL: 5, Enabled: false, Mode: 'Audit' }, { SCL: 6 }, calls, true)
    expect(r.change?.set).toEqual({ SCL: 5, Enabled: false, Mode: 'Audit' })
    expect(r.conflicts).toEqual([])
  })

  it('does nothing when every field is already as it was (a second rollback)', () => {
    const prior = { SCL: 5, Enabled: false, Mode: 'Audit' }
    expect(undoChange(u, prior, { ...prior }, calls)).toEqual({
      change: null,
      calls: [],
      conflicts: [],
      note: 'already as it was',
    })
  })

  it('compares values by content, not identity', () => {
    const lists = change({ set: { Exceptions: ['a', 'b'] } })
    const r = undoChange(lists, { Exceptions: ['a'] }, { Exceptions: ['a', 'b'] }, calls)
    expect(r.change?.set).toEqual({ Exceptions: ['a'] })
    expect(r.conflicts).toEqual([])
  })
})

describe('undo of an update: list entries', () => {
  const added = change({ add: { IPAllowList: ['198.51.100.7', '203.0.113.9'] } })

  it('removes only the entries passage added that are still there, ignoring case', () => {
    const u = change({ add: { Domains: ['Acme.com', 'tk.acme.com', 'old.com'] } })
    const prior = { Domains: ['old.com', 'keep.com'] }
    const now = { Domains: ['old.com', 'keep.com', 'ACME.COM'] }
    const r = undoChange(u, prior, now, calls)
    expect(r.change?.remove).toEqual({ Domains: ['Acme.com'] })
    expect(r.change?.after).toEqual({ Domains: ['old.com', 'keep.com'] })
    expect(r.change).not.toHaveProperty('set')
    expect(r.change).not.toHaveProperty('add')
  })

  it('does nothing when the added entries are gone already', () => {
    expect(undoChange(added, { IPAllowList: [] }, { IPAllowList: ['192.0.2.1'] }, calls).note).toBe(
      'already as it was',
    )
  })

  it('adds back only the entries passage removed that were there and are missing now', () => {
    const u = change({ remove: { Senders: ['Bob@acme.com', 'eve@acme.com', 'zed@acme.com'] } })
    const prior = { Senders: ['bob@acme.com', 'eve@acme.com'] }
    const now = { Senders: ['EVE@acme.com'] }
    const r = undoChange(u, prior, now, calls)
    expect(r.change?.add).toEqual({ Senders: ['Bob@acme.com'] })
    expect(r.change).not.toHaveProperty('remove')
    expect(r.change).not.toHaveProperty('set')
  })

  it('undoes fields and entries together in one update', () => {
    const u = change({ set: { EnableSafeList: true }, add: { IPAllowList: ['198.51.100.7'] } })
    const prior: JsonObject = { EnableSafeList: false, IPAllowList: ['192.0.2.1'] }
    const now: JsonObject = { EnableSafeList: true, IPAllowList: ['192.0.2.1', '198.51.100.7'] }
    const r = undoChange(u, prior, now, calls)
    expect(r.change).toMatchObject({
      op: 'update',
      set: { EnableSafeList: false },
      remove: { IPAllowList: ['198.51.100.7'] },
      after: prior,
    })
    expect(r.calls).toEqual([
      { cmdlet: 'update-thing', params: { Identity: 'passage: x', EnableSafeList: false } },
    ])
  })
})
