import { describe, expect, it } from 'vitest'
import { fail, ok, sandbox } from './test-helpers.js'

describe('the engine runs writes copy-on-write', () => {
  it('copies only the part of the tenant a write changes, and leaves the old objects as they were', () => {
    const { eop, call } = sandbox()
    const rules = eop.snapshot.state.transportRules
    const items = eop.snapshot.state.tabl.items
    const before = JSON.stringify(items)
    ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Sender',
        Block: true,
        Entries: ['bad.example'],
      }),
    )
    // The untouched surface is the same object; the changed list is a new one, and whoever held
    // the old list still sees it as it was.
    expect(eop.snapshot.state.transportRules).toBe(rules)
    expect(eop.snapshot.state.tabl.items).not.toBe(items)
    expect(JSON.stringify(items)).toBe(before)
    expect(eop.snapshot.state.tabl.items.map((i) => i.Value)).toContain('bad.example')
  })

  it('commits nothing of a write that fails halfway (the first of two entries is not kept)', () => {
    const { eop, call } = sandbox()
    const snapshot = JSON.stringify(eop.snapshot)
    const f = fail(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Sender',
        Block: true,
        Entries: ['fine.example', 'not a sender'],
      }),
    )
    expect(f.text).toMatch(/isn't valid for ListType Sender/)
    expect(JSON.stringify(eop.snapshot)).toBe(snapshot)
  })

  it('returns a write result that does not alias the tenant', () => {
    const { eop, call } = sandbox()
    const [made] = ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Url',
        Block: true,
        Entries: ['bad.example/*'],
      }),
    )
    made!.Value = 'changed by the caller'
    expect(eop.snapshot.state.tabl.items.map((i) => i.Value)).toContain('bad.example/*')
    // Plain data: a structured clone (which refuses proxies) copies it.
    expect(structuredClone(made)).toEqual(made)
  })
})
