import { describe, expect, it } from 'vitest'
import {
  entryWithin,
  FORBIDDEN_BLOCKS,
  forbiddenBlock,
  forbiddenBlocks,
  ipMatchesAny,
  ipv4InEntry,
  isPublic,
  LIST_WIDTHS,
  parseIpEntry,
  PASSAGE_WIDEST,
  SHARED_ESP_BLOCKS,
  sharedInfrastructure,
  slash24,
  splitToSlash24,
  widerThan,
} from './ip.js'

const entry = (s: string) => {
  const e = parseIpEntry(s)
  if (!e) throw new Error(`unparsable ${s}`)
  return e
}

describe('whole ranges (reliability review D3)', () => {
  it.each([
    ['172.15.0.0/11', '172.16.0.0/12', 'private'],
    ['192.169.0.0/14', '192.168.0.0/16', 'private'],
    ['9.255.255.0-10.0.0.255', '10.0.0.0/8', 'private'],
    ['8000::/1', '8000::/1', 'reserved'],
    ['2001:db9::/16', '2001::/32', 'Teredo'],
    ['2a01:111:f400::/48', '2a01:111:f400::/48', 'Microsoft 365 Exchange Online'],
    ['2a01:111:f403:c000::/51', '2a01:111:f403::/48', 'Microsoft 365 Exchange Online'],
    ['40.107.0.0/16', '40.107.0.0/16', 'Microsoft 365 Exchange Online'],
    ['40.107.243.50', '40.107.0.0/16', 'Microsoft 365 Exchange Online'],
    ['52.102.1.0/24', '52.100.0.0/14', 'Microsoft 365 Exchange Online'],
    ['104.47.0.0/16', '104.47.0.0/17', 'Microsoft 365 Exchange Online'],
    ['0.0.0.0/0', '0.0.0.0/8', 'non-routable'],
    ['::ffff:8.8.8.8', '::ffff:0:0/96', 'mapped-IPv4'],
    ['64:ff9b::808:808', '64:ff9b::/96', 'NAT64'],
    ['2002:c000:0204::1', '2002::/16', '6to4'],
    ['fd00::/8', 'fc00::/7', 'unique-local'],
    ['198.18.0.0/15', '198.18.0.0/15', 'benchmarking'],
    ['203.0.113.0/25', '203.0.113.0/24', 'documentation'],
    ['100.64.0.1', '100.64.0.0/10', 'carrier-grade NAT'],
  ])('%s is refused, naming %s (%s)', (text, cidr, name) => {
    const e = entry(text)
    expect(isPublic(e)).toBe(false)
    expect(forbiddenBlock(e)).toMatchObject({ cidr, name })
    expect(e.range).toBe(name)
  })

  it('2000::/3 is refused: it holds Teredo, documentation, 6to4 and Microsoft', () => {
    const names = forbiddenBlocks(entry('2000::/3')).map((b) => b.name)
    expect(names).toEqual(
      expect.arrayContaining(['Teredo', 'documentation', '6to4', 'Microsoft 365 Exchange Online']),
    )
    expect(isPublic(entry('2000::/3'))).toBe(false)
  })

  it.each(['8.8.8.8', '167.89.10.20', '3.145.232.16/28', '147.160.167.0/26', '2606:4700::/32'])(
    '%s is public',
    (text) => {
      expect(isPublic(entry(text))).toBe(true)
      expect(entry(text).range).toBe('unicast')
    },
  )

  it('cites where each block comes from', () => {
    const b = forbiddenBlock(entry('40.92.1.1'))
    expect(b?.source).toMatch(/Microsoft 365 URLs and IP address ranges/)
    expect(forbiddenBlock(entry('10.0.0.1'))?.source).toMatch(/IANA/)
  })
})

describe('widths', () => {
  it('refuses what each list cannot take', () => {
    expect(widerThan(entry('1.2.3.0/23'), LIST_WIDTHS.connectionFilter)).toBe(true)
    expect(widerThan(entry('1.2.3.0/24'), LIST_WIDTHS.connectionFilter)).toBe(false)
    expect(widerThan(entry('1.2.3.0-1.2.4.0'), LIST_WIDTHS.connectionFilter)).toBe(true)
    expect(widerThan(entry('2600:1::/47'), LIST_WIDTHS.tablIp)).toBe(true)
    expect(widerThan(entry('2600:1::/48'), LIST_WIDTHS.tablIp)).toBe(false)
    expect(widerThan(entry('4.0.0.0/15'), PASSAGE_WIDEST)).toBe(true)
    expect(widerThan(entry('4.0.0.0/16'), PASSAGE_WIDEST)).toBe(false)
    expect(widerThan(entry('2600::/12'), PASSAGE_WIDEST)).toBe(true)
  })
})

describe('shared sending infrastructure', () => {
  it.each([
    ['167.89.0.0/16', 'SendGrid'],
    ['167.89.0.0/17', 'SendGrid'],
    ['167.89.8.0/22', 'SendGrid'],
    ['149.72.0.0/16', 'SendGrid'],
    ['198.2.128.0/18', 'Mailchimp/Mandrill'],
    ['54.240.0.0/16', 'Amazon SES'],
    ['161.38.192.0/20', 'Mailgun'],
    ['146.20.112.0/26', 'Mailgun'],
  ])('%s is %s shared space', (text, provider) => {
    expect(sharedInfrastructure(entry(text))?.provider).toBe(provider)
  })

  it.each(['167.89.10.20', '167.89.11.0/24', '149.72.126.143', '8.8.8.0/24'])(
    '%s (a dedicated address or /24) is not flagged',
    (text) => expect(sharedInfrastructure(entry(text))).toBeNull(),
  )
})

describe('helpers keep their contracts', () => {
  it('parses addresses, CIDRs and ranges', () => {
    expect(parseIpEntry('1.2.3.4/24')).toMatchObject({ first: 0x01020300, last: 0x010203ff })
    expect(parseIpEntry('1.2.3.9-1.2.3.4')).toBeNull()
    expect(parseIpEntry('1.2.3')).toBeNull()
    expect(parseIpEntry('1.2.3.4/33')).toBeNull()
    expect(parseIpEntry('::1/129')).toBeNull()
    expect(parseIpEntry('nonsense')).toBeNull()
    expect(parseIpEntry('2001:db8::/32')?.size).toBe(Number.MAX_SAFE_INTEGER)
  })

  it('a range records the prefix that really covers it', () => {
    expect(entry('9.255.255.0-10.0.0.255').prefix).toBe(6) // 8.0.0.0/6 holds 9.x and 10.x
    expect(splitToSlash24(entry('1.2.3.200-1.2.4.10'))).toEqual(['1.2.3.0/24', '1.2.4.0/24'])
  })

  it('matches and contains as before', () => {
    expect(ipMatchesAny('1.2.3.4', ['1.2.3.0/24'])).toBe(true)
    expect(ipMatchesAny('2001:db8::1', ['2001:db8::/32'])).toBe(true)
    expect(entryWithin(entry('1.2.3.4'), entry('1.2.3.0/24'))).toBe(true)
    expect(slash24('1.2.3.4')).toBe('1.2.3.0/24')
    expect(splitToSlash24(entry('1.2.0.0/23'))).toEqual(['1.2.0.0/24', '1.2.1.0/24'])
    expect(splitToSlash24(entry('1.0.0.0/8'), 16)).toBeNull()
  })
})

describe('parseIpEntry: what an entry is', () => {
  it('an address: trimmed, its own /32, one address', () => {
    expect(parseIpEntry('  5.6.7.8 ')).toEqual({
      text: '5.6.7.8',
      family: 'ipv4',
      form: 'address',
      prefix: 32,
      size: 1,
      first: 0x05060708,
      last: 0x05060708,
      firstAddress: '5.6.7.8',
      lastAddress: '5.6.7.8',
      range: 'unicast',
    })
  })

  it('a CIDR: its network and broadcast bounds, whatever host bits it was written with', () => {
    expect(parseIpEntry('200.1.2.3/23')).toMatchObject({
      form: 'cidr',
      prefix: 23,
      size: 512,
      firstAddress: '200.1.2.0',
      lastAddress: '200.1.3.255',
    })
  })

  it('an IPv6 address and block: bounds as text, no numeric bounds, exact size up to 2^53', () => {
    expect(parseIpEntry('2606:4700::1')).toMatchObject({
      family: 'ipv6',
      form: 'address',
      prefix: 128,
      size: 1,
      firstAddress: '2606:4700::1',
      lastAddress: '2606:4700::1',
    })
    const e = entry('2606:4700:1:2::/64')
    expect(e.first).toBeNaN()
    expect(e.last).toBeNaN()
    expect(e.firstAddress).toBe('2606:4700:1:2::')
    expect(e.lastAddress).toBe('2606:4700:1:2:ffff:ffff:ffff:ffff')
    expect(entry('2606:4700::/76').size).toBe(2 ** 52)
  })

  it('an a-b range: spaces allowed, a single address allowed, reversed or partial refused', () => {
    expect(parseIpEntry('1.2.3.4 - 1.2.3.10')).toMatchObject({ form: 'range', size: 7 })
    expect(parseIpEntry('1.2.3.4-1.2.3.4')).toMatchObject({ form: 'range', size: 1, prefix: 32 })
    for (const bad of [
      '1.2.3.4-',
      '-1.2.3.4',
      '1.2.3.4-1.2.3.5-1.2.3.6',
      '1.2.3-1.2.3.5',
      '1.2.3.4-1.2.3',
      '::1-::2',
    ])
      expect(parseIpEntry(bad), bad).toBeNull()
  })

  it('refuses IPv4 written in the short or octal forms some parsers accept', () => {
    for (const bad of ['10/8', '10.1/16', '012.1.2.3', '0x7f.1.1.1', '167772161'])
      expect(parseIpEntry(bad), bad).toBeNull()
  })

  it('hands out copies: changing one does not change what the next caller parses', () => {
    const a = entry('5.6.7.9')
    a.first = 0
    a.range = 'private'
    expect(entry('5.6.7.9')).toMatchObject({ first: 0x05060709, range: 'unicast' })
    expect(parseIpEntry('not an ip')).toBeNull()
    expect(parseIpEntry('not an ip')).toBeNull()
  })

  it('judges a copied entry (e.g. by spread) by its text bounds, as one it parsed', () => {
    expect(forbiddenBlock({ ...entry('10.1.0.0/16') })?.name).toBe('private')
    expect(isPublic({ ...entry('8.8.8.0/24') })).toBe(true)
    expect(forbiddenBlock({ ...entry('2001:db8::/48') })?.name).toBe('documentation')
    expect(widerThan({ ...entry('1.2.3.0-1.2.4.0') }, LIST_WIDTHS.connectionFilter)).toBe(true)
    expect(widerThan({ ...entry('1.2.3.0-1.2.3.255') }, LIST_WIDTHS.connectionFilter)).toBe(false)
  })
})

describe('forbiddenBlock: which block a message names', () => {
  it('names the narrowest block holding the whole entry', () => {
    // 2001:0::/32 (Teredo) lies inside 2001::/23 (protocol assignments): Teredo is named.
    expect(forbiddenBlock(entry('2001:0:1::/48'))?.cidr).toBe('2001::/32')
    expect(forbiddenBlock(entry('2001:1::/32'))?.cidr).toBe('2001::/23')
  })

  it('a block holds the entry only when both of its ends are inside it', () => {
    // 2001::/31 starts in Teredo (2001::/32) but ends past it: only 2001::/23 holds it.
    expect(forbiddenBlock(entry('2001::/31'))?.cidr).toBe('2001::/23')
    // Ends inside 192.0.2.0/24 but starts before it: no block holds it, the first touched is named.
    expect(forbiddenBlock(entry('191.255.255.0-192.0.2.5'))?.cidr).toBe('192.0.0.0/24')
  })

  it('else the first block of the table the entry intersects', () => {
    expect(forbiddenBlock(entry('191.255.255.0-192.0.0.5'))?.cidr).toBe('192.0.0.0/24')
    expect(forbiddenBlocks(entry('191.255.255.0-192.0.2.5')).map((b) => b.cidr)).toEqual([
      '192.0.0.0/24',
      '192.0.2.0/24',
    ])
  })

  it('touches nothing just outside a block', () => {
    expect(forbiddenBlocks(entry('11.0.0.0-11.255.255.255'))).toEqual([])
    expect(forbiddenBlock(entry('9.255.255.255'))).toBeNull()
    expect(forbiddenBlock(entry('10.0.0.0'))?.name).toBe('private')
    expect(forbiddenBlock(entry('10.255.255.255'))?.name).toBe('private')
  })
})

describe('widerThan: a family the limit leaves out is not limited', () => {
  it('is false for IPv6 against an IPv4-only limit, and for IPv4 against an IPv6-only one', () => {
    expect(widerThan(entry('2606:4700::/16'), LIST_WIDTHS.connectionFilter)).toBe(false)
    expect(widerThan(entry('2606:4700::/16'), { ipv4Prefix: 24 })).toBe(false)
    expect(widerThan(entry('4.0.0.0/8'), LIST_WIDTHS.tablIp)).toBe(false)
  })

  it('counts an IPv6 block by its size', () => {
    expect(widerThan(entry('2606:4700::/47'), { ipv6Prefix: 48 })).toBe(true)
    expect(widerThan(entry('2606:4700::/49'), { ipv6Prefix: 48 })).toBe(false)
  })
})

describe('sharedInfrastructure: more than a /24 of a shared block, or all of a small one', () => {
  it('flags a range taking 257 addresses of a block, not one taking 256', () => {
    // 167.89.0.0/17 ends at 167.89.127.255.
    expect(sharedInfrastructure(entry('167.89.126.255-167.89.128.0'))).toEqual({
      provider: 'SendGrid',
      cidr: '167.89.0.0/17',
      source: 'SPF of sendgrid.net',
    })
    expect(sharedInfrastructure(entry('167.89.127.0-167.89.128.255'))).toBeNull()
    expect(sharedInfrastructure(entry('167.89.126.0-167.89.126.255'))).toBeNull()
  })

  it('flags a /24 that holds the whole of a smaller shared block', () => {
    expect(sharedInfrastructure(entry('146.20.112.0/24'))?.cidr).toBe('146.20.112.0/26')
  })

  it('counts only the addresses inside the block, for a range starting before it', () => {
    // 11 addresses of 167.89.0.0/17, 267 in all.
    expect(sharedInfrastructure(entry('167.88.255.0-167.89.0.10'))).toBeNull()
  })

  it('never flags IPv6, even one whose low bits spell a shared IPv4 block', () => {
    expect(sharedInfrastructure(entry('2606:4700::/48'))).toBeNull()
    expect(sharedInfrastructure(entry('::a759:0/112'))).toBeNull() // ::167.89.0.0/112
  })
})

describe('matching an address against entries', () => {
  it('includes both ends of an IPv4 entry and nothing beyond', () => {
    expect(ipMatchesAny('1.2.3.0', ['1.2.3.0/24'])).toBe(true)
    expect(ipMatchesAny('1.2.3.255', ['1.2.3.0/24'])).toBe(true)
    expect(ipMatchesAny('1.2.2.255', ['1.2.3.0/24'])).toBe(false)
    expect(ipMatchesAny('1.2.4.0', ['1.2.3.0/24'])).toBe(false)
    expect(ipMatchesAny('1.2.3.7', ['1.2.3.5-1.2.3.7'])).toBe(true)
  })

  it('skips entries that do not parse and tries the rest', () => {
    expect(ipMatchesAny('1.2.3.4', ['nonsense', '9.9.9.9', '1.2.3.4'])).toBe(true)
    expect(ipMatchesAny('1.2.3.4', ['nonsense'])).toBe(false)
    expect(ipMatchesAny('1.2.3.4', [])).toBe(false)
  })

  it('matches IPv6 by block or exact address, never across families', () => {
    expect(ipMatchesAny('2001:db8::1', ['2001:db8::1'])).toBe(true)
    expect(ipMatchesAny('2001:db8::2', ['2001:db8::1'])).toBe(false)
    expect(ipMatchesAny('2001:db9::1', ['2001:db8::/32'])).toBe(false)
    expect(ipMatchesAny('1.2.3.4', ['2001:db8::/32'])).toBe(false)
    expect(ipMatchesAny('2001:db8::1', ['0.0.0.0/1'])).toBe(false)
    expect(ipMatchesAny('not-an-ip', ['2001:db8::/32', '1.2.3.0/24'])).toBe(false)
  })

  it('ipv4InEntry: an IPv4 address in an IPv4 entry only', () => {
    expect(ipv4InEntry('1.2.3.4', entry('1.2.3.0/24'))).toBe(true)
    expect(ipv4InEntry('1.2.3.4', entry('2001:db8::/32'))).toBe(false)
    expect(ipv4InEntry('1.2.3', entry('1.2.3.0/24'))).toBe(false)
  })

  it('entryWithin: IPv4 only, both ends inclusive', () => {
    expect(entryWithin(entry('1.2.3.0/24'), entry('1.2.3.0/24'))).toBe(true)
    expect(entryWithin(entry('1.2.2.0/23'), entry('1.2.3.0/24'))).toBe(false)
    expect(entryWithin(entry('1.2.3.0-1.2.4.0'), entry('1.2.3.0/24'))).toBe(false)
    expect(entryWithin(entry('1.2.2.255-1.2.3.5'), entry('1.2.3.0/24'))).toBe(false)
    expect(entryWithin(entry('2001:db8::1'), entry('2001:db8::/32'))).toBe(false)
  })
})

describe('/24 blocks (TABL spoof entries)', () => {
  it('slash24: the /24 of an IPv4 address or entry, high octets included; null otherwise', () => {
    expect(slash24('200.255.254.9')).toBe('200.255.254.0/24')
    expect(slash24('1.2.3.4/28')).toBe('1.2.3.0/24')
    expect(slash24('2001:db8::1')).toBeNull()
    expect(slash24('nonsense')).toBeNull()
  })

  it('splitToSlash24: the /24s covering a wider entry, up to max; narrower entries as they are', () => {
    expect(splitToSlash24(entry('200.1.0.0/22'), 4)).toEqual([
      '200.1.0.0/24',
      '200.1.1.0/24',
      '200.1.2.0/24',
      '200.1.3.0/24',
    ])
    expect(splitToSlash24(entry('200.1.0.0/22'), 3)).toBeNull()
    expect(splitToSlash24(entry('1.2.3.128/25'))).toEqual(['1.2.3.128/25'])
    expect(splitToSlash24(entry('1.2.3.0/24'))).toEqual(['1.2.3.0/24'])
    expect(splitToSlash24(entry('2001:db8::/32'))).toEqual(['2001:db8::/32'])
    expect(splitToSlash24(entry('1.0.0.0/16'))).toHaveLength(256)
    // A /24 is kept as written; IPv6 is never split, however wide.
    expect(splitToSlash24(entry('1.2.3.7/24'))).toEqual(['1.2.3.7/24'])
    expect(splitToSlash24(entry('2000::/16'))).toEqual(['2000::/16'])
    // The last /24 counts even when the entry ends on its first address.
    expect(splitToSlash24(entry('1.2.3.0-1.2.4.0'))).toEqual(['1.2.3.0/24', '1.2.4.0/24'])
  })
})

describe('the tables (module-level: pinned here, not by mutation runs)', () => {
  it('every forbidden block parses, is refused, names itself, says why and cites its source', () => {
    for (const b of FORBIDDEN_BLOCKS) {
      expect(b.family, b.cidr).toBe(b.cidr.includes(':') ? 'ipv6' : 'ipv4')
      expect(b.name, b.cidr).not.toBe('')
      expect(b.why.length, b.cidr).toBeGreaterThan(8)
      expect(b.source, b.cidr).toMatch(/^(IANA IPv[46] Special-Purpose|Microsoft 365 URLs)/)
      const e = entry(b.cidr)
      expect(isPublic(e), b.cidr).toBe(false)
      expect(forbiddenBlocks(e), b.cidr).toContainEqual(b)
    }
  })

  it('every shared sending block is flagged as its provider’s, with its SPF source', () => {
    for (const b of SHARED_ESP_BLOCKS)
      expect(sharedInfrastructure(entry(b.cidr)), b.cidr).toEqual(b)
    expect(new Set(SHARED_ESP_BLOCKS.map((b) => b.provider))).toEqual(
      new Set(['SendGrid', 'Mailgun', 'Mailchimp/Mandrill', 'Constant Contact', 'Amazon SES']),
    )
  })

  it('the widths each list takes (reference §3), never wider than passage’s ceiling', () => {
    expect(PASSAGE_WIDEST).toEqual({ ipv4Prefix: 16, ipv6Prefix: 48 })
    expect(LIST_WIDTHS).toEqual({
      connectionFilter: { ipv4Prefix: 24, ipv6Prefix: null },
      tablIp: { ipv4Prefix: null, ipv6Prefix: 48 },
      spoofInfrastructure: { ipv4Prefix: 24, ipv6Prefix: null },
      partnerConnector: { ipv4Prefix: 24, ipv6Prefix: null },
      transportRule: { ipv4Prefix: 16, ipv6Prefix: 48 },
      advancedDelivery: { ipv4Prefix: 16, ipv6Prefix: 48 },
      enhancedFiltering: { ipv4Prefix: 16, ipv6Prefix: 48 },
    })
  })
})
