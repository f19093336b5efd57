import { describe, expect, it } from 'vitest'
import {
  entryWithin,
  forbiddenBlock,
  forbiddenBlocks,
  ipMatchesAny,
  isPublic,
  LIST_WIDTHS,
  parseIpEntry,
  PASSAGE_WIDEST,
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
