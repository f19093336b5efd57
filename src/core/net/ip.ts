import ipaddr from 'ipaddr.js'

/** A parsed sender address entry: a single IPv4/IPv6 address, a CIDR block, or an a-b range. */
export interface IpEntry {
  /** The text as given, trimmed. */
  text: string
  family: 'ipv4' | 'ipv6'
  form: 'address' | 'cidr' | 'range'
  /** Prefix length (32/128 for an address; for a range, the narrowest prefix covering it). */
  prefix: number
  /** Number of addresses covered (capped at 2^53 for IPv6). */
  size: number
  /** First and last address, as numbers for IPv4 (IPv6: NaN). */
  first: number
  last: number
  /** First and last address of the entry as canonical text (both families). */
  firstAddress: string
  lastAddress: string
  /**
   * 'unicast' when EVERY address of the entry is public and outside Microsoft's own Exchange
   * Online ranges; otherwise the name of the forbidden block it intersects (see
   * {@link forbiddenBlock}), e.g. 'private', 'documentation', 'Microsoft 365 Exchange Online'.
   * Messages print it as "X is a <range> address".
   */
  range: string
}

/** A block of addresses no allow list may cover, with why and where it is defined. */
export interface ForbiddenBlock {
  /** The block, as CIDR text. */
  cidr: string
  family: 'ipv4' | 'ipv6'
  /** Short name, printed in messages ("a <name> address"). */
  name: string
  /** Why an allow covering any of it is refused. */
  why: string
  /** Where the block is defined. */
  source: string
}

/** A block with its bounds as numbers (IPv4 and IPv6 alike, as BigInt). */
interface Interval {
  family: 'ipv4' | 'ipv6'
  first: bigint
  last: bigint
}

const IANA_V4 = 'IANA IPv4 Special-Purpose Address Registry (RFC 6890)'
const IANA_V6 = 'IANA IPv6 Special-Purpose Address Registry (RFC 6890)'
/**
 * Microsoft Learn, "Microsoft 365 URLs and IP address ranges" (worldwide,
 * https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges), Exchange Online rows
 * ID 1, 2 (Exchange Online client and SMTP submission endpoints), 9 (*.protection.outlook.com)
 * and 10 (*.mail.protection.outlook.com, TCP 25); text of the generated include
 * microsoft-365/includes/office-365-worldwide-endpoints.md, worldwide endpoints version
 * 2022072800, generated 2022-07-29, read 2026-12-06. Newer versions of the page split
 * 52.100.0.0/14 into 52.100.0.0/15, 52.102.0.0/16 and 52.103.0.0/16: the same addresses.
 */
const MS_EXO = 'Microsoft 365 URLs and IP address ranges, Exchange Online ID 1/2/9/10 (2022-07-29)'

const EXO_WHY =
  "Microsoft's own Exchange Online address: every Microsoft 365 tenant, an attacker's trial tenant included, sends from it"

function block(cidr: string, name: string, why: string, source: string): ForbiddenBlock {
  return { cidr, family: cidr.includes(':') ? 'ipv6' : 'ipv4', name, why, source }
}

/**
 * Every block an allow list entry must not touch. Messages name the narrowest block that holds
 * the whole entry, else the first in this order that it intersects (see {@link forbiddenBlock}).
 * Special-purpose blocks: IANA's registries; Microsoft's: {@link MS_EXO}.
 */
export const FORBIDDEN_BLOCKS: readonly ForbiddenBlock[] = [
  // IPv4 special-purpose (IANA; RFC 1122, 1918, 2544, 3927, 5737, 6598, 7450, 7526, 7534/7535)
  block('0.0.0.0/8', 'non-routable', '"this network": never a source on the internet', IANA_V4),
  block('10.0.0.0/8', 'private', 'RFC 1918 private space: never an internet sender', IANA_V4),
  block('100.64.0.0/10', 'carrier-grade NAT', 'RFC 6598 shared address space', IANA_V4),
  block('127.0.0.0/8', 'loopback', 'loopback: the receiving host itself', IANA_V4),
  block('169.254.0.0/16', 'link-local', 'RFC 3927 link-local', IANA_V4),
  block('172.16.0.0/12', 'private', 'RFC 1918 private space: never an internet sender', IANA_V4),
  block('192.0.0.0/24', 'protocol-assignment', 'IETF protocol assignments', IANA_V4),
  block('192.0.2.0/24', 'documentation', 'RFC 5737 TEST-NET-1, for examples only', IANA_V4),
  block('192.31.196.0/24', 'DNS-sink (AS112)', 'RFC 7535 AS112 anycast', IANA_V4),
  block('192.52.193.0/24', 'multicast-tunnel (AMT)', 'RFC 7450 AMT anycast', IANA_V4),
  block('192.88.99.0/24', '6to4', 'RFC 7526 deprecated 6to4 relay anycast', IANA_V4),
  block('192.168.0.0/16', 'private', 'RFC 1918 private space: never an internet sender', IANA_V4),
  block('192.175.48.0/24', 'DNS-sink (AS112)', 'RFC 7534 AS112 direct delegation', IANA_V4),
  block('198.18.0.0/15', 'benchmarking', 'RFC 2544 benchmarking', IANA_V4),
  block('198.51.100.0/24', 'documentation', 'RFC 5737 TEST-NET-2, for examples only', IANA_V4),
  block('203.0.113.0/24', 'documentation', 'RFC 5737 TEST-NET-3, for examples only', IANA_V4),
  block('224.0.0.0/4', 'multicast', 'multicast: never a mail source', IANA_V4),
  block('255.255.255.255/32', 'broadcast', 'limited broadcast', IANA_V4),
  block('240.0.0.0/4', 'reserved', 'reserved for future use (RFC 1112)', IANA_V4),
  // Microsoft's own Exchange Online ranges, IPv4 (ID 9/10, then ID 1/2)
  block('40.92.0.0/15', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('40.107.0.0/16', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('52.100.0.0/14', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('52.238.78.88/32', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('104.47.0.0/17', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('13.107.6.152/31', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('13.107.18.10/31', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('13.107.128.0/22', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('23.103.160.0/20', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('40.96.0.0/13', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('40.104.0.0/15', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('52.96.0.0/14', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('131.253.33.215/32', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('132.245.0.0/16', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('150.171.32.0/22', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('204.79.197.215/32', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  // IPv6 special-purpose (IANA; RFC 3849, 3879, 4193, 4291, 4380, 5180, 6052, 6666, 7343,
  // 7450, 7534/7535, 8215, 9374, 9602, 9637), specific blocks before the unallocated space
  block('::/128', 'non-routable', 'the unspecified address', IANA_V6),
  block('::1/128', 'loopback', 'loopback: the receiving host itself', IANA_V6),
  block('::ffff:0:0/96', 'mapped-IPv4', 'IPv4-mapped: an IPv4 sender in IPv6 clothes', IANA_V6),
  block('::ffff:0:0:0/96', 'translated-IPv4', 'RFC 6145 IPv4-translated', IANA_V6),
  block('64:ff9b::/96', 'NAT64', 'RFC 6052 NAT64 well-known prefix', IANA_V6),
  block('64:ff9b:1::/48', 'NAT64', 'RFC 8215 local-use NAT64', IANA_V6),
  block('100::/64', 'discard-only', 'RFC 6666 discard-only', IANA_V6),
  block('2001::/32', 'Teredo', 'RFC 4380 Teredo tunnels: anyone can source from it', IANA_V6),
  block('2001:2::/48', 'benchmarking', 'RFC 5180 benchmarking', IANA_V6),
  block('2001:db8::/32', 'documentation', 'RFC 3849 documentation, for examples only', IANA_V6),
  block('2001::/23', 'protocol-assignment', 'IETF protocol assignments (RFC 2928)', IANA_V6),
  block('2002::/16', '6to4', 'RFC 3056 6to4: relays anyone can source from', IANA_V6),
  block('2620:4f:8000::/48', 'DNS-sink (AS112)', 'RFC 7534 AS112', IANA_V6),
  block('3fff::/20', 'documentation', 'RFC 9637 documentation, for examples only', IANA_V6),
  block('5f00::/16', 'segment-routing', 'RFC 9602 SRv6 SIDs', IANA_V6),
  block('fc00::/7', 'unique-local', 'RFC 4193 unique-local: private space', IANA_V6),
  block('fe80::/10', 'link-local', 'link-local', IANA_V6),
  block('fec0::/10', 'site-local', 'deprecated site-local (RFC 3879)', IANA_V6),
  block('ff00::/8', 'multicast', 'multicast: never a mail source', IANA_V6),
  // Only 2000::/3 is allocated as global unicast (RFC 4291 §2.4, IANA IPv6 Address Space).
  block('::/3', 'reserved', 'outside 2000::/3, the only global unicast space', IANA_V6),
  block('4000::/2', 'reserved', 'outside 2000::/3, the only global unicast space', IANA_V6),
  block('8000::/1', 'reserved', 'outside 2000::/3, the only global unicast space', IANA_V6),
  // Microsoft's own Exchange Online ranges, IPv6 (ID 9/10, then ID 1/2)
  block('2a01:111:f400::/48', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2a01:111:f403::/48', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2603:1006::/40', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2603:1016::/36', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2603:1026::/36', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2603:1036::/36', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2603:1046::/36', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2603:1056::/36', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2620:1ec:4::152/127', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2620:1ec:c::10/127', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2620:1ec:d::10/127', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2620:1ec:8f0::/46', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2620:1ec:900::/46', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
  block('2620:1ec:a92::152/127', 'Microsoft 365 Exchange Online', EXO_WHY, MS_EXO),
]

/** An address as a BigInt (IPv4: 32 bits; IPv6: 128 bits). */
function toBig(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((n, b) => (n << 8n) | BigInt(b), 0n)
}

/** The first and last address of a CIDR, through ipaddr.js's own network/broadcast arithmetic. */
function cidrBounds(text: string): Interval {
  const [addr, bits] = ipaddr.parseCIDR(text)
  if (addr.kind() === 'ipv4') {
    return {
      family: 'ipv4',
      first: toBig(ipaddr.IPv4.networkAddressFromCIDR(text)),
      last: toBig(ipaddr.IPv4.broadcastAddressFromCIDR(text)),
    }
  }
  // ipaddr.js 2.x has no IPv6 network/broadcast helpers: mask the address with its prefix.
  const base = toBig(addr) & ~((1n << BigInt(128 - bits)) - 1n)
  return { family: 'ipv6', first: base, last: base + (1n << BigInt(128 - bits)) - 1n }
}

const BLOCK_BOUNDS: readonly (ForbiddenBlock & Interval)[] = FORBIDDEN_BLOCKS.map((b) => ({
  ...b,
  ...cidrBounds(b.cidr),
}))
// Per family, so a check walks only the blocks that can match.
const BLOCKS_BY_FAMILY = {
  ipv4: BLOCK_BOUNDS.filter((b) => b.family === 'ipv4'),
  ipv6: BLOCK_BOUNDS.filter((b) => b.family === 'ipv6'),
}

function bigToText(n: bigint, family: 'ipv4' | 'ipv6'): string {
  if (family === 'ipv4') return [24n, 16n, 8n, 0n].map((sh) => String((n >> sh) & 255n)).join('.')
  const bytes: number[] = []
  for (let i = 15; i >= 0; i--) bytes.push(Number((n >> BigInt(i * 8)) & 255n))
  return ipaddr.fromByteArray(bytes).toString()
}

/** The narrowest prefix whose block holds both ends (the leading bits they share). */
function coveringPrefix(first: bigint, last: bigint, bits: number): number {
  let p = bits
  let diff = first ^ last
  while (diff > 0n) {
    diff >>= 1n
    p--
  }
  return p
}

// Bounds of the entries parsed here, so checks need not parse their text again (a copy of an
// entry, e.g. by spread, falls back to parsing its first and last address).
const BOUNDS = new WeakMap<IpEntry, Interval>()

function entryOf(
  text: string,
  form: IpEntry['form'],
  family: 'ipv4' | 'ipv6',
  first: bigint,
  last: bigint,
  prefix: number,
): IpEntry {
  const span = last - first + 1n
  const entry: IpEntry = {
    text,
    family,
    form,
    prefix,
    size: span > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(span),
    first: family === 'ipv4' ? Number(first) : NaN,
    last: family === 'ipv4' ? Number(last) : NaN,
    firstAddress: bigToText(first, family),
    lastAddress: bigToText(last, family),
    range: 'unicast',
  }
  BOUNDS.set(entry, { family, first, last })
  entry.range = forbiddenBlock(entry)?.name ?? 'unicast'
  return entry
}

// The evaluator parses the same list entries for every message: remember recent answers (each
// caller gets its own copy, so none can change another's).
const PARSED = new Map<string, IpEntry | null>()
const PARSED_MAX = 4096

/** Parses an IP address, CIDR or `a-b` IPv4 range; returns null when it is none of these. */
export function parseIpEntry(input: string): IpEntry | null {
  const text = input.trim()
  if (PARSED.has(text)) {
    const hit = PARSED.get(text)
    if (!hit) return null
    const copy = { ...hit }
    const b = BOUNDS.get(hit)
    if (b) BOUNDS.set(copy, b)
    return copy
  }
  const parsed = parseUncached(text)
  if (PARSED.size >= PARSED_MAX) PARSED.clear()
  PARSED.set(text, parsed)
  return parsed ? parseIpEntry(text) : null
}

function parseUncached(text: string): IpEntry | null {
  try {
    if (text.includes('-')) {
      const [a, b, ...rest] = text.split('-').map((s) => s.trim())
      if (
        !a ||
        !b ||
        rest.length ||
        !ipaddr.IPv4.isValidFourPartDecimal(a) ||
        !ipaddr.IPv4.isValidFourPartDecimal(b)
      )
        return null
      const first = toBig(ipaddr.IPv4.parse(a))
      const last = toBig(ipaddr.IPv4.parse(b))
      if (last < first) return null
      return entryOf(text, 'range', 'ipv4', first, last, coveringPrefix(first, last, 32))
    }
    if (text.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(text)
      if (addr.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(text.split('/')[0] ?? ''))
        return null
      const b = cidrBounds(text)
      return entryOf(text, 'cidr', b.family, b.first, b.last, bits)
    }
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
      const n = toBig(ipaddr.IPv4.parse(text))
      return entryOf(text, 'address', 'ipv4', n, n, 32)
    }
    if (ipaddr.IPv6.isValid(text)) {
      const n = toBig(ipaddr.IPv6.parse(text))
      return entryOf(text, 'address', 'ipv6', n, n, 128)
    }
  } catch {
    return null
  }
  return null
}

/** The entry's bounds as BigInts: cached at parse time, else from its first and last address. */
function boundsOf(entry: IpEntry): Interval {
  const known = BOUNDS.get(entry)
  if (known) return known
  return {
    family: entry.family,
    first: toBig(ipaddr.parse(entry.firstAddress)),
    last: toBig(ipaddr.parse(entry.lastAddress)),
  }
}

function intersects(a: Interval, b: Interval): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last
}

function contains(outer: Interval, inner: Interval): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last
}

/** Every forbidden block the entry shares at least one address with, in table order. */
export function forbiddenBlocks(entry: IpEntry): ForbiddenBlock[] {
  const e = boundsOf(entry)
  return BLOCKS_BY_FAMILY[e.family]
    .filter((b) => intersects(b, e))
    .map(({ cidr, family, name, why, source }) => ({ cidr, family, name, why, source }))
}

/**
 * WHICH forbidden block the entry touches, for messages: the most specific block holding the
 * whole entry when there is one (so `8000::/1` is named 'reserved', not one of the blocks it
 * holds), else the first block it intersects (`172.15.0.0/11` -> 172.16.0.0/12, 'private').
 * Null when every address of the entry is public and not Microsoft's.
 */
export function forbiddenBlock(entry: IpEntry): ForbiddenBlock | null {
  const e = boundsOf(entry)
  let first: (typeof BLOCK_BOUNDS)[number] | undefined
  let whole: (typeof BLOCK_BOUNDS)[number] | undefined
  for (const b of BLOCKS_BY_FAMILY[e.family]) {
    if (!intersects(b, e)) continue
    first ??= b
    if (contains(b, e) && (!whole || b.last - b.first < whole.last - whole.first)) whole = b
  }
  const b = whole ?? first
  return b ? { cidr: b.cidr, family: b.family, name: b.name, why: b.why, source: b.source } : null
}

/**
 * True when EVERY address of the entry is a public internet address outside Microsoft's own
 * Exchange Online ranges: the whole range is checked, not its first address.
 */
export function isPublic(entry: IpEntry): boolean {
  return forbiddenBlock(entry) === null
}

/** The widest block a list accepts, per family; a family left out has no limit here. */
export interface WidthLimit {
  /** The shortest IPv4 prefix accepted (24 means /24 to /32). */
  ipv4Prefix?: number
  /** The shortest IPv6 prefix accepted. */
  ipv6Prefix?: number
}

/**
 * passage's own ceiling, whatever the list: a /48 in IPv6 (one site's allocation, 2^16 /64
 * subnets) and its counterpart in IPv4, 2^16 addresses (/16). No vendor's dedicated sending
 * pool is wider; anything wider is someone else's network as well.
 */
export const PASSAGE_WIDEST: Readonly<Required<WidthLimit>> = { ipv4Prefix: 16, ipv6Prefix: 48 }

/**
 * The widths Microsoft documents for each list (shared/reference/exchange-online-api.md §3),
 * already narrowed to {@link PASSAGE_WIDEST}; `null` for a family the list does not take.
 */
export const LIST_WIDTHS = {
  /** Connection filter IP Allow List: IPv4 /24-/32 (ranges of 256 at most), no IPv6. */
  connectionFilter: { ipv4Prefix: 24, ipv6Prefix: null },
  /** Tenant Allow/Block List IP entries: IPv6 only (Microsoft: /1-/128; passage: /48). */
  tablIp: { ipv4Prefix: null, ipv6Prefix: 48 },
  /** TABL spoof SendingInfrastructure: an IPv4 /24, the only depth allowed. */
  spoofInfrastructure: { ipv4Prefix: 24, ipv6Prefix: null },
  /** Partner inbound connector SenderIPAddresses: IPv4 /24-/32. */
  partnerConnector: { ipv4Prefix: 24, ipv6Prefix: null },
  /** Transport rule SenderIpRanges: Microsoft sets no width; passage's ceiling. */
  transportRule: { ...PASSAGE_WIDEST },
  /** Advanced delivery SenderIpRanges: Microsoft sets no width in the reference; passage's. */
  advancedDelivery: { ...PASSAGE_WIDEST },
  /** Enhanced filtering EFSkipIPs: Microsoft sets no width in the reference; passage's. */
  enhancedFiltering: { ...PASSAGE_WIDEST },
} as const satisfies Record<string, { ipv4Prefix: number | null; ipv6Prefix: number | null }>

/**
 * True when the entry covers more addresses than a block of the limit's prefix for its family
 * (a range counts by its size, not its covering prefix). A family the limit leaves out, or sets
 * to null, is not limited here: whether a list takes that family at all is the caller's check.
 */
export function widerThan(
  entry: IpEntry,
  limit: { ipv4Prefix?: number | null; ipv6Prefix?: number | null },
): boolean {
  const prefix = entry.family === 'ipv4' ? limit.ipv4Prefix : limit.ipv6Prefix
  if (prefix === undefined || prefix === null) return false
  const bits = entry.family === 'ipv4' ? 32 : 128
  const e = boundsOf(entry)
  return e.last - e.first + 1n > 1n << BigInt(bits - prefix)
}

/** A shared email service provider's published sending block. */
export interface SharedEspBlock {
  provider: string
  cidr: string
  source: string
}

/**
 * Sending ranges of shared email service providers: thousands of customers send from them, so
 * "the vendor's IPs" given as a whole block (or more than a /24 of it) let all of them in. A
 * dedicated IP or /24 inside one is fine: that is how a vendor rents dedicated addresses.
 * Each provider's SPF record (the `ip4:` terms its customers include), as mirrored by
 * github.com/blankcode/msipdelta2 (SendGrid, Mailgun, Mailchimp/Mandrill, Constant Contact);
 * Amazon SES from the amazonses.com SPF record as last published to our knowledge (re-check
 * with `dig TXT amazonses.com`).
 */
export const SHARED_ESP_BLOCKS: readonly SharedEspBlock[] = [
  ...[
    '167.89.0.0/17',
    '208.117.48.0/20',
    '50.31.32.0/19',
    '198.37.144.0/20',
    '198.21.0.0/21',
    '192.254.112.0/20',
    '168.245.0.0/17',
    '149.72.0.0/16',
  ].map((cidr) => ({ provider: 'SendGrid', cidr, source: 'SPF of sendgrid.net' })),
  ...[
    '104.130.122.0/23',
    '146.20.112.0/26',
    '141.193.32.0/23',
    '161.38.192.0/20',
    '143.55.224.0/20',
  ].map((cidr) => ({ provider: 'Mailgun', cidr, source: 'SPF of mailgun.org' })),
  ...['205.201.128.0/20', '198.2.128.0/18', '148.105.8.0/21'].map((cidr) => ({
    provider: 'Mailchimp/Mandrill',
    cidr,
    source: 'SPF of servers.mcsv.net / spf.mandrillapp.com',
  })),
  {
    provider: 'Constant Contact',
    cidr: '208.75.120.0/22',
    source: 'SPF of spf.constantcontact.com',
  },
  ...[
    '199.255.192.0/22',
    '199.127.232.0/22',
    '54.240.0.0/18',
    '69.169.224.0/20',
    '23.249.208.0/20',
    '23.251.224.0/19',
    '76.223.176.0/20',
    '54.240.64.0/19',
    '54.240.96.0/19',
    '76.223.128.0/19',
    '216.221.160.0/19',
    '206.55.144.0/20',
  ].map((cidr) => ({ provider: 'Amazon SES', cidr, source: 'SPF of amazonses.com' })),
]

const ESP_BOUNDS = SHARED_ESP_BLOCKS.map((b) => ({ ...b, ...cidrBounds(b.cidr) }))

/**
 * The shared ESP whose sending block the entry takes in as a whole, or of which it takes more
 * than a /24 (e.g. 167.89.0.0/16 or 167.89.8.0/22 for SendGrid); null for a dedicated address or
 * /24 inside one, and for addresses outside every known block.
 */
export function sharedInfrastructure(entry: IpEntry): SharedEspBlock | null {
  const e = boundsOf(entry)
  for (const b of ESP_BOUNDS) {
    if (!intersects(b, e)) continue
    const lo = e.first > b.first ? e.first : b.first
    const hi = e.last < b.last ? e.last : b.last
    // The whole block (even a small one), or more than 256 of its addresses.
    if (contains(e, b) || hi - lo + 1n > 256n)
      return { provider: b.provider, cidr: b.cidr, source: b.source }
  }
  return null
}

/** True when an IPv4 address (dotted text) falls inside the entry. */
export function ipv4InEntry(ip: string, entry: IpEntry): boolean {
  if (entry.family !== 'ipv4' || !ipaddr.IPv4.isValidFourPartDecimal(ip)) return false
  const n = toBig(ipaddr.IPv4.parse(ip))
  return n >= BigInt(entry.first) && n <= BigInt(entry.last)
}

/** True when an address (v4 or v6 text) falls in any of the entries (unparseable entries never match). */
export function ipMatchesAny(ip: string, entries: readonly string[]): boolean {
  for (const e of entries) {
    const parsed = parseIpEntry(e)
    if (!parsed) continue
    if (parsed.family === 'ipv4') {
      if (ipv4InEntry(ip, parsed)) return true
    } else if (ipaddr.IPv6.isValid(ip)) {
      try {
        const addr = ipaddr.IPv6.parse(ip)
        const [net, bits] =
          parsed.form === 'cidr'
            ? ipaddr.parseCIDR(parsed.text)
            : [ipaddr.IPv6.parse(parsed.text), 128]
        if (net.kind() === 'ipv6' && addr.match(net as ipaddr.IPv6, bits)) return true
      } catch {
        // an entry that does not parse matches nothing
      }
    }
  }
  return false
}

/** True when the entry `inner` lies entirely inside `outer` (IPv4 only). */
export function entryWithin(inner: IpEntry, outer: IpEntry): boolean {
  return (
    inner.family === 'ipv4' &&
    outer.family === 'ipv4' &&
    inner.first >= outer.first &&
    inner.last <= outer.last
  )
}

/** The /24 block containing an IPv4 address (the only depth TABL spoof entries accept). */
export function slash24(ip: string): string | null {
  const e = parseIpEntry(ip)
  if (!e || e.family !== 'ipv4') return null
  const base = Math.floor(e.first / 256) * 256
  return `${[base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, 0].join('.')}/24`
}

/** Splits a wide IPv4 entry into the /24 blocks that cover it, or null if it would take over `max`. */
export function splitToSlash24(entry: IpEntry, max = 256): string[] | null {
  if (entry.family !== 'ipv4' || entry.prefix >= 24) return [entry.text]
  const start = Math.floor(entry.first / 256) * 256
  const count = Math.floor(entry.last / 256) - start / 256 + 1
  if (count > max) return null
  const out: string[] = []
  for (let n = start; n <= entry.last; n += 256)
    out.push(`${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, 0].join('.')}/24`)
  return out
}
