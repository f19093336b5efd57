import { describe, expect, it } from 'vitest'
import { expiringEntries, lapseOf, type PassageTablEntry } from './tabl-expiry.js'

const DAY = 86_400_000
const CREATED = '2026-11-01T00:00:00.000Z'
const t0 = Date.parse(CREATED)

function entry(read: PassageTablEntry['read'], over: Partial<PassageTablEntry> = {}) {
  return {
    changeId: 'c1',
    listType: 'Url',
    action: 'Allow',
    value: 'track.example.com',
    createdAt: CREATED,
    read,
    ...over,
  }
}

describe('client.tabl-allow-lapse: lapseOf: when an allow passage created lapses (Microsoft: 45 days after last use, or its date)', () => {
  it('a RemoveAfter 45 allow that was used lapses 45 days after LastUsedDate', () => {
    const l = lapseOf(entry({ RemoveAfter: 45, LastUsedDate: '2026-11-10T00:00:00Z' }))
    expect(l).toEqual({
      atMs: Date.parse('2026-11-10T00:00:00Z') + 45 * DAY,
      basis: 'after-last-use',
    })
  })

  it('one never used is counted from its creation, and says the basis is an assumption', () => {
    const l = lapseOf(entry({ RemoveAfter: 45, LastUsedDate: null }))
    expect(l).toEqual({ atMs: t0 + 45 * DAY, basis: 'after-creation-never-used' })
  })

  it('an explicit ExpirationDate lapses then; none (NoExpiration) never lapses', () => {
    expect(lapseOf(entry({ ExpirationDate: '2026-11-20T00:00:00Z' }))).toEqual({
      atMs: Date.parse('2026-11-20T00:00:00Z'),
      basis: 'expiration-date',
    })
    expect(lapseOf(entry({ ExpirationDate: null, RemoveAfter: null }))).toEqual({
      atMs: null,
      basis: 'never',
    })
  })
})

describe('expiringEntries', () => {
  const used = entry({ RemoveAfter: 45, LastUsedDate: null })
  it('reports an entry from 7 days before it lapses (not 8), and keeps reporting it once lapsed', () => {
    expect(expiringEntries([used], t0 + 38 * DAY - 1)).toEqual([])
    const at = expiringEntries([used], t0 + 38 * DAY + 1)
    expect(at).toHaveLength(1)
    expect(at[0]).toMatchObject({ day: '2026-12-16', lapsed: false })
    expect(at[0]!.text).toContain('do not say when one never used is removed')
    expect(expiringEntries([used], t0 + 50 * DAY)[0]).toMatchObject({ lapsed: true })
  })

  it('honours another window, skips entries gone from the tenant and sorts soonest first', () => {
    const dated = entry({ ExpirationDate: '2026-11-05T00:00:00Z' }, { changeId: 'c2' })
    const gone = entry(null, { changeId: 'c3' })
    expect(expiringEntries([used, dated, gone], t0, 60).map((e) => e.entry.changeId)).toEqual([
      'c2',
      'c1',
    ])
  })
})
