/**
 * IP entries as Exchange's IP parameters take them: a single IPv4 or IPv6 address, a CIDR block,
 * or an IPv4 `a-b` range (connection filter lists, reference §3.2). The sandbox parses them itself
 * with ipaddr.js rather than through core's net module, so that it depends on core only for the
 * evaluator, the model and the errors (design.md, layers).
 */
import ipaddr from 'ipaddr.js'

/** A parsed IP entry: what the sandbox's checks look at. */
export interface IpEntry {
  /** The text as given, trimmed. */
  text: string
  family: 'ipv4' | 'ipv6'
  form: 'address' | 'cidr' | 'range'
  /** Prefix length: 32/128 for an address, the block's for a CIDR, the covering one for a range. */
  prefix: number
  /** Number of addresses covered (capped at 2^53 for IPv6). */
  size: number
}

function v4ToNumber(a: ipaddr.IPv4): number {
  return a.octets.reduce((n, o) => n * 256 + o, 0)
}

// Exchange takes only dotted four-part IPv4 ("192.0.2.1"), not the short or octal forms that
// ipaddr.js would also accept.
const isV4 = (s: string) => ipaddr.IPv4.isValidFourPartDecimal(s)

function parseRange(text: string): IpEntry | null {
  const [a, b, ...rest] = text.split('-').map((s) => s.trim())
  if (!a || !b || rest.length || !isV4(a) || !isV4(b)) return null
  const first = v4ToNumber(ipaddr.IPv4.parse(a))
  const last = v4ToNumber(ipaddr.IPv4.parse(b))
  if (last < first) return null
  const size = last - first + 1
  return { text, family: 'ipv4', form: 'range', prefix: 32 - Math.ceil(Math.log2(size)), size }
}

function parseCidr(text: string): IpEntry | null {
  const [addr, bits] = ipaddr.parseCIDR(text)
  if (addr.kind() === 'ipv4') {
    if (!isV4(text.split('/')[0] ?? '')) return null
    return { text, family: 'ipv4', form: 'cidr', prefix: bits, size: 2 ** (32 - bits) }
  }
  const size = Math.min(2 ** (128 - bits), Number.MAX_SAFE_INTEGER)
  return { text, family: 'ipv6', form: 'cidr', prefix: bits, size }
}

/** Parses an IP address, CIDR block or IPv4 `a-b` range; null when it is none of these. */
export function parseIpEntry(input: string): IpEntry | null {
  const text = input.trim()
  try {
    if (text.includes('-')) return parseRange(text)
    if (text.includes('/')) return parseCidr(text)
    if (isV4(text)) return { text, family: 'ipv4', form: 'address', prefix: 32, size: 1 }
    if (ipaddr.IPv6.isValid(text))
      return { text, family: 'ipv6', form: 'address', prefix: 128, size: 1 }
  } catch {
    return null
  }
  return null
}
