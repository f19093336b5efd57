/**
 * Parser for `Received:` trace headers (RFC 5321 §4.4 plus the usual Exchange, Postfix and
 * Gmail variations), and the host tests that tell Microsoft's hops from everyone else's. One pass
 * over the character codes finds the words and comments (as spans, no strings); only the parts
 * a hop keeps are sliced.
 */
import { ipInSpan } from './ip-scan.js'

export { ipInText } from './ip-scan.js'

/** One parsed `Received:` hop. */
export interface ReceivedHop {
  /** Position of the header in the block (0 = topmost = newest). */
  index: number
  raw: string
  /** Host name the sending side gave (`from` clause), as written. */
  from: string | null
  /** IP address of the sending side, from the `from` clause's comment. */
  fromIp: string | null
  /** Host that received the message (`by` clause), as written. */
  by: string | null
  byIp: string | null
  with: string | null
  id: string | null
  for: string | null
  via: string | null
  /** The date after the last `;`, as written. */
  date: string | null
  /** The receiving host is one of Microsoft 365's (Exchange Online, EOP, consumer Outlook). */
  byMicrosoft: boolean
  /** The receiving host is an Exchange Online Protection front end (`*.protection.outlook.com`). */
  byEop: boolean
  /** The sending host names itself as one of Microsoft 365's. */
  fromMicrosoft: boolean
}

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

/**
 * Whether host[0, n) ends with `suffix` (lower-case ASCII) once lower-cased: 1 or 0, or -1 when
 * that can't be told without lower-casing. The characters are compared from the end, A-Z folded
 * to a-z: lower-casing maps each ASCII character to one ASCII character on its own, so while the
 * characters read are ASCII the lower-cased host ends with them folded, and an ASCII mismatch
 * settles it. Another character (one that lower-cases to ASCII, such as the Kelvin sign, or to
 * two characters) gives -1.
 */
function endsFolded(host: string, n: number, suffix: string): number {
  const k = suffix.length
  const m = k < n ? k : n
  for (let i = 1; i <= m; i++) {
    const c = host.charCodeAt(n - i)
    if (c > 127) return -1
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== suffix.charCodeAt(k - i)) return 0
  }
  // Every character compared matched; a host shorter than the suffix was all ASCII, so is its
  // lower-cased copy.
  return k <= n ? 1 : 0
}

/**
 * Whether the host, lower-cased without one trailing dot (hostKey), ends with one of the
 * suffixes; without a lower-cased copy unless a character other than ASCII decides it.
 */
function endsWithOneOf(host: string, suffixes: readonly string[]): boolean {
  const len = host.length
  const n = len > 0 && host.charCodeAt(len - 1) === 46 ? len - 1 : len
  for (const s of suffixes) {
    const r = endsFolded(host, n, s)
    if (r > 0) return true
    if (r < 0) {
      const h = hostKey(host)
      for (const t of suffixes) if (h.endsWith(t)) return true
      return false
    }
  }
  return false
}

/** True when the host name belongs to Microsoft 365 mail servers. */
export function isMicrosoftHost(host: string | null): boolean {
  return host !== null && endsWithOneOf(host, MICROSOFT_SUFFIXES)
}

/**
 * True when the host is an inbound Exchange Online Protection front end, such as
 * `BN8NAM11FT058.mail.protection.outlook.com` or `DM6NAM12FT034.eop-nam12.prod.protection.outlook.com`
 * (outbound relays, `*.outbound.protection.outlook.com`, are not).
 */
export function isEopHost(host: string | null): boolean {
  return (
    host !== null &&
    endsWithOneOf(host, EOP_SUFFIXES) &&
    !hostKey(host).includes('.outbound.protection.')
  )
}

/**
 * True when the host is an Exchange Online Protection outbound front end
 * (`*.outbound.protection.outlook.com` and its sovereign-cloud forms): the sending tenant's exit.
 */
export function isOutboundEopHost(host: string | null): boolean {
  // The suffix test first: it needs no lower-cased copy, and most hosts fail it.
  return (
    host !== null &&
    endsWithOneOf(host, EOP_SUFFIXES) &&
    hostKey(host).includes('.outbound.protection.')
  )
}

/** The clause keywords, in slot order. */
const CLAUSE_NAMES: readonly string[] = ['from', 'by', 'with', 'id', 'for', 'via']
const FROM = 0
const BY = 1
const WITH = 2
const ID = 3
const FOR = 4
const VIA = 5
/** Most words read from one Received value; the rest are ignored. */
const MAX_WORDS = 200
/** Longest comment kept. */
const MAX_COMMENT = 2000

/**
 * The words of the value being parsed, as spans (reused from one call to the next): word w is
 * value[wordStart[w], wordEnd[w]); its comments (the parenthesised text after it, nested
 * parentheses kept) are commentStart/commentEnd[firstComment[w] ...+ comments[w]).
 */
const wordStart = new Int32Array(MAX_WORDS)
const wordEnd = new Int32Array(MAX_WORDS)
const firstComment = new Int32Array(MAX_WORDS)
const comments = new Int32Array(MAX_WORDS)
let commentStart = new Int32Array(64)
let commentEnd = new Int32Array(64)

/** Room for one more comment span (the comment arrays double when full). */
function growComments(): void {
  const start = new Int32Array(commentStart.length * 2)
  const end = new Int32Array(commentEnd.length * 2)
  start.set(commentStart)
  end.set(commentEnd)
  commentStart = start
  commentEnd = end
}

/** The position of `ch` in value[from, end), or `end` when there is none. */
function nextAt(value: string, ch: string, from: number, end: number): number {
  const at = value.indexOf(ch, from)
  return at < 0 || at >= end ? end : at
}

/**
 * Splits value[0, end) into words at spaces, tabs and `(` (outside comments), attaching each
 * parenthesised comment to the word before it (a comment before any word, or one left open, is
 * dropped), and notes where each clause starts (noteWord). Returns the number of words (at most
 * MAX_WORDS; the scan stops there). With `early`, the scan stops once the from and by clauses
 * have both ended (noteWord): the words, comments and clause bounds read so far are what the
 * whole scan gives for them, as it reads left to right and nothing later changes them.
 */
function scanWords(value: string, end: number, early: boolean): number {
  let words = 0
  let ncomments = 0
  let depth = 0
  let start = -1
  let openedAt = 0
  // The next `(`, `)`, space and tab at or after the position each was last searched from (`end`
  // when there is none before it). Only these characters matter (inside a comment, only the
  // parentheses), so the scan jumps from one to the next (native searches) instead of reading
  // every character code.
  let nextOpen = -1
  let nextClose = -1
  let nextSpace = -1
  let nextTab = -1
  for (let i = 0; i < end && words < MAX_WORDS; i++) {
    if (nextOpen < i) nextOpen = nextAt(value, '(', i, end)
    if (depth > 0) {
      if (nextClose < i) nextClose = nextAt(value, ')', i, end)
      i = nextOpen < nextClose ? nextOpen : nextClose
      if (i >= end) break
    } else {
      if (nextSpace < i) nextSpace = nextAt(value, ' ', i, end)
      if (nextTab < i) nextTab = nextAt(value, '\t', i, end)
      const stop = Math.min(nextOpen, nextSpace, nextTab)
      if (stop > i) {
        // value[i, stop) is part of a word.
        if (start < 0) start = i
        i = stop
        if (i >= end) break
      }
    }
    const c = value.charCodeAt(i)
    if (depth > 0) {
      if (c === 40) depth++
      else if (c === 41 && --depth === 0 && words > 0) {
        if (ncomments === commentStart.length) growComments()
        commentStart[ncomments] = openedAt
        commentEnd[ncomments] = Math.min(i, openedAt + MAX_COMMENT)
        ncomments++
        comments[words - 1] = (comments[words - 1] as number) + 1
      }
      continue
    }
    if (c === 40 /* ( */ || c === 32 || c === 9) {
      if (start >= 0) {
        wordStart[words] = start
        wordEnd[words] = i
        firstComment[words] = ncomments
        comments[words] = 0
        words++
        if (noteWord(value, words - 1) && early) return words
      }
      start = -1
      if (c === 40) {
        depth = 1
        openedAt = i + 1
      }
    } else if (start < 0) start = i
  }
  if (start >= 0 && depth === 0 && words < MAX_WORDS) {
    wordStart[words] = start
    wordEnd[words] = end
    firstComment[words] = ncomments
    comments[words] = 0
    words++
    noteWord(value, words - 1)
  }
  return words
}

/** The clause slot word w starts (its text is a keyword, any case), or -1. */
function clauseAt(value: string, w: number): number {
  const a = wordStart[w] as number
  const n = (wordEnd[w] as number) - a
  if (n < 2 || n > 4) return -1
  const c = value.charCodeAt(a) | 32
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
  if (k < 0) return -1
  const name = CLAUSE_NAMES[k] as string
  if (name.length !== n) return -1
  for (let i = 1; i < n; i++) {
    const x = value.charCodeAt(a + i)
    const y = name.charCodeAt(i)
    // ASCII letters only: only `X` and `x` fold to `x` (toLowerCase maps no other character to
    // these letters in a string of this length).
    if (x !== y && x !== y - 32) return -1
  }
  return k
}

/** Strips one leading `open` and one trailing `close` character. */
function unwrap(t: string, open: number, close: number): string {
  const a = t.charCodeAt(0) === open ? 1 : 0
  const b = t.length > a && t.charCodeAt(t.length - 1) === close ? t.length - 1 : t.length
  return a === 0 && b === t.length ? t : t.slice(a, b)
}

/** Word w's comments joined by spaces, as the original parser built them ('' for none). */
function commentOf(value: string, w: number): string {
  let out = ''
  const first = firstComment[w] as number
  const last = first + (comments[w] as number)
  for (let j = first; j < last; j++) {
    const piece = value.slice(commentStart[j] as number, commentEnd[j] as number)
    out += (out ? ' ' : '') + piece
  }
  return out
}

/** The first IP in the clause's comments or words: the keyword's comments, then each word's comments and text. */
function clauseIp(value: string, kw: number, end: number): string | null {
  for (let w = kw; w < end; w++) {
    const first = firstComment[w] as number
    const last = first + (comments[w] as number)
    for (let j = first; j < last; j++) {
      const ip = ipInSpan(value, commentStart[j] as number, commentEnd[j] as number)
      if (ip !== null) return ip
    }
    if (w > kw) {
      const ip = ipInSpan(value, wordStart[w] as number, wordEnd[w] as number)
      if (ip !== null) return ip
    }
  }
  return null
}

/** The clause's words and comments, as written (the keyword's comments first); null when empty. */
function clauseText(value: string, kw: number, end: number): string | null {
  const kwComment = commentOf(value, kw)
  if (!kwComment && end === kw + 1) return null
  let out = ''
  let n = 0
  if (kwComment) {
    out = `${''} (${kwComment})`.trim()
    n++
  }
  for (let w = kw + 1; w < end; w++) {
    if (n++ > 0) out += ' '
    const text = value.slice(wordStart[w] as number, wordEnd[w] as number)
    const comment = commentOf(value, w)
    out += comment ? `${text} (${comment})`.trim() : text
  }
  return out
}

/** A host name lower-cased without its trailing dot, for the suffix tests. */
function hostKey(host: string): string {
  const h = host.toLowerCase()
  return h.charCodeAt(h.length - 1) === 46 ? h.slice(0, -1) : h
}

/**
 * Where each clause starts (its keyword's word, -1 when absent) and ends (the next clause's
 * keyword), by slot: reused from one call to the next, like the word spans.
 */
const kw = new Int32Array(CLAUSE_NAMES.length)
const end = new Int32Array(CLAUSE_NAMES.length)

/** The clause's first word, without brackets (null when the clause is absent or empty). */
function head(value: string, k: number): string | null {
  const at = kw[k] as number
  const w = at + 1
  return at === -1 || w >= (end[k] as number)
    ? null
    : unwrap(value.slice(wordStart[w] as number, wordEnd[w] as number), 91, 93)
}

/** The first IP of clause k (null when the clause is absent). */
function ipOf(value: string, k: number): string | null {
  const at = kw[k] as number
  return at === -1 ? null : clauseIp(value, at, end[k] as number)
}

/** The text of clause k (null when the clause is absent or empty). */
function textOf(value: string, k: number): string | null {
  const at = kw[k] as number
  return at === -1 ? null : clauseText(value, at, end[k] as number)
}

/**
 * Finds the words of a Received value and where each clause starts and ends (kw, end); returns
 * the position of the last `;` (-1 when there is none). With `early`, only until the from and by
 * clauses have both ended (see scanWords): their bounds are then final, the others' not.
 */
function scanClauses(value: string, early: boolean): number {
  const semi = value.lastIndexOf(';')
  // (A loop, not fill: six slots, and no builtin call.)
  for (let k = 0; k < kw.length; k++) {
    kw[k] = -1
    end[k] = 0
  }
  clauseNow = -1
  const words = scanWords(value, semi >= 0 ? semi : value.length, early)
  if (clauseNow >= 0) end[clauseNow] = words
  return semi
}

/** The clause the words scanned so far are in (its slot), or -1 before the first keyword. */
let clauseNow = -1

/**
 * Notes the clause word w starts, if any: the first word of each keyword starts its clause and
 * ends the one before (a repeated keyword is a word of the current clause, and words before the
 * first keyword belong to none). True when w starts a clause other than from and by after both
 * have started: then both have ended, and no later word is part of either.
 */
function noteWord(value: string, w: number): boolean {
  const k = clauseAt(value, w)
  if (k < 0 || kw[k] !== -1) return false
  if (clauseNow >= 0) end[clauseNow] = w
  kw[k] = w
  clauseNow = k
  return k !== FROM && k !== BY && kw[FROM] !== -1 && kw[BY] !== -1
}

/** Parses one `Received:` header value. Never throws; missing parts are null. */
export function parseReceived(value: string, index = 0): ReceivedHop {
  const semi = scanClauses(value, false)
  const from = head(value, FROM)
  const by = head(value, BY)
  const fromIp = ipOf(value, FROM)
  const rest = restOf(value, semi)
  const byMicrosoft = isMicrosoftHost(by)
  return {
    index,
    raw: value,
    from,
    fromIp,
    by,
    byIp: rest.byIp,
    with: rest.with,
    id: rest.id,
    for: rest.for,
    via: rest.via,
    date: rest.date,
    byMicrosoft,
    // Every EOP suffix ends with a Microsoft one, so only a Microsoft host can be EOP's.
    byEop: byMicrosoft && isEopHost(by),
    fromMicrosoft: isMicrosoftHost(from),
  }
}

/** The parts of a hop that no analysis decides on. */
type HopRest = Pick<ReceivedHop, 'byIp' | 'with' | 'id' | 'for' | 'via' | 'date'>

/** The parts of the hop no analysis decides on, from the whole scan of `value` (last `;` at semi). */
function restOf(value: string, semi: number): HopRest {
  const forHead = head(value, FOR)
  return {
    byIp: ipOf(value, BY),
    with: textOf(value, WITH),
    id: head(value, ID),
    for: forHead === null ? null : unwrap(forHead, 60 /* < */, 62 /* > */).toLowerCase(),
    via: textOf(value, VIA),
    date: semi >= 0 ? value.slice(semi + 1).trim() || null : null,
  }
}

/**
 * A ReceivedHop whose parts that only a reader of the decoded hops looks at (byIp, with, id,
 * for, via, date: the analysis decides on from, fromIp, by and the host tests) are parsed when
 * one of them is first read, all at once, from a whole scan of the value (restOf). JSON.stringify
 * gives the plain ReceivedHop, in parseReceived's key order; every read gives what parseReceived
 * gives.
 */
class LazyHop implements ReceivedHop {
  readonly index: number
  readonly raw: string
  readonly from: string | null
  readonly fromIp: string | null
  readonly by: string | null
  readonly byMicrosoft: boolean
  readonly byEop: boolean
  readonly fromMicrosoft: boolean
  #rest: HopRest | undefined

  constructor(
    index: number,
    raw: string,
    from: string | null,
    fromIp: string | null,
    by: string | null,
  ) {
    this.index = index
    this.raw = raw
    this.from = from
    this.fromIp = fromIp
    this.by = by
    const byMicrosoft = isMicrosoftHost(by)
    this.byMicrosoft = byMicrosoft
    // Every EOP suffix ends with a Microsoft one, so only a Microsoft host can be EOP's.
    this.byEop = byMicrosoft && isEopHost(by)
    this.fromMicrosoft = isMicrosoftHost(from)
    this.#rest = undefined
  }

  /** The parts no analysis decides on, parsed (the whole value scanned) when first needed. */
  #all(): HopRest {
    return (this.#rest ??= restOf(this.raw, scanClauses(this.raw, false)))
  }

  get byIp(): string | null {
    return this.#all().byIp
  }

  get with(): string | null {
    return this.#all().with
  }

  get id(): string | null {
    return this.#all().id
  }

  get for(): string | null {
    return this.#all().for
  }

  get via(): string | null {
    return this.#all().via
  }

  get date(): string | null {
    return this.#all().date
  }

  /** The plain ReceivedHop, in parseReceived's key order (for JSON.stringify). */
  toJSON(): ReceivedHop {
    const rest = this.#all()
    return {
      index: this.index,
      raw: this.raw,
      from: this.from,
      fromIp: this.fromIp,
      by: this.by,
      byIp: rest.byIp,
      with: rest.with,
      id: rest.id,
      for: rest.for,
      via: rest.via,
      date: rest.date,
      byMicrosoft: this.byMicrosoft,
      byEop: this.byEop,
      fromMicrosoft: this.fromMicrosoft,
    }
  }
}

/**
 * parseReceived for the analyzer: the same hop, with the parts the analysis doesn't decide on
 * parsed when first read (see LazyHop).
 */
export function parseReceivedHop(value: string, index = 0): ReceivedHop {
  // Only the from and by clauses are read: the scan stops once both have ended.
  scanClauses(value, true)
  return new LazyHop(index, value, head(value, FROM), ipOf(value, FROM), head(value, BY))
}
