/**
 * How the Tenant Allow/Block List index (tabl-index.ts) files one entry, and the keys a message is
 * looked up by: the same comparisons checkTabl makes, reduced to keys that are equal when an entry
 * can match. Where a key cannot be read cheaply the entry is filed to be checked for every message.
 */
import ipaddr from 'ipaddr.js'
import type { TablItem } from '../model/tabl.js'
import { normaliseDomain } from '../net/domain-name.js'
import { parseIpEntry } from '../net/ip.js'
import { domainOf, type TestMessage } from './message.js'
import { parseTablUrlEntry, splitUrl } from './tabl-url.js'

/** Where the index files one entry (what checkTabl would compare it by). */
export type Filing =
  | { by: 'nothing' } // matches nothing and is named by nothing
  | { by: 'file-hash' }
  | { by: 'sender-address'; key: string }
  | { by: 'sender-domain'; key: string }
  | { by: 'url-hosts'; keys: string[] }
  | { by: 'url-always' }
  | { by: 'ipv4'; first: number; last: number }
  | { by: 'ipv6'; bits: number; network: string }
  | { by: 'ip-always' }

const HOST_CHARS = /^[a-z0-9.-]+$/

/** The value of a hex digit's character code, or -1. */
function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/** Reads `text[from, to)` as hex groups of 1-4 digits joined by single colons; false if it is not. */
function groupsOf(text: string, from: number, to: number, out: number[]): boolean {
  if (from === to) return true
  let value = 0
  let digits = 0
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    const h = hex(c)
    if (h >= 0) {
      if (++digits > 4) return false
      value = value * 16 + h
    } else if (c === 58 && digits > 0 && i + 1 < to) {
      out.push(value)
      value = 0
      digits = 0
    } else return false
  }
  if (!digits) return false
  out.push(value)
  return true
}

/**
 * The eight groups (and prefix length) of an IPv6 address or CIDR written in plain hex groups (no
 * zone, no embedded IPv4), read without ipaddr.js, which takes far longer; null for anything else.
 * Where ipaddr.js reads the text too, both give the same groups.
 */
export function plainIpv6(text: string): { groups: number[]; bits: number } | null {
  const slash = text.indexOf('/')
  const end = slash === -1 ? text.length : slash
  let bits = 128
  if (slash !== -1) {
    const b = text.slice(slash + 1)
    if (!/^\d{1,3}$/.test(b)) return null
    bits = Number(b)
    if (bits > 128) return null
  }
  const gap = text.indexOf('::')
  const head: number[] = []
  if (gap === -1 || gap >= end) {
    if (!groupsOf(text, 0, end, head) || head.length !== 8) return null
    return { groups: head, bits }
  }
  const tail: number[] = []
  if (text.indexOf('::', gap + 1) !== -1 && text.indexOf('::', gap + 1) < end) return null
  if (!groupsOf(text, 0, gap, head) || !groupsOf(text, gap + 2, end, tail)) return null
  const n = head.length + tail.length
  if (n > 7) return null
  for (let i = n; i < 8; i++) head.push(0)
  for (let i = 0; i < tail.length; i++) head[8 - tail.length + i] = tail[i] as number
  return { groups: head, bits }
}

/** The first `bits` bits of an IPv6 address (its eight groups), as the key of its network. */
export function networkKey(groups: ArrayLike<number>, bits: number): string {
  const full = bits >> 4
  const rest = bits & 15
  let key = ''
  for (let i = 0; i < full; i++) key += `${(groups[i] as number).toString(16)}:`
  if (rest) key += ((groups[full] as number) >> (16 - rest)).toString(16)
  return key
}

function senderFiling(item: TablItem): Filing {
  // As matchSenderList reads an entry: an address compared as is, a domain normalised.
  const entry = item.Value.trim().toLowerCase()
  if (!entry) return { by: 'nothing' }
  if (entry.includes('@')) return { by: 'sender-address', key: entry }
  const domain = normaliseDomain(entry)
  return domain ? { by: 'sender-domain', key: domain } : { by: 'nothing' }
}

function urlFiling(item: TablItem): Filing {
  if (item.ListSubType === 'AdvancedDelivery') return { by: 'nothing' }
  const parsed = parseTablUrlEntry(item.Value)
  if ('invalid' in parsed || parsed.form === 'tld' || !HOST_CHARS.test(parsed.host))
    return { by: 'url-always' }
  if (item.Action === 'Allow' && (parsed.form === 'subdomains' || parsed.form === 'tilde'))
    return { by: 'url-always' }
  const domain = normaliseDomain(parsed.host)
  const keys = domain && domain !== parsed.host ? [parsed.host, domain] : [parsed.host]
  return { by: 'url-hosts', keys }
}

function ipFiling(item: TablItem): Filing {
  const text = item.Value.trim()
  const plain = plainIpv6(text)
  if (plain) return { by: 'ipv6', bits: plain.bits, network: networkKey(plain.groups, plain.bits) }
  // As ipMatchesAny reads an entry.
  const parsed = parseIpEntry(text)
  if (!parsed) return { by: 'nothing' }
  if (parsed.family === 'ipv4') return { by: 'ipv4', first: parsed.first, last: parsed.last }
  try {
    const [net, bits] =
      parsed.form === 'cidr' ? ipaddr.parseCIDR(parsed.text) : [ipaddr.IPv6.parse(parsed.text), 128]
    if (net.kind() !== 'ipv6') return { by: 'nothing' }
    return { by: 'ipv6', bits, network: networkKey((net as ipaddr.IPv6).parts, bits) }
  } catch {
    return { by: 'ip-always' }
  }
}

/** How the index files one entry. */
export function filingOf(item: TablItem): Filing {
  switch (item.ListType) {
    case 'FileHash':
      return { by: 'file-hash' }
    case 'Sender':
      return senderFiling(item)
    case 'Url':
      return urlFiling(item)
    case 'IP':
      return ipFiling(item)
    default:
      return { by: 'nothing' }
  }
}

/** What a message is looked up by. */
export interface MessageKeys {
  addresses: string[]
  domains: string[]
  /** URL hosts, the domains they are subdomains of, and the domain tokens of their paths. */
  urlKeys: string[]
  hasUrls: boolean
  /** The connecting IP as a number when it is an IPv4 address, and its groups when IPv6. */
  ipv4: number | null
  ipv6: number[] | null
}

/** The domains `host` equals or is a subdomain of (as domainRelation compares them). */
function parentDomains(host: string, out: string[]): void {
  const d = normaliseDomain(host)
  if (!d) return
  out.push(d)
  for (let i = d.indexOf('.'); i !== -1; i = d.indexOf('.', i + 1)) {
    const parent = d.slice(i + 1)
    if (parent) out.push(parent)
  }
}

const TOKEN_CHAR = /[a-z0-9.-]/

/**
 * Every text a domain entry could be found as in a URL's path (tabl-url.ts domainToken): a run of
 * host characters right after `/`, `=` or `@`, up to the first other character.
 */
function pathTokens(text: string, out: string[]): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c !== '/' && c !== '=' && c !== '@') continue
    let j = i + 1
    while (j < text.length && TOKEN_CHAR.test(text[j] as string)) j++
    if (j > i + 1) out.push(text.slice(i + 1, j))
  }
}

function ipv6Groups(cip: string): number[] | null {
  const plain = plainIpv6(cip)
  if (plain && plain.bits === 128 && !cip.includes('/')) return plain.groups
  if (!ipaddr.IPv6.isValid(cip)) return null
  try {
    return ipaddr.IPv6.parse(cip).parts
  } catch {
    return null
  }
}

/** The keys of a message from `cip` (the connecting IP the evaluator settled on). */
export function messageKeys(
  message: Pick<TestMessage, 'mailFrom' | 'headerFrom' | 'urls'>,
  cip: string,
): MessageKeys {
  const addresses = [message.mailFrom, message.headerFrom]
  const domains = addresses.map((a) => normaliseDomain(domainOf(a))).filter(Boolean)
  const urlKeys: string[] = []
  for (const url of message.urls) {
    const u = splitUrl(url)
    urlKeys.push(u.host)
    parentDomains(u.host, urlKeys)
    pathTokens(u.rest, urlKeys)
  }
  const ipv4 = ipaddr.IPv4.isValidFourPartDecimal(cip)
    ? ipaddr.IPv4.parse(cip)
        .toByteArray()
        .reduce((n, b) => n * 256 + b, 0)
    : null
  return {
    addresses,
    domains,
    urlKeys,
    hasUrls: message.urls.length > 0,
    ipv4,
    ipv6: ipv6Groups(cip),
  }
}
