import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { TablItem } from '../model/tabl.js'
import { ipMatchesAny } from '../net/ip.js'
import { makeSnapshot } from '../model/test-fixtures.js'
import { matchSenderList } from './match.js'
import { checkTabl } from './tabl.js'
import { tablCandidates } from './tabl-index.js'
import { tablUrlMatch } from './tabl-url.js'
import { Trace } from './trace.js'
import type { TestMessage } from './message.js'

/** Property runs: a tenth under mutation testing (docs/mutation.md), where each mutant reruns them. */
const runs = (n: number) => (process.env.PASSAGE_MUTATION_RUN === '1' ? Math.ceil(n / 10) : n)

// Values chosen to meet at the edges of each rule: case, trailing dots, subdomains, domains in a
// URL's path, left/right wildcards, tilde forms, invalid entries, IPv4 ranges and IPv6 networks.
const SENDERS = [
  'vendor.example',
  'Vendor.Example.',
  'sub.vendor.example',
  '*.vendor.example',
  'bounce@vendor.example',
  'BOUNCE@vendor.example',
  'news@other.example',
  'other.example',
  '  vendor.example  ',
  'example',
]
const URL_ENTRIES = [
  'vendor.example',
  'vendor.example/',
  'vendor.example/*',
  'vendor.example/t/*',
  'vendor.example/t',
  'click.vendor.example',
  '*.vendor.example',
  '*.vendor.example/*',
  '~vendor.example',
  '~vendor.example~',
  '*.com/*',
  '*.example/*',
  'other.example',
  'redirect.example/*',
  '192.0.2.10',
  '2001:db8::1',
  '~2001:db8::1~',
  'https://vendor.example/t/*',
  'vendor.example:8080',
  'vend*or.example',
  '"vendor.example"',
  'a.b',
  'Vendor.Example',
]
const IP_ENTRIES = [
  '2001:db8::/32',
  '2001:db8:1::/48',
  '2001:db8::1',
  '2001:db8:1::5',
  '::/0',
  '192.0.2.0/24',
  '192.0.2.1-192.0.2.20',
  '192.0.2.10',
  'not-an-ip',
  '2001:db8::/129',
  '::ffff:192.0.2.10',
]
const URLS = [
  'https://vendor.example/t/x?id=1',
  'https://click.vendor.example/',
  'https://vendor.example',
  'http://VENDOR.example/T/x',
  'https://redirect.example/?u=vendor.example',
  'https://redirect.example/go/vendor.example/x',
  'https://redirect.example/go/xvendor.example',
  'https://user@vendor.example:8443/t/a',
  'https://a.b.vendor.example/',
  'https://192.0.2.10/x',
  'https://evil.com/path',
  'vendor.example/t/y',
  'https://redirect.example/@vendor.exampleZ',
]
const ADDRESSES = [
  'bounce@vendor.example',
  'Bounce@vendor.example',
  'x@sub.vendor.example',
  'news@other.example',
  'a@VENDOR.EXAMPLE',
  'z@elsewhere.example',
]
const CIPS = ['2001:db8:1::5', '2001:db8::1', '192.0.2.10', '192.0.2.200', '203.0.113.5', '::1']

const item = fc
  .record({
    kind: fc.constantFrom('Sender', 'Url', 'IP', 'FileHash'),
    action: fc.constantFrom('Allow', 'Block'),
    sub: fc.constantFrom('Tenant', 'Tenant', 'AdvancedDelivery'),
    pick: fc.nat(),
    expired: fc.boolean(),
  })
  .map(({ kind, action, sub, pick, expired }): TablItem => {
    const pool =
      kind === 'Sender' ? SENDERS : kind === 'Url' ? URL_ENTRIES : kind === 'IP' ? IP_ENTRIES : null
    return {
      ListType: kind as TablItem['ListType'],
      ListSubType: sub as TablItem['ListSubType'],
      Action: action as TablItem['Action'],
      Value: pool ? (pool[pick % pool.length] as string) : 'ab'.repeat(32),
      ExpirationDate: expired ? '2020-01-01T00:00:00Z' : null,
    }
  })

const message = fc.record({
  mailFrom: fc.constantFrom(...ADDRESSES),
  headerFrom: fc.constantFrom(...ADDRESSES),
  urls: fc.subarray(URLS),
  cip: fc.constantFrom(...CIPS),
})

/** True when the entry cannot match the message nor be named in the trace (what checkTabl did for each entry). */
function silent(
  i: TablItem,
  m: { mailFrom: string; headerFrom: string; urls: string[] },
  cip: string,
) {
  if (i.ListType === 'FileHash') return true
  if (i.ListType === 'Sender') return matchSenderList([i.Value], m).hit === null
  if (i.ListType === 'IP') return !ipMatchesAny(cip, [i.Value])
  if (i.ListSubType === 'AdvancedDelivery') return true
  return m.urls.every((u) => {
    const r = tablUrlMatch(i.Value, u, i.Action)
    return !r.matched && r.unusable === null
  })
}

/** The index's promise for one list and message: positions ascending, none left out that matters. */
function holds(
  items: TablItem[],
  m: { mailFrom: string; headerFrom: string; urls: string[]; cip: string },
) {
  const { positions, fileHashes } = tablCandidates(items, m, m.cip)
  expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b))
  expect(fileHashes).toBe(items.filter((i) => i.ListType === 'FileHash').length)
  items.forEach((i, at) => {
    if (!positions.includes(at)) expect(silent(i, m, m.cip), JSON.stringify(i)).toBe(true)
  })
}

describe('tablCandidates', () => {
  it('names every entry that can match the message or that the trace names, in list order', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), message, (items, m) => {
        const { positions, fileHashes } = tablCandidates(items, m, m.cip)
        expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b))
        expect(fileHashes).toBe(items.filter((i) => i.ListType === 'FileHash').length)
        items.forEach((i, at) => {
          if (!positions.includes(at)) expect(silent(i, m, m.cip), JSON.stringify(i)).toBe(true)
        })
      }),
      { numRuns: runs(1500) },
    )
  })

  it('keeps its promise for a list looked up many times (past the scans, through its maps)', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 40 }),
        fc.array(message, { minLength: 12, maxLength: 14 }),
        (items, ms) => {
          for (const m of ms) holds(items, m)
        },
      ),
      { numRuns: runs(300) },
    )
  })

  it('keeps its promise for a list indexed as an earlier one plus its changes (copy on write)', () => {
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(item, { maxLength: 6 }),
        message,
        message,
        (items, removed, added, m1, m2) => {
          holds(items, m1)
          // The plan's copy: the same entry objects, a few removed and a few appended.
          const gone = new Set(removed.map((r) => r % items.length))
          const next = [...items.filter((_, i) => !gone.has(i)), ...added]
          holds(next, m1)
          holds(next, m2)
          holds(items, m2)
        },
      ),
      { numRuns: runs(500) },
    )
  })

  it('sees a list changed in place (entries added, values edited)', () => {
    const items: TablItem[] = [
      { ListType: 'Sender', ListSubType: 'Tenant', Action: 'Block', Value: 'other.example' },
    ]
    const m = { mailFrom: 'a@vendor.example', headerFrom: 'a@vendor.example', urls: [] }
    expect(tablCandidates(items, m, '192.0.2.1').positions).toEqual([])
    items.push({
      ListType: 'Sender',
      ListSubType: 'Tenant',
      Action: 'Allow',
      Value: 'vendor.example',
    })
    expect(tablCandidates(items, m, '192.0.2.1').positions).toEqual([1])
    ;(items[0] as TablItem).Value = 'a@vendor.example'
    expect(tablCandidates(items, m, '192.0.2.1').positions).toEqual([0, 1])
  })

  it('leaves checkTabl as it was: the same hits and trace as entry by entry', () => {
    const items: TablItem[] = [
      ...Array.from({ length: 200 }, (_, i): TablItem => ({
        ListType: 'Sender',
        ListSubType: 'Tenant',
        Action: 'Block',
        Value: `s${i}.example.org`,
      })),
      { ListType: 'Url', ListSubType: 'Tenant', Action: 'Allow', Value: '*.vendor.example' },
      { ListType: 'Sender', ListSubType: 'Tenant', Action: 'Allow', Value: 'vendor.example' },
      { ListType: 'Url', ListSubType: 'Tenant', Action: 'Allow', Value: 'vendor.example/t/*' },
      { ListType: 'FileHash', ListSubType: 'Tenant', Action: 'Block', Value: 'ab'.repeat(32) },
    ]
    const s = makeSnapshot({ state: { tabl: { items, spoofItems: [] } } })
    const msg = {
      mailFrom: 'bounce@vendor.example',
      headerFrom: 'news@elsewhere.example',
      urls: ['https://vendor.example/t/x'],
      auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
    } as unknown as TestMessage
    const trace = new Trace()
    const hits = checkTabl(s, msg, '192.0.2.1', '2026-12-01T00:00:00Z', trace)
    expect(hits.senderAllow?.value).toBe('vendor.example')
    expect([...hits.urlAllowed.keys()]).toEqual(['https://vendor.example/t/x'])
    expect(trace.steps.map((x) => x.decision)).toEqual([
      'URL entry never matches: this allow form is supported only in advanced delivery, not as a Tenant allow',
      'Sender entry matched one address only',
      'Entry matches (never expires)',
      'Entry matches (never expires)',
      '1 file hash entry not checked',
    ])
  })
})
