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
  /** ipaddr.js range name of the first address: 'unicast' for public addresses. */
  range: string
}

function v4ToNumber(a: ipaddr.IPv4): number {
  return a.octets.reduce((n, o) => n * 256 + o, 0)
}

/** Parses an IP address, CIDR or `a-b` IPv4 range; returns null when it is none of these. */
export function parseIpEntry(input: string): IpEntry | null {
  const text = input.trim()
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
      const first = v4ToNumber(ipaddr.IPv4.parse(a))
      const last = v4ToNumber(ipaddr.IPv4.parse(b))
      if (last < first) return null
      const size = last - first + 1
      const prefix = 32 - Math.ceil(Math.log2(size))
      return {
        text,
        family: 'ipv4',
        form: 'range',
        prefix,
        size,
        first,
        last,
        range: ipaddr.IPv4.parse(a).range(),
      }
    }
    if (text.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(text)
      if (addr.kind() === 'ipv4') {
        if (!ipaddr.IPv4.isValidFourPartDecimal(text.split('/')[0] ?? '')) return null
        const v4 = addr as ipaddr.IPv4
        const size = 2 ** (32 - bits)
        const first = Math.floor(v4ToNumber(v4) / size) * size
        return {
          text,
          family: 'ipv4',
          form: 'cidr',
          prefix: bits,
          size,
          first,
          last: first + size - 1,
          range: v4.range(),
        }
      }
      return {
        text,
        family: 'ipv6',
        form: 'cidr',
        prefix: bits,
        size: Math.min(2 ** (128 - bits), Number.MAX_SAFE_INTEGER),
        first: NaN,
        last: NaN,
        range: addr.range(),
      }
    }
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
      const v4 = ipaddr.IPv4.parse(text)
      const n = v4ToNumber(v4)
      return {
        text,
        family: 'ipv4',
        form: 'address',
        prefix: 32,
        size: 1,
        first: n,
        last: n,
        range: v4.range(),
      }
    }
    if (ipaddr.IPv6.isValid(text)) {
      const v6 = ipaddr.IPv6.parse(text)
      return {
        text,
        family: 'ipv6',
        form: 'address',
        prefix: 128,
        size: 1,
        first: NaN,
        last: NaN,
        range: v6.range(),
      }
    }
  } catch {
    return null
  }
  return null
}

/** True when the entry is a public (globally routed unicast) address or block. */
export function isPublic(entry: IpEntry): boolean {
  return entry.range === 'unicast'
}

/** True when an IPv4 address (dotted text) falls inside the entry. */
export function ipv4InEntry(ip: string, entry: IpEntry): boolean {
  if (entry.family !== 'ipv4' || !ipaddr.IPv4.isValidFourPartDecimal(ip)) return false
  const n = v4ToNumber(ipaddr.IPv4.parse(ip))
  return n >= entry.first && n <= entry.last
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
  const count = Math.ceil((entry.last - entry.first + 1) / 256)
  if (count > max) return null
  const out: string[] = []
  for (let n = Math.floor(entry.first / 256) * 256; n <= entry.last; n += 256)
    out.push(`${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, 0].join('.')}/24`)
  return out
}
