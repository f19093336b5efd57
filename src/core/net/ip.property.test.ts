import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  FORBIDDEN_BLOCKS,
  forbiddenBlock,
  isPublic,
  parseIpEntry,
  PASSAGE_WIDEST,
  widerThan,
} from './ip.js'

/** Fewer runs under mutation testing, where these tests run once per mutant (docs/mutation.md). */
const runs = (n: number) => (process.env.PASSAGE_MUTATION_RUN === '1' ? Math.ceil(n / 10) : n)

// The expectation is computed here on its own: this file's parser (no ipaddr.js), this file's
// copy of the forbidden blocks (IANA's special-purpose registries, IPv6 outside 2000::/3, and
// Microsoft's Exchange Online ranges), and interval arithmetic on BigInt.

/** Dotted quad -> BigInt, written here rather than taken from ipaddr.js. */
function v4(text: string): bigint {
  return text.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n)
}

/** IPv6 text (with at most one `::`, no embedded IPv4) -> BigInt. */
function v6(text: string): bigint {
  const [head = '', tail] = text.split('::')
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n)
}

interface Span {
  v6: boolean
  lo: bigint
  hi: bigint
}

function cidr(text: string): Span {
  const [a = '', b = ''] = text.split('/')
  const isV6 = a.includes(':')
  const bits = isV6 ? 128 : 32
  const size = 1n << BigInt(bits - Number(b))
  const lo = ((isV6 ? v6(a) : v4(a)) / size) * size
  return { v6: isV6, lo, hi: lo + size - 1n }
}

const SPEC: readonly Span[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.31.196.0/24',
  '192.52.193.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '192.175.48.0/24',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3', // multicast 224/4 and reserved 240/4, broadcast included
  // Microsoft 365 Exchange Online (IDs 9/10 and 1/2)
  '40.92.0.0/15',
  '40.96.0.0/13',
  '40.104.0.0/15',
  '40.107.0.0/16',
  '52.96.0.0/14',
  '52.100.0.0/14',
  '52.238.78.88/32',
  '104.47.0.0/17',
  '13.107.6.152/31',
  '13.107.18.10/31',
  '13.107.128.0/22',
  '23.103.160.0/20',
  '131.253.33.215/32',
  '132.245.0.0/16',
  '150.171.32.0/22',
  '204.79.197.215/32',
  // IPv6: everything outside 2000::/3, then special blocks inside it
  '::/3',
  '4000::/2',
  '8000::/1',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  '2620:4f:8000::/48',
  '3fff::/20',
  '2a01:111:f400::/48',
  '2a01:111:f403::/48',
  '2603:1006::/40',
  '2603:1016::/36',
  '2603:1026::/36',
  '2603:1036::/36',
  '2603:1046::/36',
  '2603:1056::/36',
  '2620:1ec:4::152/127',
  '2620:1ec:c::10/127',
  '2620:1ec:d::10/127',
  '2620:1ec:8f0::/46',
  '2620:1ec:900::/46',
  '2620:1ec:a92::152/127',
].map(cidr)

function expectedRefused(s: Span): boolean {
  return SPEC.some((b) => b.v6 === s.v6 && b.lo <= s.hi && s.lo <= b.hi)
}

function v4Text(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((sh) => String((n >> sh) & 255n)).join('.')
}

function v6Text(n: bigint): string {
  const g: string[] = []
  for (let i = 7n; i >= 0n; i--) g.push(((n >> (i * 16n)) & 0xffffn).toString(16))
  return g.join(':')
}

/** A bound near a forbidden block's edge, or anywhere: the edges are where a bug would hide. */
function addressNear(bits: 32 | 128): fc.Arbitrary<bigint> {
  const max = (1n << BigInt(bits)) - 1n
  const edges = SPEC.filter((s) => s.v6 === (bits === 128)).flatMap((s) => [s.lo, s.hi])
  const clamp = (n: bigint) => (n < 0n ? 0n : n > max ? max : n)
  return fc.oneof(
    fc.bigInt({ min: 0n, max }),
    fc
      .tuple(fc.constantFrom(...edges), fc.bigInt({ min: -300n, max: 300n }))
      .map(([e, d]) => clamp(e + d)),
  )
}

describe('whole-range checks (property)', () => {
  it('an IPv4 CIDR is refused iff it intersects a forbidden block', () => {
    fc.assert(
      fc.property(addressNear(32), fc.integer({ min: 0, max: 32 }), (addr, prefix) => {
        const size = 1n << BigInt(32 - prefix)
        const lo = (addr / size) * size
        const e = parseIpEntry(`${v4Text(addr)}/${prefix}`)
        expect(e).not.toBeNull()
        expect(isPublic(e!)).toBe(!expectedRefused({ v6: false, lo, hi: lo + size - 1n }))
      }),
      { numRuns: runs(3000) },
    )
  })

  it('an IPv4 a-b range is refused iff it intersects a forbidden block', () => {
    fc.assert(
      fc.property(addressNear(32), fc.bigInt({ min: 0n, max: 1n << 20n }), (lo, span) => {
        const max = (1n << 32n) - 1n
        const hi = lo + span > max ? max : lo + span
        const e = parseIpEntry(`${v4Text(lo)}-${v4Text(hi)}`)
        expect(e).not.toBeNull()
        expect(isPublic(e!)).toBe(!expectedRefused({ v6: false, lo, hi }))
        expect(e!.size).toBe(Number(hi - lo + 1n))
      }),
      { numRuns: runs(3000) },
    )
  })

  it('an IPv6 CIDR or address is refused iff it intersects a forbidden block', () => {
    fc.assert(
      fc.property(addressNear(128), fc.integer({ min: 0, max: 128 }), (addr, prefix) => {
        const size = 1n << BigInt(128 - prefix)
        const lo = (addr / size) * size
        const text = prefix === 128 ? v6Text(addr) : `${v6Text(addr)}/${prefix}`
        const e = parseIpEntry(text)
        expect(e).not.toBeNull()
        expect(isPublic(e!)).toBe(!expectedRefused({ v6: true, lo, hi: lo + size - 1n }))
      }),
      { numRuns: runs(3000) },
    )
  })

  it('names a block the entry really intersects, and range says the same', () => {
    fc.assert(
      fc.property(addressNear(32), fc.integer({ min: 0, max: 32 }), (addr, prefix) => {
        const e = parseIpEntry(`${v4Text(addr)}/${prefix}`)!
        const b = forbiddenBlock(e)
        expect(e.range).toBe(b?.name ?? 'unicast')
        if (b) {
          const s = cidr(b.cidr)
          const size = 1n << BigInt(32 - prefix)
          const lo = (addr / size) * size
          expect(s.lo <= lo + size - 1n && lo <= s.hi).toBe(true)
        }
      }),
      { numRuns: runs(1000) },
    )
  })

  it('wider than a limit iff more addresses than a block of that prefix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 32 }),
        (prefix, limit) => {
          const e = parseIpEntry(`8.0.0.0/${prefix}`)!
          expect(widerThan(e, { ipv4Prefix: limit })).toBe(prefix < limit)
          expect(widerThan(e, { ipv6Prefix: limit })).toBe(false)
        },
      ),
    )
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 128 }), (prefix) => {
        const e = parseIpEntry(`2600::/${prefix}`)!
        expect(widerThan(e, PASSAGE_WIDEST)).toBe(prefix < 48)
      }),
    )
  })

  it("this file's table and the module's cover the same addresses", () => {
    // Every module block lies inside the spec, and every spec block is refused by the module.
    for (const b of FORBIDDEN_BLOCKS) expect(expectedRefused(cidr(b.cidr)), b.cidr).toBe(true)
    for (const s of SPEC) {
      const text = s.v6 ? v6Text(s.lo) : v4Text(s.lo)
      expect(isPublic(parseIpEntry(text)!), text).toBe(false)
      expect(isPublic(parseIpEntry(s.v6 ? v6Text(s.hi) : v4Text(s.hi))!)).toBe(false)
    }
  })
})
