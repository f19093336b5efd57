import { describe, expect, it } from 'vitest'
import { TablItem } from '../model/tabl.js'
import { tablEntryActive, tablUrlMatch, tablUrlMatches } from './tabl.js'
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

// The URL syntax table of tenant-allow-block-list-urls-configure.md (read 2026-12-06), row by row:
// [entry, URL, allow matches, block matches]. `null` where the entry is not a valid Tenant allow.
const URL_TABLE: Array<[string, string, boolean | null, boolean]> = [
  // No wildcards: an allow is the URL itself; a block covers paths, subdomains and the domain in a path.
  ['contoso.com', 'contoso.com', true, true],
  ['contoso.com', 'abc-contoso.com', false, false],
  ['contoso.com', 'contoso.com/a', false, true],
  ['contoso.com', 'payroll.contoso.com', false, true],
  ['contoso.com', 'test.com/contoso.com', false, true],
  ['contoso.com', 'test.com/q=contoso.com', false, true],
  ['contoso.com', 'www.contoso.com', false, true],
  ['contoso.com', 'www.contoso.com/q=a@contoso.com', false, true],
  // Left wildcard: subdomains, no path, not the apex; allows only in advanced delivery.
  ['*.contoso.com', 'www.contoso.com', null, true],
  ['*.contoso.com', 'xyz.abc.contoso.com', null, true],
  ['*.contoso.com', '123contoso.com', null, false],
  ['*.contoso.com', 'contoso.com', null, false],
  ['*.contoso.com', 'test.com/contoso.com', null, false],
  ['*.contoso.com', 'www.contoso.com/abc', null, false],
  // Right wildcard at the top of a path.
  ['contoso.com/a/*', 'contoso.com/a/b', true, true],
  ['contoso.com/a/*', 'contoso.com/a/b/c', true, true],
  ['contoso.com/a/*', 'contoso.com/a/?q=joe@t.com', true, true],
  ['contoso.com/a/*', 'contoso.com', false, false],
  ['contoso.com/a/*', 'contoso.com/a', false, false],
  ['contoso.com/a/*', 'www.contoso.com', false, false],
  ['contoso.com/a/*', 'www.contoso.com/q=a@contoso.com', false, false],
  // Left tilde: the domain and its subdomains, no path; allows only in advanced delivery.
  ['~contoso.com', 'contoso.com', null, true],
  ['~contoso.com', 'www.contoso.com', null, true],
  ['~contoso.com', 'xyz.abc.contoso.com', null, true],
  ['~contoso.com', '123contoso.com', null, false],
  ['~contoso.com', 'contoso.com/abc', null, false],
  ['~contoso.com', 'www.contoso.com/abc', null, false],
  // Right wildcard suffix.
  ['contoso.com/*', 'contoso.com/?q=whatever@fabrikam.com', true, true],
  ['contoso.com/*', 'contoso.com/a', true, true],
  ['contoso.com/*', 'contoso.com/a/b/c', true, true],
  ['contoso.com/*', 'contoso.com/ab', true, true],
  ['contoso.com/*', 'contoso.com/b/a/c', true, true],
  ['contoso.com/*', 'contoso.com', false, false],
  // Left wildcard subdomain and right wildcard suffix; allows only in advanced delivery.
  ['*.contoso.com/*', 'abc.contoso.com/ab', null, true],
  ['*.contoso.com/*', 'abc.xyz.contoso.com/a/b/c', null, true],
  ['*.contoso.com/*', 'www.contoso.com/b/a/c', null, true],
  ['*.contoso.com/*', 'contoso.com/b', null, false],
  // Left and right tilde; allows only in advanced delivery.
  ['~contoso.com~', 'contoso.com', null, true],
  ['~contoso.com~', 'contoso.com/a', null, true],
  ['~contoso.com~', 'www.contoso.com/b', null, true],
  ['~contoso.com~', 'abc.xyz.contoso.com/a/b/c', null, true],
  ['~contoso.com~', 'test.com/contoso.com', null, true],
  ['~contoso.com~', '123contoso.com', null, false],
  ['~contoso.com~', 'contoso.org', null, false],
  ['~contoso.com~', 'test.com/q=contoso.com', null, false],
  // IP addresses.
  ['1.2.3.4', '1.2.3.4', true, true],
  ['1.2.3.4', '1.2.3.4/a', false, false],
  ['1.2.3.4', '11.2.3.4/a', false, false],
  ['1.2.3.4/*', '1.2.3.4/b', true, true],
  ['1.2.3.4/*', '1.2.3.4/baaaa', true, true],
  // Top-level domain block.
  ['*.TLD/*', 'a.TLD', null, true],
  ['*.TLD/*', 'TLD/abcd', null, true],
  ['*.TLD/*', 'b.abcd.TLD', null, true],
  ['*.TLD/*', 'www.abcd.TLD/q=a@contoso.com', null, true],
  // A scheme in the message's URL is ignored; a longer host is not the domain.
  ['contoso.com/*', 'https://contoso.com/api/v1/tracker?id=1', true, true],
  ['contoso.com', 'https://contoso.com.evil.example/', false, false],
]

const INVALID = [
  'contoso',
  '*.contoso.*',
  '*.com',
  '*contoso.com',
  'contoso.com*',
  '*1.2.3.4',
  '1.2.3.4*',
  'contoso.com/a*',
  'contoso.com/ab*',
  'contoso.com:443',
  'abc.contoso.com:25',
  '*',
  '*.*',
  'conto*so.com',
  'conto~so.com',
  'contoso.com/**',
  'contoso.com/*/*',
]

describe('TABL URL entries', () => {
  it.each(URL_TABLE)(
    'eval.tabl.url-syntax: %s against %s (allow %s, block %s)',
    (entry, url, allow, block) => {
      expect(tablUrlMatch(entry, url, 'Block').matched).toBe(block)
      const a = tablUrlMatch(entry, url, 'Allow')
      expect(a.matched).toBe(allow ?? false)
      if (allow === null) expect(a.unusable).toMatch(/advanced delivery|block form/)
    },
  )

  it('eval.tabl.url-no-subpath: a bare host allow does not cover a path; `/*` does', () => {
    expect(tablUrlMatches('contoso.com', 'https://contoso.com/a', 'Allow')).toBe(false)
    expect(tablUrlMatches('contoso.com/*', 'https://contoso.com/a', 'Allow')).toBe(true)
    expect(tablUrlMatches('contoso.com', 'https://contoso.com/a', 'Block')).toBe(true)
  })

  it('eval.tabl.url-left-wildcard-allow: `*.contoso.com` is no Tenant allow, whatever the URL', () => {
    for (const url of ['https://www.contoso.com', 'https://a.contoso.com/x'])
      expect(tablUrlMatch('*.contoso.com', url, 'Allow')).toMatchObject({ matched: false })
    expect(tablUrlMatch('*.contoso.com', 'https://www.contoso.com', 'Block').matched).toBe(true)
  })

  it.each(INVALID)('eval.tabl.url-syntax: %s is not a valid entry', (entry) => {
    for (const action of ['Allow', 'Block'] as const)
      expect(tablUrlMatch(entry, 'https://contoso.com/a', action)).toMatchObject({
        matched: false,
        unusable: expect.stringMatching(/invalid/),
      })
  })
})
