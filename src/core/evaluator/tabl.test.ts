import { describe, expect, it } from 'vitest'
import { TablItem } from '../model/tabl.js'
import { tablEntryActive, tablUrlMatches } from './tabl.js'
import { first, makeSnapshot, NOW } from './test-fixtures.js'

const item = (over: Record<string, unknown>) =>
  TablItem.parse({ ListType: 'Sender', Action: 'Allow', Value: 'contoso.com', ...over })

describe('Tenant Allow/Block List expiry', () => {
  it.each([
    ['2026-11-19T09:00:00Z', false],
    ['2026-11-20T08:59:59Z', false],
    ['2026-11-20T09:00:00Z', true],
    ['2026-12-20T00:00:00Z', true],
  ])('ExpirationDate %s at %s → active %s', (date, active) => {
    expect(tablEntryActive(item({ ExpirationDate: date }), NOW).active).toBe(active)
  })

  it('treats an entry with no expiry as never expiring', () => {
    expect(tablEntryActive(item({ Action: 'Block', ExpirationDate: null }), NOW)).toEqual({
      active: true,
      why: 'never expires',
    })
  })

  it('keeps a RemoveAfter 45 entry until 45 days after its last use', () => {
    expect(
      tablEntryActive(item({ RemoveAfter: 45, LastUsedDate: '2026-10-15T00:00:00Z' }), NOW).active,
    ).toBe(true)
    expect(
      tablEntryActive(item({ RemoveAfter: 45, LastUsedDate: '2026-09-01T00:00:00Z' }), NOW).active,
    ).toBe(false)
  })

  it('ignores an expired allow and says why', () => {
    const s = makeSnapshot({
      state: {
        tabl: {
          items: [
            {
              ListType: 'Sender',
              Action: 'Allow',
              Value: 'contoso.com',
              ExpirationDate: '2026-11-01T00:00:00Z',
            },
          ],
        },
      },
    })
    const r = first(s, { detections: ['spam'] })
    expect(r.action).toBe('junk')
    expect(r.trace.some((t) => /not in force: expired 2026-11-01/.test(t.decision))).toBe(true)
  })

  it('applies an allow that has not expired yet', () => {
    const s = makeSnapshot({
      state: {
        tabl: {
          items: [
            {
              ListType: 'Sender',
              Action: 'Allow',
              Value: 'contoso.com',
              ExpirationDate: '2026-12-01T00:00:00Z',
            },
          ],
        },
      },
    })
    expect(first(s, { detections: ['spam'] }).action).toBe('inbox')
  })

  it('lets an expired block go', () => {
    const s = makeSnapshot({
      state: {
        tabl: {
          items: [
            {
              ListType: 'Sender',
              Action: 'Block',
              Value: 'contoso.com',
              ExpirationDate: '2026-11-19T00:00:00Z',
            },
          ],
        },
      },
    })
    expect(first(s).action).toBe('inbox')
  })

  it('matches IPv6 IP entries against the source', () => {
    const s = makeSnapshot({
      state: {
        tabl: {
          items: [
            { ListType: 'IP', Action: 'Block', Value: '2001:db8::/32', ExpirationDate: null },
          ],
        },
      },
    })
    const r = first(s, { connectingIp: '2001:db8::25' })
    expect(r.action).toBe('quarantine')
    expect(r.uncertain.join('\n')).toMatch(/IPv6 block/)
    expect(first(s).action).toBe('inbox')
  })
})

describe('TABL URL entries', () => {
  it.each([
    ['contoso.com', 'https://contoso.com/a/b', true],
    ['contoso.com', 'http://www.contoso.com/', false],
    ['*.contoso.com', 'https://www.contoso.com/', true],
    ['~contoso.com', 'https://contoso.com/', true],
    ['~contoso.com', 'https://a.b.contoso.com/x', true],
    ['contoso.com/a/*', 'https://contoso.com/a/b', true],
    ['contoso.com/a/*', 'https://contoso.com/b', false],
    ['contoso.com', 'https://contoso.com.evil.example/', false],
  ])('%s covers %s: %s', (entry, url, want) => {
    expect(tablUrlMatches(entry, url)).toBe(want)
  })
})
