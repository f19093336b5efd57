/**
 * Decoder for Authentication-Results in the form EOP writes it (message-headers §1.4):
 * spf, dkim, dmarc (with action), compauth (with reason code and its meaning).
 */
import { compauthReason, compauthReasonMeaning, type CompauthReasonSource } from './compauth.js'
import { isSpace, lowerWord, wordsByLength } from './fields.js'

/** One `method=result (comment) prop=value ...` clause. */
export interface AuthMethod {
  method: string
  result: string
  comment: string | null
  props: Record<string, string>
}

/** A decoded Authentication-Results header. */
export interface AuthResults {
  header: string
  index: number
  raw: string
  /** Renamed copy (`Authentication-Results-Original`, `Original-Authentication-Results`). */
  renamed: boolean
  /** Carries compauth, i.e. written by Microsoft 365. */
  microsoft: boolean
  spf: string | null
  dkim: string | null
  dmarc: string | null
  /** DMARC action: none, oreject, pct.quarantine, pct.reject, permerror, temperror. */
  dmarcAction: string | null
  compauth: string | null
  reason: string | null
  reasonMeaning: string | null
  /** Where the reason's most specific meaning comes from: Microsoft's table, or not (null: no code). */
  reasonSource: CompauthReasonSource | null
  /** smtp.mailfrom of the spf clause. */
  mailFrom: string | null
  /** header.from of the dmarc clause. */
  headerFrom: string | null
  /** header.d of each dkim clause. */
  dkimDomains: string[]
  methods: AuthMethod[]
}

/** Longest Authentication-Results value read (real ones are under 2 KB). */
const MAX_LENGTH = 16 * 1024
/** Most clauses split off one value (the rest of the value is ignored). */
const MAX_CLAUSES = 64
/** Longest method, result, property name part and property value read. */
const MAX_NAME = 32
const MAX_VALUE = 512

// The parser below reads character codes by hand (no regex). Each rule is stated where it is
// applied, in the terms of the RFC 8601 grammar as EOP writes it (message-headers §1.4):
// `method=result (comment) ptype.property=value ...`, clauses separated by `;`.

/** ASCII letter (the names are case-insensitive ASCII). */
function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
}

/** A character of a method name or a property name part: ASCII letter, digit, `_` or `-`. */
function isNameChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 45
}

/** A character of a property name: a name character or the `.` between its parts. */
function isChainChar(c: number): boolean {
  return isNameChar(c) || c === 46
}

/** A character of a result: a name character or `.`. */
function isResultChar(c: number): boolean {
  return isNameChar(c) || c === 46
}

/** A character of an unquoted property value: anything but white space, `;`, `(` and `)`. */
function isValueChar(c: number): boolean {
  return !isSpace(c) && c !== 59 && c !== 40 && c !== 41
}

/** End of the run of name characters from `i` (at most `to`). */
function nameRun(s: string, i: number, to: number): number {
  while (i < to && isNameChar(s.charCodeAt(i))) i++
  return i
}

/**
 * Method names, results and property names that recur, lower-cased: a name read from the text is
 * given as one of these when it is one (any case), not as a lower-cased copy, so that it is
 * neither copied nor hashed again as a property key.
 */
const COMMON_NAMES = [
  'spf',
  'dkim',
  'dmarc',
  'compauth',
  'arc',
  'pass',
  'fail',
  'none',
  'softfail',
  'neutral',
  'temperror',
  'permerror',
  'bestguesspass',
  'action',
  'reason',
  'header.d',
  'header.i',
  'header.s',
  'header.b',
  'header.from',
  'smtp.mailfrom',
  'smtp.helo',
]
/** COMMON_NAMES by length. */
const COMMON = wordsByLength(COMMON_NAMES)

/** The position of `ch` in value at or after `from`, or value.length when there is none. */
function markAt(value: string, ch: string, from: number): number {
  const at = value.indexOf(ch, from)
  return at < 0 ? value.length : at
}

/**
 * Splits on `;` outside parentheses and quotes (a `"` opens or closes a quote anywhere, even in a
 * comment), at most MAX_CLAUSES pieces; each piece trimmed, empty ones dropped. Only `"();` matter
 * here (inside a quote, only `"`): the scan jumps from one to the next, each found by a native
 * search and remembered until passed (no match objects, no reading of every character code).
 */
function clauses(value: string): string[] {
  const out: string[] = []
  const n = value.length
  let pieces = 0
  let depth = 0
  let quoted = false
  let start = 0
  // The next `"`, `(`, `)` and `;` at or after the position each was last searched from.
  let nextQuote = -1
  let nextOpen = -1
  let nextClose = -1
  let nextSemi = -1
  let i = 0
  while (pieces < MAX_CLAUSES) {
    if (nextQuote < i) nextQuote = markAt(value, '"', i)
    let at = nextQuote
    if (!quoted) {
      if (nextOpen < i) nextOpen = markAt(value, '(', i)
      if (nextClose < i) nextClose = markAt(value, ')', i)
      if (nextSemi < i) nextSemi = markAt(value, ';', i)
      at = Math.min(at, nextOpen, nextClose, nextSemi)
    }
    if (at >= n) break
    i = at + 1
    const c = value.charCodeAt(at)
    if (c === 34 /* " */) quoted = !quoted
    else if (c === 40 /* ( */) depth++
    else if (c === 41 /* ) */) {
      if (depth > 0) depth--
    } else if (depth === 0) {
      // `;` outside parentheses and quotes.
      const piece = value.slice(start, at).trim()
      if (piece.length > 0) out.push(piece)
      pieces++
      start = at + 1
    }
  }
  if (pieces < MAX_CLAUSES) {
    const piece = value.slice(start).trim()
    if (piece.length > 0) out.push(piece)
  }
  return out
}

/** The value without one leading and one trailing double quote. */
function unquote(v: string): string {
  const a = v.charCodeAt(0) === 34 ? 1 : 0
  const b = v.length > a && v.charCodeAt(v.length - 1) === 34 ? v.length - 1 : v.length
  return a === 0 && b === v.length ? v : v.slice(a, b)
}

/**
 * The text with every innermost parenthesised group (`(` then no parenthesis then `)`) replaced
 * by a space, left to right; nested groups keep their outer parentheses.
 */
function dropComments(s: string): string {
  let out = ''
  let copied = 0
  let i = s.indexOf('(')
  while (i >= 0) {
    // The group opened at i ends at the first `)` before any other `(`.
    let j = i + 1
    let c = 0
    while (j < s.length) {
      c = s.charCodeAt(j)
      if (c === 40 || c === 41) break
      j++
    }
    if (j >= s.length) break
    if (c === 40) {
      i = j
      continue
    }
    out += s.slice(copied, i) + ' '
    copied = j + 1
    i = s.indexOf('(', copied)
  }
  return copied === 0 ? s : out + s.slice(copied)
}

/**
 * Whether dropping the comments of `rest` (its first `(` at `open`) leaves readProps nothing
 * different to read: no `=` between the first `(` and the last `)` (where every group dropComments
 * drops lies) and no `"` anywhere. Then a dropped group and its parentheses both only separate
 * (none of `( )` and space is a name or value character): no name can end in `=` inside a group,
 * no unquoted value runs into one, and there is no quoted value to span one.
 */
function commentsInert(rest: string, open: number): boolean {
  const eq = rest.indexOf('=', open)
  return (eq < 0 || eq > rest.lastIndexOf(')')) && !rest.includes('"')
}

/**
 * The end of a property name starting at `i` (a letter), followed by `=`: a name part of at most
 * 32 name characters, then at most two `.part` of 1-32 name characters each; each part is a whole
 * run of name characters. Returns the index of the `=`, or -1 when there is no such name at i.
 */
function propNameAt(s: string, i: number, to: number): number {
  let e = nameRun(s, i + 1, to)
  if (e - i > MAX_NAME) return -1
  for (let parts = 0; ; parts++) {
    const c = e < to ? s.charCodeAt(e) : -1
    if (c === 61 /* = */) return e
    if (c !== 46 /* . */ || parts === 2) return -1
    const f = nameRun(s, e + 1, to)
    if (f === e + 1 || f - (e + 1) > MAX_NAME) return -1
    e = f
  }
}

/**
 * Reads every `name=value` property of `text` into `props` (names lower-cased, the first of a
 * name wins; values unquoted), searching left to right: a name may start at any letter (not only
 * after a space), and the search goes on after each property's value. A value is a `"`-quoted
 * string of at most 512 characters, else up to 512 characters other than white space, `;`, `(`
 * and `)` (possibly none).
 */
function readProps(text: string, props: Record<string, string>): void {
  const to = text.length
  let i = 0
  // The next `=` at or after i, and where the run of name characters and dots that ends at it
  // starts (not before i when it was found): every name ends at an `=` and is made of these.
  let nextEq = -1
  let chainFrom = 0
  while (i < to) {
    const c = text.charCodeAt(i)
    if (!isLetter(c)) {
      // Before the chain that ends at the next `=`, every run of name characters ends at some
      // other character, so no name starts there: the search jumps to the chain (and ends when
      // no `=` is left). Within the chain, one character at a time, as before.
      if (nextEq < i) {
        nextEq = text.indexOf('=', i)
        if (nextEq < 0) return
        chainFrom = nextEq
        while (chainFrom > i && isChainChar(text.charCodeAt(chainFrom - 1))) chainFrom--
      }
      i = i < chainFrom ? chainFrom : i + 1
      continue
    }
    // The run of name characters at i: a name can start no more than 32 characters before its
    // end, so the first try is at the first letter from there; if that fails, every other start
    // in the run fails the same way (the same characters follow it).
    const runEnd = nameRun(text, i, to)
    let k = Math.max(i, runEnd - MAX_NAME)
    while (k < runEnd && !isLetter(text.charCodeAt(k))) k++
    const eq = k < runEnd ? propNameAt(text, k, to) : -1
    if (eq < 0) {
      i = runEnd
      continue
    }
    // The value: a quoted string when it closes within 512 characters, else a plain run.
    let v = eq + 1
    let vEnd = -1
    if (v < to && text.charCodeAt(v) === 34) {
      const close = text.indexOf('"', v + 1)
      if (close >= 0 && close - (v + 1) <= MAX_VALUE) vEnd = close + 1
    }
    if (vEnd < 0) {
      vEnd = v
      const cap = Math.min(to, v + MAX_VALUE)
      while (vEnd < cap && isValueChar(text.charCodeAt(vEnd))) vEnd++
    }
    const name = lowerWord(COMMON, text, k, eq)
    if (!(name in props)) props[name] = unquote(text.slice(v, vEnd))
    v = vEnd
    i = v
  }
}

/** Parses one clause into a method, or null when it isn't `method=result ...`. */
function parseMethod(clause: string): AuthMethod | null {
  // `method=result`: a method of a letter and at most 31 name characters (the whole run), white
  // space, `=`, white space, then a result of a letter and up to 31 result characters (a longer
  // result is cut there, the rest left to the properties).
  const to = clause.length
  if (to === 0 || !isLetter(clause.charCodeAt(0))) return null
  const mEnd = nameRun(clause, 1, to)
  if (mEnd > MAX_NAME) return null
  let i = mEnd
  while (i < to && isSpace(clause.charCodeAt(i))) i++
  if (i >= to || clause.charCodeAt(i) !== 61) return null
  i++
  while (i < to && isSpace(clause.charCodeAt(i))) i++
  if (i >= to || !isLetter(clause.charCodeAt(i))) return null
  const rStart = i
  const rCap = Math.min(to, rStart + MAX_NAME)
  i++
  while (i < rCap && isResultChar(clause.charCodeAt(i))) i++
  const method = lowerWord(COMMON, clause, 0, mEnd)
  const result = lowerWord(COMMON, clause, rStart, i)
  const rest = clause.slice(i)
  let comment: string | null = null
  const open = rest.indexOf('(')
  if (open >= 0) {
    const close = rest.indexOf(')', open)
    comment = rest.slice(open + 1, close < 0 ? rest.length : close).trim()
  }
  const props = Object.create(null) as Record<string, string>
  readProps(open >= 0 && !commentsInert(rest, open) ? dropComments(rest) : rest, props)
  return { method, result, comment, props }
}

/** Decodes one Authentication-Results value. Never throws. */
export function decodeAuthResults(
  value: string,
  header = 'Authentication-Results',
  index = 0,
): AuthResults {
  const methods: AuthMethod[] = []
  const text = value.length > MAX_LENGTH ? value.slice(0, MAX_LENGTH) : value
  for (const c of clauses(text)) {
    const m = parseMethod(c)
    if (m) methods.push(m)
  }
  // The first spf, dmarc and compauth clause; every dkim clause, and the first that passed.
  let spf: AuthMethod | undefined
  let dmarc: AuthMethod | undefined
  let compauth: AuthMethod | undefined
  let dkimFirst: AuthMethod | undefined
  let dkimPass: AuthMethod | undefined
  const dkimDomains: string[] = []
  for (const m of methods) {
    switch (m.method) {
      case 'spf':
        spf ??= m
        break
      case 'dmarc':
        dmarc ??= m
        break
      case 'compauth':
        compauth ??= m
        break
      case 'dkim': {
        dkimFirst ??= m
        if (dkimPass === undefined && m.result === 'pass') dkimPass = m
        const d = m.props['header.d'] ?? ''
        if (d.length > 0) dkimDomains.push(d)
        break
      }
    }
  }
  const dkimResult = dkimFirst === undefined ? null : (dkimPass ?? dkimFirst).result
  const reason = compauth?.props['reason'] ?? null
  return {
    header,
    index,
    raw: value,
    // The name as Exchange writes it is settled without a lower-cased copy.
    renamed:
      header !== 'Authentication-Results' && header.toLowerCase() !== 'authentication-results',
    microsoft: compauth !== undefined,
    spf: spf?.result ?? null,
    dkim: dkimResult,
    dmarc: dmarc?.result ?? null,
    dmarcAction: dmarc?.props['action'] ?? null,
    compauth: compauth?.result ?? null,
    reason,
    reasonMeaning: compauthReasonMeaning(reason),
    reasonSource: compauthReason(reason)?.source ?? null,
    mailFrom: spf?.props['smtp.mailfrom'] ?? null,
    headerFrom: dmarc?.props['header.from'] ?? null,
    dkimDomains,
    methods,
  }
}

/** Plain-English meaning of a DMARC action value (message-headers §1.4). */
export function dmarcActionMeaning(action: string): string {
  switch (action.toLowerCase()) {
    case 'none':
      return 'no DMARC action'
    case 'oreject':
      return 'DMARC policy was p=reject but Microsoft delivered the message anyway (to Junk)'
    // ms-rule: hdr.auth.dmarc-action
    case 'pct.quarantine':
      return 'DMARC failed under p=quarantine, but the policy was not applied to this message (pct under 100): delivered anyway'
    case 'pct.reject':
      return 'DMARC failed under p=reject, but the policy was not applied to this message (pct under 100): delivered anyway'
    case 'permerror':
      return 'DMARC permanent error'
    case 'temperror':
      return 'DMARC temporary error'
    default:
      return `unknown DMARC action "${action}"`
  }
}
