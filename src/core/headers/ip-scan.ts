/**
 * The IP address scanner of the Received parser: finds the first IPv4 or IPv6 address in a
 * span of text, in one pass over its character codes. Dotted quads and the usual IPv6 forms are
 * checked by hand; only the rare forms (an embedded IPv4 address, `:::`) go to the regex and
 * ipaddr.js.
 */
import ipaddr from 'ipaddr.js'

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

/** The token s[from, to) as an IP address (IPv4 dotted quad, or IPv6, lower-cased), or null. */
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
  // One pass over the token: the counts of the pre-check below and the reading of plainV6 (the
  // common IPv6 forms) together. `early` is what plainV6 would return at the first character that
  // settles it (a `:::`, a group of more than 4 hex digits, another character), 1 when none does.
  let colons = 0
  let dots = 0
  let doubles = 0
  let run = 0
  let emptyGroups = 0
  let early = 1
  // Whether the token has an upper-case hex letter (A-F): only then is it lower-cased (a copy).
  let upper = false
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c === 58) {
      colons++
      if (i > from && s.charCodeAt(i - 1) === 58) {
        doubles++
        if (early === 1 && i > from + 1 && s.charCodeAt(i - 2) === 58) early = 0
      } else if (run === 0 && i > from) emptyGroups++
      run = 0
    } else {
      if (c === 46) dots++
      if ((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102)) {
        if (c < 97 && c > 57) upper = true
        if (++run > 4 && early === 1) early = -1
      } else if (early === 1) early = 0
    }
  }
  if (colons === 0) return dots === 3 && isV4(s, from, to) ? s.slice(from, to) : null
  // A cheap pre-check: a valid IPv6 address has `::`, or eight groups (seven colons), or six
  // groups and an embedded IPv4 address. Times (`14:02:08`) and other colon words fail here.
  if (doubles === 0 && colons !== 7 && !(colons === 6 && dots === 3)) return null
  const plain = early === 1 ? plainV6End(s, from, to, colons, doubles, emptyGroups) : early
  // Read as plain (early === 1), the token is hex digits and colons only: without an upper-case
  // hex letter it is already lower case.
  if (plain > 0) return upper ? s.slice(from, to).toLowerCase() : s.slice(from, to)
  if (plain < 0) return null
  const t = s.slice(from, to)
  return V6.test(t) && ipaddr.IPv6.isValid(t) ? t.toLowerCase() : null
}

/**
 * The common IPv6 text forms at s[from, to), without the regex and ipaddr.js, once its characters
 * are read (only hex digits and colons, groups of at most 4 digits, no `:::`; `colons` colons,
 * `doubles` of them right after another, `emptyGroups` empty groups not part of a `::`): 1 when
 * they are hex groups of 1-4 digits with 2-7 colons, either eight groups or one `::` (what both
 * the V6 regex and ipaddr.IPv6.isValid accept); 0 for every other form (a lone edge colon, too
 * few or too many colons), left to the full check. (A group of more than 4 digits, -1, and
 * `:::` or other characters, 0, are settled while reading.)
 */
function plainV6End(
  s: string,
  from: number,
  to: number,
  colons: number,
  doubles: number,
  emptyGroups: number,
): number {
  if (colons < 2 || colons > 7 || emptyGroups > 0) return 0
  // An edge colon must be half of a `::` (`::1`, `fe80::`).
  const first = s.charCodeAt(from) === 58
  const last = s.charCodeAt(to - 1) === 58
  if ((first && s.charCodeAt(from + 1) !== 58) || (last && s.charCodeAt(to - 2) !== 58)) return 0
  if (doubles === 0) return colons === 7 && !first && !last ? 1 : 0
  return doubles === 1 ? 1 : 0
}

/** Whether the character code may be part of an IP token. */
function isIpChar(c: number): boolean {
  return c < 128 && IP_CHAR[c] === 1
}

/** The position of `mark` in span[from, ...), or the span's length when there is none. */
function markAt(span: string, mark: string, from: number): number {
  const at = span.indexOf(mark, from)
  return at < 0 ? span.length : at
}

/**
 * The first IP address (IPv4 or IPv6) in text[from, to), or null. A token is a run of characters
 * that can appear in an IP (hex digits, `:`, `.`, and the letters of an `IPv6:` prefix); only
 * tokens with a `.` or a `:` are looked at; the span's ends end a token. The scan jumps from one
 * `.` or `:` to the next (a native search, within the span: a slice, so that no search runs past
 * its end) and reads only the token around it, not every character of the span.
 */
export function ipInSpan(text: string, from: number, to: number): string | null {
  if (to <= from) return null
  const span = from === 0 && to === text.length ? text : text.slice(from, to)
  const n = span.length
  // The next `.` and `:` at or after the position last searched from (n when none).
  let nextDot = -1
  let nextColon = -1
  // Where the next token may start: the span's start, then the end of the last token read.
  let i = 0
  while (i < n) {
    if (nextDot < i) nextDot = markAt(span, '.', i)
    if (nextColon < i) nextColon = markAt(span, ':', i)
    const mark = nextDot < nextColon ? nextDot : nextColon
    if (mark >= n) return null
    // The token around the mark: the run of IP characters, within [i, n).
    let start = mark
    while (start > i && isIpChar(span.charCodeAt(start - 1))) start--
    let end = mark + 1
    while (end < n && isIpChar(span.charCodeAt(end))) end++
    const ip = asIpAt(span, start, end)
    if (ip !== null) return ip
    i = end
  }
  return null
}

/** Returns the first IP address (IPv4 or IPv6) found in a comment such as `(host [1.2.3.4])`. */
export function ipInText(text: string): string | null {
  return ipInSpan(text, 0, text.length)
}
