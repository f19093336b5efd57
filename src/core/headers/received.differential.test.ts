/**
 * Differential test of the Received parser: the one-pass scanner over spans (received.ts,
 * ip-scan.ts) against the parser it replaced, kept here as the reference (words and comments as
 * strings, ipaddr.js behind the hand-written IPv6 check), on the samples' Received headers and on
 * generated ones: every field of every hop, and the IP found in any text.
 */
import fc from 'fast-check'
import ipaddr from 'ipaddr.js'
import { describe, expect, it } from 'vitest'
import { parseHeaderBlock } from './parse.js'
import { ipInText, parseReceived, parseReceivedHop, type ReceivedHop } from './received.js'
import * as fixtures from './test-fixtures.js'

// ---- The reference: the parser before the rewrite, unchanged but for its names. ----

const MICROSOFT_SUFFIXES = [
  '.outlook.com',
  '.office365.com',
  '.office365.us',
  '.outlook.cn',
  '.outlook.de',
  '.exchangelabs.com',
  '.hotmail.com',
]
const EOP_SUFFIXES = [
  '.protection.outlook.com',
  '.protection.office365.us',
  '.protection.partner.outlook.cn',
  '.protection.outlook.de',
]

/** True when the host name belongs to Microsoft 365 mail servers. */
function isMicrosoftHost(host: string | null): boolean {
  return host !== null && microsoftKey(hostKey(host))
}

/** isMicrosoftHost of a host already lower-cased without its trailing dot. */
function microsoftKey(h: string): boolean {
  for (const s of MICROSOFT_SUFFIXES) if (h.endsWith(s)) return true
  return false
}

/** isEopHost of a host already lower-cased without its trailing dot. */
function eopKey(h: string): boolean {
  for (const s of EOP_SUFFIXES) if (h.endsWith(s)) return !h.includes('.outbound.protection.')
  return false
}

/** Character classes of the IP scanner, by char code (< 128): 1 = may be part of an IP token. */
const IP_CHAR = new Uint8Array(128)
for (const ch of '0123456789abcdefABCDEF:.vV6iIpP') IP_CHAR[ch.charCodeAt(0)] = 1

/** The dotted quad at s[from, to), every octet 1-3 digits and at most 255, or false. */
function isV4(s: string, from: number, to: number): boolean {
  let groups = 0
  let digits = 0
  let octet = 0
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return false
      octet = octet * 10 + (c - 48)
    } else if (c === 46 /* . */) {
      if (digits === 0 || octet > 255 || ++groups > 3) return false
      digits = 0
      octet = 0
    } else return false
  }
  return groups === 3 && digits > 0 && octet <= 255
}

const V6 = /^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3})?$/i

/** The token s[from, to) as an IP address (IPv4 dotted quad, or IPv6), or null. */
function asIpAt(s: string, from: number, to: number): string | null {
  // `ipv6:` prefix (case-insensitive), as in `[IPv6:2001:db8::1]`.
  if (
    to - from >= 5 &&
    (s.charCodeAt(from) | 32) === 105 &&
    (s.charCodeAt(from + 1) | 32) === 112 &&
    (s.charCodeAt(from + 2) | 32) === 118 &&
    s.charCodeAt(from + 3) === 54 &&
    s.charCodeAt(from + 4) === 58
  )
    from += 5
  const len = to - from
  if (len < 3 || len > 45) return null
  let colons = 0
  let dots = 0
  let doubleColon = false
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c === 58) {
      colons++
      if (s.charCodeAt(i + 1) === 58 && i + 1 < to) doubleColon = true
    } else if (c === 46) dots++
  }
  if (colons === 0) return dots === 3 && isV4(s, from, to) ? s.slice(from, to) : null
  // A cheap pre-check before the regex and ipaddr.js: a valid IPv6 address has `::`, or eight
  // groups (seven colons), or six groups and an embedded IPv4 address. Times (`14:02:08`) and
  // other colon words fail here, so the expensive validation runs only on likely addresses.
  if (!doubleColon && colons !== 7 && !(colons === 6 && dots === 3)) return null
  const t = s.slice(from, to)
  const plain = plainV6(t)
  if (plain !== 0) return plain > 0 ? t.toLowerCase() : null
  return V6.test(t) && ipaddr.IPv6.isValid(t) ? t.toLowerCase() : null
}

/**
 * The common IPv6 text forms, without the regex and ipaddr.js: 1 when `t` is hex groups of 1-4
 * digits with 2-7 colons, either eight groups or one `::` (what both the V6 regex and
 * ipaddr.IPv6.isValid accept); -1 when a group has more than 4 digits (both reject); 0 for every
 * other form (embedded IPv4, `:::`, a lone edge colon, other characters), left to the full check.
 */
function plainV6(t: string): number {
  let colons = 0
  let doubles = 0
  let run = 0
  let emptyGroups = 0
  const n = t.length
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i)
    if (c === 58) {
      colons++
      if (i > 0 && t.charCodeAt(i - 1) === 58) {
        doubles++
        if (i > 1 && t.charCodeAt(i - 2) === 58) return 0
      } else if (run === 0 && i > 0) emptyGroups++
      run = 0
    } else if ((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102)) {
      if (++run > 4) return -1
    } else return 0
  }
  if (colons < 2 || colons > 7 || emptyGroups > 0) return 0
  // An edge colon must be half of a `::` (`::1`, `fe80::`).
  const first = t.charCodeAt(0) === 58
  const last = t.charCodeAt(n - 1) === 58
  if ((first && t.charCodeAt(1) !== 58) || (last && t.charCodeAt(n - 2) !== 58)) return 0
  if (doubles === 0) return colons === 7 && !first && !last ? 1 : 0
  return doubles === 1 ? 1 : 0
}

/** Returns the first IP address (IPv4 or IPv6) found in a comment such as `(host [1.2.3.4])`. */
function referenceIpInText(text: string): string | null {
  // One pass over character codes: a token is a run of characters that can appear in an IP
  // (hex digits, `:`, `.`, and the letters of an `IPv6:` prefix); only tokens with a `.` or a `:`
  // are looked at.
  let start = -1
  let marked = false
  const n = text.length
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32
    if (c < 128 && IP_CHAR[c] === 1) {
      if (start < 0) {
        start = i
        marked = false
      }
      if (c === 58 || c === 46) marked = true
    } else if (start >= 0) {
      if (marked) {
        const ip = asIpAt(text, start, i)
        if (ip !== null) return ip
      }
      start = -1
    }
  }
  return null
}

interface Word {
  text: string
  comment: string
}

/** Splits a Received value into words, attaching each parenthesised comment to the word before. */
function words(value: string): Word[] {
  const out: Word[] = []
  let depth = 0
  let start = -1
  let commentStart = 0
  const n = value.length
  for (let i = 0; i < n && out.length < 200; i++) {
    const c = value.charCodeAt(i)
    if (depth > 0) {
      if (c === 40) depth++
      else if (c === 41) {
        depth--
        if (depth === 0) {
          const last = out[out.length - 1]
          const comment = value.slice(commentStart, Math.min(i, commentStart + 2000))
          if (last) last.comment += (last.comment ? ' ' : '') + comment
        }
      }
      continue
    }
    if (c === 40 /* ( */ || c === 32 || c === 9) {
      if (start >= 0) out.push({ text: value.slice(start, i), comment: '' })
      start = -1
      if (c === 40) {
        depth = 1
        commentStart = i + 1
      }
    } else if (start < 0) start = i
  }
  if (start >= 0 && depth === 0 && out.length < 200)
    out.push({ text: value.slice(start), comment: '' })
  return out
}

/** The clause keywords, in slot order. */
const CLAUSE_NAMES: readonly string[] = ['from', 'by', 'with', 'id', 'for', 'via']
const FROM = 0
const BY = 1
const WITH = 2
const ID = 3
const FOR = 4
const VIA = 5

/** The clause slot a word starts (case-insensitive keyword), or -1; no lower-casing of other words. */
function clauseOf(text: string): number {
  const n = text.length
  if (n < 2 || n > 4) return -1
  const c = text.charCodeAt(0) | 32
  const k =
    c === 102 /* f */
      ? n === 4
        ? FROM
        : FOR
      : c === 98 /* b */
        ? BY
        : c === 119 /* w */
          ? WITH
          : c === 105 /* i */
            ? ID
            : c === 118 /* v */
              ? VIA
              : -1
  return k >= 0 && text.toLowerCase() === CLAUSE_NAMES[k] ? k : -1
}

/** Strips one leading `open` and one trailing `close` character. */
function unwrap(t: string, open: number, close: number): string {
  const a = t.charCodeAt(0) === open ? 1 : 0
  const b = t.length > a && t.charCodeAt(t.length - 1) === close ? t.length - 1 : t.length
  return a === 0 && b === t.length ? t : t.slice(a, b)
}

/** The clause's first word, without brackets. */
function head(ws: Word[] | undefined): string | null {
  if (!ws) return null
  for (const w of ws) if (w.text.length > 0) return unwrap(w.text, 91 /* [ */, 93 /* ] */)
  return null
}

/** The first IP in the clause's comments or words. */
function ipOf(ws: Word[] | undefined): string | null {
  if (!ws) return null
  for (const w of ws) {
    const ip = referenceIpInText(w.comment) ?? referenceIpInText(w.text)
    if (ip !== null) return ip
  }
  return null
}

/** The clause's words and comments, as written. */
function rest(ws: Word[] | undefined): string | null {
  if (!ws || ws.length === 0) return null
  let out = ''
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] as Word
    if (i > 0) out += ' '
    out += w.comment ? `${w.text} (${w.comment})`.trim() : w.text
  }
  return out
}

/** A host name lower-cased without its trailing dot, for the suffix tests. */
function hostKey(host: string): string {
  const h = host.toLowerCase()
  return h.charCodeAt(h.length - 1) === 46 ? h.slice(0, -1) : h
}

/** Parses one `Received:` header value. Never throws; missing parts are null. */
function referenceReceived(value: string, index = 0): ReceivedHop {
  const semi = value.lastIndexOf(';')
  const main = semi >= 0 ? value.slice(0, semi) : value
  const date = semi >= 0 ? value.slice(semi + 1).trim() || null : null
  const clauses: (Word[] | undefined)[] = [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ]
  let current: Word[] | null = null
  for (const w of words(main)) {
    const k = clauseOf(w.text)
    if (k >= 0 && clauses[k] === undefined) {
      current = []
      clauses[k] = current
      if (w.comment) current.push({ text: '', comment: w.comment })
      continue
    }
    current?.push(w)
  }
  const from = head(clauses[FROM])
  const by = head(clauses[BY])
  const forHead = head(clauses[FOR])
  const byKey = by === null ? null : hostKey(by)
  return {
    index,
    raw: value,
    from,
    fromIp: ipOf(clauses[FROM]),
    by,
    byIp: ipOf(clauses[BY]),
    with: rest(clauses[WITH]),
    id: head(clauses[ID]),
    for: forHead === null ? null : unwrap(forHead, 60 /* < */, 62 /* > */).toLowerCase(),
    via: rest(clauses[VIA]),
    date,
    byMicrosoft: byKey !== null && microsoftKey(byKey),
    byEop: byKey !== null && eopKey(byKey),
    fromMicrosoft: isMicrosoftHost(from),
  }
}

// ---- The comparison. ----

function same(value: string): void {
  const reference = referenceReceived(value, 3)
  expect(parseReceived(value, 3)).toEqual(reference)
  // The analyzer's hop (its scan stops after the from and by clauses; the rest is parsed when
  // read): every field, and its JSON, as the reference gives them.
  const hop = parseReceivedHop(value, 3)
  expect(pick(hop)).toEqual(reference)
  expect(JSON.parse(JSON.stringify(hop))).toEqual(reference)
  expect(ipInText(value)).toBe(referenceIpInText(value))
}

/** Every field of a hop, read through its getters, as a plain object. */
function pick(h: ReceivedHop): ReceivedHop {
  return {
    index: h.index,
    raw: h.raw,
    from: h.from,
    fromIp: h.fromIp,
    by: h.by,
    byIp: h.byIp,
    with: h.with,
    id: h.id,
    for: h.for,
    via: h.via,
    date: h.date,
    byMicrosoft: h.byMicrosoft,
    byEop: h.byEop,
    fromMicrosoft: h.fromMicrosoft,
  }
}

const ATOMS = [
  'from',
  'FROM',
  'From',
  'by',
  'BY',
  'with',
  'id',
  'ID',
  'for',
  'via',
  'Fro',
  'fo',
  'x',
  'mail.protection.outlook.com',
  'a.outlook.com.',
  'HOST.PROTECTION.OUTLOOK.COM',
  'x.outbound.protection.outlook.com',
  ' ',
  '  ',
  '\t',
  '(',
  ')',
  '[',
  ']',
  '<',
  '>',
  ';',
  '1.2.3.4',
  '256.1.1.1',
  '01.2.3.4',
  '2001:db8::1',
  '::1',
  'fe80::',
  ':::',
  '::ffff:1.2.3.4',
  'IPv6:2001:db8::5',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '12345::1',
  '14:02:11',
  'abcd:',
  '.',
  ':',
  'a@b.example',
  '\u00a0',
  'İd',
  'é',
  'x'.repeat(30),
  'with SMTP',
  'id 15.20.1',
  'Tue, 17 Nov 2026 14:02:11 +0000',
]

describe('parseReceived matches the reference parser', () => {
  it("on every sample's Received headers", () => {
    const values = Object.values(fixtures)
      .filter((v): v is string => typeof v === 'string')
      .flatMap((v) => parseHeaderBlock(v).headers.filter((h) => h.lower === 'received'))
      .map((h) => h.value)
    expect(values.length).toBeGreaterThan(20)
    for (const v of values) same(v)
  })

  it('on generated Received values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...ATOMS), { maxLength: 50 }).map((a) => a.join('')),
        (v) => same(v),
      ),
      { numRuns: 3000 },
    )
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...ATOMS), { maxLength: 60 }).map((a) => a.join(' ')),
        (v) => same(v),
      ),
      { numRuns: 1000 },
    )
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (v) => same(v)),
      { numRuns: 1000 },
    )
  })

  it('on generated IP-like text (the IP scan jumps from one `.` or `:` to the next)', () => {
    const IP_ATOMS = [
      '1',
      '25',
      '255',
      '256',
      '0',
      '.',
      ':',
      '::',
      'IPv6:',
      'ipv6',
      'a',
      'F',
      'g',
      'v',
      'P',
    ]
    const GAPS = [' ', '(', ')', '[', ']', '-', ';', 'x', '\u00a0', 'é']
    fc.assert(
      fc.property(
        fc
          .array(fc.oneof(fc.constantFrom(...IP_ATOMS), fc.constantFrom(...GAPS)), {
            maxLength: 40,
          })
          .map((a) => a.join('')),
        (v) => {
          expect(ipInText(v)).toBe(referenceIpInText(v))
          same(`from h (${v}) by k (${v}) with x; d`)
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('past the word cap, with nested, long and unclosed comments', () => {
    same(Array.from({ length: 250 }, (_, i) => `w${i} (c${i} 10.0.0.${i % 250})`).join(' '))
    same('from x ' + '('.repeat(10) + 'a' + ')'.repeat(10) + ' by y ((1.2.3.4)) (5.6.7.8); d')
    same('from (' + 'z'.repeat(3000) + ' 1.2.3.4) x by y (2001:db8::1')
  })
})
