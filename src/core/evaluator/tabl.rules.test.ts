import { describe, expect, it } from 'vitest'
import type { TablItem, TablSpoofItem } from '../model/tabl.js'
import { TablItem as TablItemSchema } from '../model/tabl.js'
import { checkTabl, tablEntryActive } from './tabl.js'
import {
  makeMessage,
  makeSnapshot,
  NOW,
  VENDOR_IP,
  type MessageOverrides,
} from './test-fixtures.js'
import { linkMicrosoftPages } from './microsoft-pages.js'
import { Trace } from './trace.js'

// The Tenant Allow/Block List rules of tabl.ts, each pinned by its verdict and the trace's words
// (issue 18). Microsoft: tenant-allow-block-list-about.md (a block beats an allow, expiry),
// tenant-allow-block-list-email-spoof-configure.md (spoofed-sender pairs).

const item = (over: Partial<TablItem>): TablItem =>
  TablItemSchema.parse({ ListType: 'Sender', Action: 'Allow', Value: 'contoso.com', ...over })

describe('tablEntryActive (ms-rule eval.tabl.expiry)', () => {
  it('says when an entry expires, or that it expired', () => {
    expect(tablEntryActive(item({ ExpirationDate: '2026-12-01T00:00:00Z' }), NOW)).toEqual({
      active: true,
      why: 'expires 2026-12-01T00:00:00Z',
    })
    expect(tablEntryActive(item({ ExpirationDate: '2026-11-01T00:00:00Z' }), NOW)).toEqual({
      active: false,
      why: 'expired 2026-11-01T00:00:00Z',
    })
  })

  it('keeps an entry whose expiry it cannot read in force, and says so', () => {
    expect(tablEntryActive(item({ ExpirationDate: 'soon' }), NOW)).toEqual({
      active: true,
      why: "unreadable expiry 'soon'",
    })
  })

  it('removes a RemoveAfter entry only once RemoveAfter days have passed since its last use', () => {
    // Last used 45 days before NOW exactly: still kept; one second earlier: removed.
    expect(
      tablEntryActive(item({ RemoveAfter: 45, LastUsedDate: '2026-10-06T09:00:00Z' }), NOW),
    ).toEqual({ active: true, why: 'kept until 45 days after last use' })
    expect(
      tablEntryActive(item({ RemoveAfter: 45, LastUsedDate: '2026-10-06T08:59:59Z' }), NOW),
    ).toEqual({
      active: false,
      why: 'removed 45 days after last use (2026-10-06T08:59:59Z)',
    })
  })

  it('keeps a RemoveAfter entry never used, or whose last use it cannot read', () => {
    expect(tablEntryActive(item({ RemoveAfter: 45 }), NOW)).toEqual({
      active: true,
      why: 'never expires',
    })
    expect(tablEntryActive(item({ RemoveAfter: 45, LastUsedDate: 'never' }), NOW)).toEqual({
      active: true,
      why: 'kept until 45 days after last use',
    })
    expect(tablEntryActive(item({ LastUsedDate: '2020-01-01T00:00:00Z' }), NOW)).toEqual({
      active: true,
      why: 'never expires',
    })
  })

  it('reads ExpirationDate before RemoveAfter', () => {
    const both = item({
      ExpirationDate: '2026-12-01T00:00:00Z',
      RemoveAfter: 45,
      LastUsedDate: '2020-01-01T00:00:00Z',
    })
    expect(tablEntryActive(both, NOW).active).toBe(true)
  })
})

function check(
  items: Array<Partial<TablItem>>,
  over: MessageOverrides = {},
  spoofItems: TablSpoofItem[] = [],
  cip = VENDOR_IP,
) {
  const s = makeSnapshot({
    state: {
      tabl: {
        items: items.map((i) => ({ ListType: 'Sender', Action: 'Allow', Value: 'x', ...i })),
        spoofItems,
      },
    },
  })
  const trace = new Trace()
  const hits = checkTabl(s, makeMessage(over), cip, NOW, trace)
  return { hits, trace: trace.steps }
}

const expired = '2026-11-01T00:00:00Z'

describe('checkTabl: entries in force', () => {
  it('names a matching entry in force, and why it is in force', () => {
    const { hits, trace } = check([{ Value: 'contoso.com' }], {
      mailFrom: 'news@contoso.com',
    })
    expect(hits.senderAllow).toEqual({
      value: 'contoso.com',
      object: { kind: 'tabl-entry', name: 'Sender Allow contoso.com' },
    })
    expect(trace).toEqual([
      {
        stage: 'tenant-allow-block-list',
        decision: 'Entry matches (never expires)',
        object: { kind: 'tabl-entry', name: 'Sender Allow contoso.com' },
      },
    ])
  })

  it('skips a matching entry not in force, and says why', () => {
    const { hits, trace } = check([
      { Action: 'Block', Value: 'contoso.com', ExpirationDate: expired },
    ])
    expect(hits.senderBlock).toBeNull()
    expect(trace.map((t) => t.decision)).toEqual([
      `Entry matches but is not in force: expired ${expired}`,
    ])
    expect(trace[0]?.object?.name).toBe('Sender Block contoso.com')
  })

  it('flags a sender entry in force that matched one address only, not an expired one', () => {
    const one = check([{ Value: 'contoso.com' }])
    expect(one.trace[0]).toEqual({
      stage: 'tenant-allow-block-list',
      decision: 'Sender entry matched one address only',
      object: { kind: 'tabl-entry', name: 'Sender Allow contoso.com' },
      note: "'contoso.com' matched the From address only; the reference does not say whether this list checks the envelope sender, the From header or both, so the match is applied",
      uncertain: true,
    })
    const gone = check([{ Value: 'contoso.com', ExpirationDate: expired }])
    expect(gone.trace.some((t) => t.uncertain)).toBe(false)
  })

  it('keeps the first matching entry of each kind', () => {
    const { hits } = check([
      { Value: 'news@contoso.com' },
      { Value: 'contoso.com' },
      { ListType: 'IP', Value: '203.0.113.0/24' },
      { ListType: 'IP', Value: VENDOR_IP },
    ])
    expect(hits.senderAllow?.value).toBe('news@contoso.com')
    expect(hits.ipAllow?.value).toBe('203.0.113.0/24')
    expect(hits.ipBlock).toBeNull()
  })

  it('matches IP entries against the source IP given, not the message', () => {
    const block = [{ ListType: 'IP' as const, Action: 'Block' as const, Value: '192.0.2.0/24' }]
    expect(check(block).hits.ipBlock).toBeNull()
    expect(check(block, {}, [], '192.0.2.9').hits.ipBlock?.value).toBe('192.0.2.0/24')
  })

  it('never lets a URL entry match another list', () => {
    const { hits } = check([{ ListType: 'Url', Action: 'Block', Value: 'contoso.com' }])
    expect(hits).toMatchObject({ senderBlock: null, ipBlock: null, urlBlock: null })
  })
})

describe('checkTabl: URL entries (ms-rule eval.tabl.url-syntax)', () => {
  const urls = ['https://contoso.com/a/b', 'https://fabrikam.net/x']

  it('records each URL an allow covers, with the first allow covering it', () => {
    const { hits } = check(
      [
        { ListType: 'Url', Value: 'contoso.com/a/*' },
        { ListType: 'Url', Value: 'contoso.com/*' },
        { ListType: 'Url', Value: 'fabrikam.net/*' },
      ],
      { urls },
    )
    expect([...hits.urlAllowed].map(([u, h]) => [u, h.value])).toEqual([
      ['https://contoso.com/a/b', 'contoso.com/a/*'],
      ['https://fabrikam.net/x', 'fabrikam.net/*'],
    ])
  })

  it('lets a URL block cancel every URL allow', () => {
    const { hits } = check(
      [
        { ListType: 'Url', Value: 'fabrikam.net/*' },
        { ListType: 'Url', Action: 'Block', Value: 'contoso.com' },
      ],
      { urls },
    )
    expect(hits.urlBlock?.value).toBe('contoso.com')
    expect(hits.urlAllowed.size).toBe(0)
  })

  it('says why an unusable URL entry in force never matches, not for an expired one', () => {
    const { trace } = check([{ ListType: 'Url', Value: '*.contoso.com' }], { urls })
    expect(trace).toEqual([
      {
        stage: 'tenant-allow-block-list',
        decision:
          'URL entry never matches: this allow form is supported only in advanced delivery, not as a Tenant allow',
        object: { kind: 'tabl-entry', name: 'Url Allow *.contoso.com' },
        note: linkMicrosoftPages('tenant-allow-block-list-urls-configure.md, URL syntax'),
      },
    ])
    expect(
      check([{ ListType: 'Url', Value: '*.contoso.com', ExpirationDate: expired }], { urls }).trace,
    ).toEqual([])
  })
})

describe('checkTabl: file hashes', () => {
  it('says how many file hash entries it cannot check', () => {
    const hash = { ListType: 'FileHash' as const, Action: 'Block' as const, Value: 'ab'.repeat(32) }
    expect(check([hash]).trace.map((t) => [t.decision, t.note])).toEqual([
      [
        '1 file hash entry not checked',
        'A test message names its attachments but carries no file hashes',
      ],
    ])
    expect(check([hash, { ...hash, Value: 'cd'.repeat(32) }]).trace[0]?.decision).toBe(
      '2 file hash entries not checked',
    )
    expect(check([]).trace).toEqual([])
  })
})

describe('checkTabl: a block beats an allow (ms-rule eval.block.beats-allow)', () => {
  it.each([
    ['sender', { Value: 'contoso.com' }, 'senderAllow', 'senderBlock'],
    ['IP', { ListType: 'IP' as const, Value: VENDOR_IP }, 'ipAllow', 'ipBlock'],
  ] as const)('a %s block removes the %s allow, and the trace says so', (what, e, allow, block) => {
    const { hits, trace } = check([e, { ...e, Action: 'Block' }], { mailFrom: 'news@contoso.com' })
    expect(hits[allow]).toBeNull()
    expect(hits[block]?.value).toBe(e.Value)
    const last = trace[trace.length - 1]
    expect(last?.decision).toBe(`Both a ${what} allow and a ${what} block match: the block wins`)
    expect(last?.object?.name).toContain('Block')
  })

  it('keeps an allow when no block of its list matches', () => {
    const { hits, trace } = check(
      [{ Value: 'contoso.com' }, { ListType: 'IP', Action: 'Block', Value: VENDOR_IP }],
      { mailFrom: 'news@contoso.com' },
    )
    expect(hits.senderAllow?.value).toBe('contoso.com')
    expect(hits.ipBlock?.value).toBe(VENDOR_IP)
    expect(trace.some((t) => /block wins/.test(t.decision))).toBe(false)
  })
})

const spoof = (over: Partial<TablSpoofItem>): TablSpoofItem => ({
  Action: 'Allow',
  SpoofType: 'External',
  SpoofedUser: 'contoso.com',
  SendingInfrastructure: 'mail.example.net',
  ...over,
})

/** The spoof hits and trace for one spoof entry and a message. */
function spoofCheck(entry: Partial<TablSpoofItem>, over: MessageOverrides = {}) {
  const { hits, trace } = check([], over, [spoof(entry)])
  return { hit: hits.spoofAllow ?? hits.spoofBlock, hits, trace }
}

describe('checkTabl: spoofed-sender pairs (ms-rule eval.tabl.spoof-pair)', () => {
  it('matches on the PTR domain of the source, and says spoof entries never expire', () => {
    const r = spoofCheck({}, { ptr: 'out1.mail.example.net' })
    expect(r.hits.spoofAllow).toEqual({
      value: 'contoso.com via mail.example.net',
      object: { kind: 'tabl-spoof-entry', name: 'Allow contoso.com via mail.example.net' },
    })
    expect(r.trace).toEqual([
      {
        stage: 'tenant-allow-block-list',
        decision: 'Spoofed-sender entry matches (External; spoof entries never expire)',
        object: { kind: 'tabl-spoof-entry', name: 'Allow contoso.com via mail.example.net' },
      },
    ])
    expect(spoofCheck({}, { ptr: 'mail.example.org' }).hit).toBeNull()
  })

  it('takes the spoofed user as the From address, its exact domain, or `*`', () => {
    const ptr = { ptr: 'mail.example.net' }
    expect(spoofCheck({ SpoofedUser: 'NEWS@contoso.com ' }, ptr).hit).not.toBeNull()
    expect(spoofCheck({ SpoofedUser: 'bounce@mail.contoso.com' }, ptr).hit).toBeNull()
    expect(spoofCheck({ SpoofedUser: '*' }, ptr).hit).not.toBeNull()
    // The From domain's parent is not the From domain.
    expect(spoofCheck({ SpoofedUser: 'com' }, ptr).hit).toBeNull()
    expect(spoofCheck({ SpoofedUser: 'fabrikam.net' }, ptr).hit).toBeNull()
  })

  it('takes `*` as the sending infrastructure', () => {
    expect(spoofCheck({ SendingInfrastructure: ' * ' }).hit?.value).toBe('contoso.com via  * ')
  })

  it('never matches with `*` on both sides, and says so', () => {
    const r = spoofCheck({ SpoofedUser: '*', SendingInfrastructure: '*' }, { ptr: null })
    expect(r.hit).toBeNull()
    expect(r.trace).toEqual([
      {
        stage: 'tenant-allow-block-list',
        decision: 'Spoof entry with `*` on both sides never matches',
        object: { kind: 'tabl-spoof-entry', name: 'Allow * via *' },
        note: 'A wildcard is valid on one side of the pair only',
      },
    ])
  })

  it('keeps external entries for external senders and internal ones for the tenant’s domains', () => {
    const inside = { headerFrom: 'ceo@fabrikam.com' }
    expect(spoofCheck({ SendingInfrastructure: '*' }).hit).not.toBeNull()
    expect(spoofCheck({ SpoofType: 'Internal', SendingInfrastructure: '*' }).hit).toBeNull()
    expect(
      spoofCheck(
        { SpoofType: 'Internal', SpoofedUser: 'ceo@fabrikam.com', SendingInfrastructure: '*' },
        inside,
      ).hit,
    ).not.toBeNull()
    expect(
      spoofCheck({ SpoofedUser: 'ceo@fabrikam.com', SendingInfrastructure: '*' }, inside).hit,
    ).toBeNull()
  })

  it('applies an internal entry naming a domain as a domain, flagged', () => {
    const r = spoofCheck(
      { SpoofType: 'Internal', SpoofedUser: 'fabrikam.com', SendingInfrastructure: '*' },
      { headerFrom: 'ceo@fabrikam.com' },
    )
    expect(r.hit).not.toBeNull()
    expect(r.trace[0]).toEqual({
      stage: 'tenant-allow-block-list',
      decision: "Internal spoof entry names the domain 'fabrikam.com', not an address",
      object: { kind: 'tabl-spoof-entry', name: 'Allow fabrikam.com via *' },
      note: linkMicrosoftPages(
        'New-TenantAllowBlockListSpoofItems.md asks for an email address for intra-org spoofing, while the spoof page lists domains as valid spoofed users; the entry is applied as a domain',
      ),
      uncertain: true,
    })
    // An internal entry naming an address, or `*`, is not flagged.
    for (const SpoofedUser of ['ceo@fabrikam.com', '*'])
      expect(
        spoofCheck(
          { SpoofType: 'Internal', SpoofedUser, SendingInfrastructure: 'mail.example.net' },
          { headerFrom: 'ceo@fabrikam.com', ptr: 'mail.example.net' },
        ).trace.some((t) => t.uncertain),
      ).toBe(false)
  })

  it('uses the source’s /24 (or IP) only when the source has no PTR record', () => {
    for (const infra of ['203.0.113.0/24', VENDOR_IP])
      expect(spoofCheck({ SendingInfrastructure: infra }, { ptr: null }).hit?.value).toBe(
        `contoso.com via ${infra}`,
      )
    expect(spoofCheck({ SendingInfrastructure: '198.51.100.0/24' }, { ptr: null }).hit).toBeNull()
    expect(spoofCheck({ SendingInfrastructure: '203.0.113.99' }, { ptr: null }).hit).toBeNull()
    const withPtr = spoofCheck(
      { SendingInfrastructure: '203.0.113.0/24' },
      { ptr: 'mx.example.net' },
    )
    expect(withPtr.hit).toBeNull()
    expect(withPtr.trace).toEqual([
      {
        stage: 'tenant-allow-block-list',
        decision:
          "Spoof entry's /24 203.0.113.0/24 does not apply: the source has the PTR mx.example.net, so the infrastructure is its domain",
        object: { kind: 'tabl-spoof-entry', name: 'Allow contoso.com via 203.0.113.0/24' },
      },
    ])
  })

  it('does not apply a /24 entry when whether the source has a PTR record is unknown', () => {
    const r = spoofCheck({ SendingInfrastructure: '203.0.113.0/24' })
    expect(r.hit).toBeNull()
    expect(r.trace).toEqual([
      {
        stage: 'tenant-allow-block-list',
        decision: `Spoof entry's sending infrastructure 203.0.113.0/24 contains the source ${VENDOR_IP}, but whether the source has a PTR record is unknown: not applied`,
        object: { kind: 'tabl-spoof-entry', name: 'Allow contoso.com via 203.0.113.0/24' },
        note: 'Microsoft identifies the sending infrastructure by the /24 only when the source IP has no PTR record; give the message’s ptr (null for none)',
        uncertain: true,
      },
    ])
    // A /24 that does not hold the source is not uncertain: it cannot match.
    expect(spoofCheck({ SendingInfrastructure: '198.51.100.0/24' }).trace).toEqual([])
  })

  it('takes an IP-like /24 that is no network for a /24 that holds no source, not for a PTR name', () => {
    expect(spoofCheck({ SendingInfrastructure: '999.0.0.0/24' })).toMatchObject({
      hit: null,
      trace: [],
    })
  })

  it('reads as a name, never as a /24, text that is not four 1-3 digit numbers and /24', () => {
    for (const infra of [
      'x1.2.3.4/24',
      '1.2.3.4/24x',
      '1234.0.0.0/24',
      '.0.0.0/24',
      '1.2.3/24',
      '1.2.3.4.5/24',
      '1x2.3.4/24',
      '1.2.3.4/25x',
    ])
      expect(spoofCheck({ SendingInfrastructure: infra }).trace.map((t) => t.decision)).toEqual([
        `Spoof entry's sending infrastructure ${infra} may be the source's PTR domain: not applied`,
      ])
  })

  it('matches a verified DKIM domain exactly, without a PTR', () => {
    const dkim = { ptr: null, dkimDomain: 'example.net' }
    expect(spoofCheck({ SendingInfrastructure: 'example.net' }, dkim).hit).not.toBeNull()
    expect(spoofCheck({ SendingInfrastructure: 'mail.example.net' }, dkim).hit).toBeNull()
    const failed = { ...dkim, auth: { spf: 'pass', dkim: 'fail', dmarc: 'pass' } as const }
    expect(spoofCheck({ SendingInfrastructure: 'example.net' }, failed).hit).toBeNull()
  })

  it('says a name entry may be the PTR domain when the message gives no PTR', () => {
    const r = spoofCheck({ SendingInfrastructure: 'example.net' })
    expect(r.hit).toBeNull()
    expect(r.trace).toEqual([
      {
        stage: 'tenant-allow-block-list',
        decision:
          "Spoof entry's sending infrastructure example.net may be the source's PTR domain: not applied",
        object: { kind: 'tabl-spoof-entry', name: 'Allow contoso.com via example.net' },
        note: 'The test message does not give the PTR of its source; only a verified DKIM domain was compared',
        uncertain: true,
      },
    ])
    expect(spoofCheck({ SendingInfrastructure: 'example.net' }, { ptr: null }).trace).toEqual([])
  })

  it('lets a spoof block beat a spoof allow for the same pair', () => {
    const pair = { SendingInfrastructure: '*' }
    const { hits, trace } = check([], {}, [spoof(pair), spoof({ ...pair, Action: 'Block' })])
    expect(hits.spoofAllow).toBeNull()
    expect(hits.spoofBlock?.object.name).toBe('Block contoso.com via *')
    expect(trace[trace.length - 1]?.decision).toBe(
      'Both a spoofed-sender allow and a spoofed-sender block match: the block wins',
    )
    // The first of two allows is kept.
    const two = check([], {}, [
      spoof(pair),
      spoof({ SpoofedUser: '*', SendingInfrastructure: 'example.net' }),
      spoof({ ...pair, SpoofedUser: 'news@contoso.com' }),
    ])
    expect(two.hits.spoofAllow?.value).toBe('contoso.com via *')
  })
})
