import { describe, expect, it } from 'vitest'
import type { Change, JsonObject } from '../change.js'
import { SWITCH } from '../cmdlet.js'
import { applyUpdate } from './generic/update.js'
import { isRenewal, RENEWAL_SET, tablItemSurface } from './tabl-item.js'

const entry: JsonObject = {
  Identity: 'RgAAAAAI',
  ListType: 'Url',
  ListSubType: 'Tenant',
  Action: 'Allow',
  Value: 'track.vendor.example/*',
  RemoveAfter: 45,
  ExpirationDate: null,
  LastUsedDate: null,
  Notes: 'managed-by=passage vendor=contactmonkey',
}

const renewal = (before: JsonObject = entry): Change => {
  const c: Change = {
    id: 'r01',
    surface: 'tabl-item',
    op: 'update',
    target: tablItemSurface.key(before),
    protections: [],
    mechanism: 'tabl-url-allow',
    summary: 'Renew',
    before,
    after: applyUpdate(before, { set: RENEWAL_SET }),
    set: RENEWAL_SET,
    calls: [],
    risk: { level: 'low', reason: '' },
    limits: [],
    baselines: [],
    dependsOn: [],
  }
  return { ...c, calls: tablItemSurface.calls(c) }
}

describe('client.tabl-allow-renewal: a renewal re-creates the entry as it is', () => {
  it('removes the entry, then creates it again with the same value, -RemoveAfter 45 and notes', () => {
    expect(renewal().calls).toEqual([
      {
        cmdlet: 'Remove-TenantAllowBlockListItems',
        params: { ListType: 'Url', Entries: ['track.vendor.example/*'] },
      },
      {
        cmdlet: 'New-TenantAllowBlockListItems',
        params: {
          ListType: 'Url',
          Allow: SWITCH,
          Entries: ['track.vendor.example/*'],
          RemoveAfter: 45,
          Notes: 'managed-by=passage vendor=contactmonkey',
        },
      },
    ])
  })

  it('is the only update of an entry: any other edit has no calls', () => {
    expect(isRenewal(renewal())).toBe(true)
    const dated = { ...renewal(), set: { ExpirationDate: '2027-01-01T00:00:00Z' } }
    expect(isRenewal(dated)).toBe(false)
    expect(() => tablItemSurface.calls(dated)).toThrow(/creates, removes or renews entries/)
  })

  it('undoes to nothing when the entry is there (it is as it was before the renewal)', () => {
    const u = tablItemSurface.inverse(renewal(), entry, { ...entry, Identity: 'RgAAAAAJ' })
    expect(u.change).toBeNull()
    expect(u.note).toBe('already as it was')
  })

  it('undoes a renewal stopped after its removal by creating the entry again as it was', () => {
    const u = tablItemSurface.inverse(renewal(), entry, null)
    expect(u.change?.op).toBe('create')
    expect(u.calls).toEqual([renewal().calls[1]])
  })
})
