/**
 * Splits a raw header block (or a whole .eml) into a list of header fields, each unfolded when
 * its value is first read. Linear in the input: no regex backtracking, one pass over the lines,
 * with caps on the input, the number of headers and the length of each header.
 */

import { FoldedHeader, type Section } from './folded-header.js'
import { internName, knownName, lowerName, writtenName } from './header-names.js'

/** One unfolded header field, in the order it appears (index 0 is the topmost, i.e. newest). */
export interface RawHeader {
  /** Field name as written. */
  name: string
  /** Field name lower-cased, for lookups. */
  lower: string
  /** Unfolded value (continuation lines joined), trimmed. */
  value: string
  /** Position among the parsed headers, 0 = topmost. */
  index: number
  /** True when the value was cut at the per-header cap. */
  truncated: boolean
}

/** The parsed header section, plus the rest of the (capped) input for link scanning. */
export interface HeaderBlock {
  headers: RawHeader[]
  /** The header section as read (up to the blank line), LF line ends, for link scanning. */
  headerText: string
  /** Text after the blank line that ends the header section ('' for a header-only paste), LF line ends. */
  body: string
  /** The input was longer than maxBytes and was cut. */
  inputTruncated: boolean
  /** More than maxHeaders fields were present; the rest were ignored. */
  headersTruncated: boolean
}

/** Limits applied while parsing. */
export interface ParseLimits {
  /** Input cap in UTF-16 code units (about bytes for header text); default 8 MB. */
  maxBytes: number
  /** Maximum number of header fields kept; default 5,000. */
  maxHeaders: number
  /** Maximum length of one unfolded header value; default 256 KB. */
  maxHeaderLength: number
}

/** The default parse limits. */
export const DEFAULT_LIMITS: ParseLimits = {
  maxBytes: 8 * 1024 * 1024,
  maxHeaders: 5000,
  maxHeaderLength: 256 * 1024,
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

/** Whether `limits` sets `key` (an own enumerable property, as an object spread reads it). */
const sets = (limits: Partial<ParseLimits> | null, key: keyof ParseLimits): boolean =>
  limits != null && Object.prototype.propertyIsEnumerable.call(limits, key)

/**
 * `{ ...DEFAULT_LIMITS, ...limits }`, written out (an object spread is a slow path in V8, and this
 * runs on every parse).
 */
function limitsOf(limits: Partial<ParseLimits> | null): ParseLimits {
  return {
    maxBytes: sets(limits, 'maxBytes') ? (limits?.maxBytes as number) : DEFAULT_LIMITS.maxBytes,
    maxHeaders: sets(limits, 'maxHeaders')
      ? (limits?.maxHeaders as number)
      : DEFAULT_LIMITS.maxHeaders,
    maxHeaderLength: sets(limits, 'maxHeaderLength')
      ? (limits?.maxHeaderLength as number)
      : DEFAULT_LIMITS.maxHeaderLength,
  }
}

/** LF line ends for CRLF and CR. */
function lf(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s
}

/** What one scan of the lines found: the headers, and where the header section ends. */
interface Scan {
  headers: RawHeader[]
  headersTruncated: boolean
  /** Start of the blank line (or of the header past the cap) that ended the section, or -1. */
  headerEnd: number
  /** Where the text after the ending line starts (> text.length: nothing after it). */
  bodyStart: number
}

/**
 * Splits raw text into header fields. Accepts CRLF, LF or CR line ends, a leading BOM, leading
 * blank lines and an mbox `From ` line; stops at the first blank line after a header (the end of
 * an .eml's header section). Lines that are neither a header nor a continuation are joined to the
 * previous header (pastes that lost their indentation). Control characters become spaces. Each
 * value is unfolded when first read; `headerText` and `body` are built when first read (LF line
 * ends).
 */
export function parseHeaderBlock(input: string, limits: Partial<ParseLimits> = {}): HeaderBlock {
  return parseWithin(input, limitsOf(limits))
}

/**
 * parseHeaderBlock(input, { maxBytes }) (the other limits the defaults), without reading an
 * options object: what the analyzer calls on every input.
 */
export function parseHeaderBlockWithin(input: string, maxBytes: number): HeaderBlock {
  return parseWithin(input, {
    maxBytes,
    maxHeaders: DEFAULT_LIMITS.maxHeaders,
    maxHeaderLength: DEFAULT_LIMITS.maxHeaderLength,
  })
}

/** parseHeaderBlock with every limit given. */
function parseWithin(input: string, lim: ParseLimits): HeaderBlock {
  let text = typeof input === 'string' ? input : ''
  const inputTruncated = text.length > lim.maxBytes
  if (inputTruncated) text = text.slice(0, Math.max(0, lim.maxBytes))
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)

  // CRLF (or LF) text is read in place: a line ends at LF, less a CR before it. Only text with a
  // bare CR (old Mac line ends) is copied with LF line ends first.
  if (hasBareCr(text)) text = text.replace(/\r\n?/g, '\n')
  const { headers, headersTruncated, headerEnd, bodyStart } = scanLines(text, lim)
  // The header section ends before the line end that precedes the ending line.
  const cut = headerEnd < 0 ? -1 : headerEnd - (text.charCodeAt(headerEnd - 2) === 13 ? 2 : 1)
  const raw = headerEnd < 0 ? text : text.slice(0, Math.max(0, cut))
  // The text after the ending line, if any, read when asked for.
  const bodyFrom = headerEnd >= 0 && bodyStart <= text.length ? bodyStart : -1
  return new ParsedBlock(headers, raw, text, bodyFrom, inputTruncated, headersTruncated)
}

/** A parsed block: `headerText` and `body` (LF line ends) are built when first read. */
class ParsedBlock implements HeaderBlock {
  readonly headers: RawHeader[]
  readonly inputTruncated: boolean
  readonly headersTruncated: boolean
  /** The header section as read (before line ends become LF). */
  readonly #raw: string
  readonly #text: string
  readonly #bodyFrom: number
  #headerText: string | undefined
  #body: string | undefined

  constructor(
    headers: RawHeader[],
    raw: string,
    text: string,
    bodyFrom: number,
    inputTruncated: boolean,
    headersTruncated: boolean,
  ) {
    this.headers = headers
    this.inputTruncated = inputTruncated
    this.headersTruncated = headersTruncated
    this.#raw = raw
    this.#text = text
    this.#bodyFrom = bodyFrom
    this.#headerText = undefined
    this.#body = undefined
  }

  /** The header section as read (up to the blank line), LF line ends. */
  get headerText(): string {
    return (this.#headerText ??= lf(this.#raw))
  }

  /** Text after the blank line that ends the header section ('' for a header-only paste). */
  get body(): string {
    return (this.#body ??= this.#bodyFrom < 0 ? '' : lf(this.#text.slice(this.#bodyFrom)))
  }

  /** The header section of a block parsed here, as read (before line ends become LF). */
  static rawHeaderText(block: HeaderBlock): string | undefined {
    return #raw in block ? block.#raw : undefined
  }

  /** The plain HeaderBlock, in its key order (for JSON.stringify). */
  toJSON(): HeaderBlock {
    return {
      headers: this.headers,
      headerText: this.headerText,
      body: this.body,
      inputTruncated: this.inputTruncated,
      headersTruncated: this.headersTruncated,
    }
  }
}

/**
 * Whether the block's header section matches `re` (a pattern without line ends, so the line-end
 * form doesn't matter), without building `headerText`. For blocks from elsewhere, tests headerText.
 */
export function headerTextMatches(block: HeaderBlock, re: RegExp): boolean {
  return re.test(ParsedBlock.rawHeaderText(block) ?? block.headerText)
}

/** Whether the text has a CR that is not part of a CRLF (a scan from CR to CR, no regex). */
function hasBareCr(text: string): boolean {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1))
    if (text.charCodeAt(i + 1) !== 10) return true
  return false
}

/** Whether text[from, from + n) is a header name: name characters, not only digits. */
function isHeaderName(text: string, from: number, n: number): boolean {
  let digitsOnly = true
  for (let j = 0; j < n; j++) {
    const c = text.charCodeAt(from + j)
    const isDigit = c >= 48 && c <= 57
    if (!(
      isDigit ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 45 /* - */ ||
      c === 95 /* _ */ ||
      c === 46 /* . */
    ))
      return false
    if (!isDigit) digitsOnly = false
  }
  return !digitsOnly
}

/**
 * Whether the line text[a, b) starts with `From ` once control characters are spaces (an mbox
 * separator line): `From`, then a space or a control character.
 */
function isMboxFrom(text: string, a: number, b: number): boolean {
  if (b - a < 5) return false
  const c = text.charCodeAt(a + 4)
  return (
    text.charCodeAt(a) === 70 /* F */ &&
    text.charCodeAt(a + 1) === 114 /* r */ &&
    text.charCodeAt(a + 2) === 111 /* o */ &&
    text.charCodeAt(a + 3) === 109 /* m */ &&
    (c === 32 || c === 127 || (c < 32 && c !== 9 && c !== 10 && c !== 13))
  )
}

/** Whether text[a, b) is only white space once control characters are spaces. */
function isBlank(text: string, a: number, b: number): boolean {
  return text.slice(a, b).replace(CONTROL, ' ').trim().length === 0
}

/**
 * One pass over the lines of the header section (LF or CRLF line ends): finds each header's
 * name and the span of its lines, and whether its value will be cut, without joining the lines
 * (see FoldedHeader).
 */
function scanLines(text: string, lim: ParseLimits): Scan {
  const headers: RawHeader[] = []
  const max = lim.maxHeaderLength
  // What the headers share (one object, not two fields in each header).
  const section: Section = { text, max }
  let headersTruncated = false
  // The open header: its name, where its value starts and its last line ends, whether it spans
  // several lines, and the unfolded length so far (to know whether the value will be cut).
  let open = false
  let name = ''
  let lower = ''
  let slot = -1
  /** The open header's name-cache slot. */
  let nameSlot = -1
  let colon = -1
  let from = 0
  let to = 0
  let folded = false
  let length = 0
  let truncated = false

  let pos = 0
  let headerEnd = -1
  let bodyStart = 0
  let first = true
  const len = text.length
  while (pos <= len) {
    const lineStart = pos
    let end = text.indexOf('\n', pos)
    if (end < 0) end = len
    pos = end + 1
    if (end > lineStart && text.charCodeAt(end - 1) === 13) end--

    // A control character at the start reads as the space it becomes.
    let c0 = lineStart < end ? text.charCodeAt(lineStart) : -1
    if ((c0 >= 0 && c0 < 32 && c0 !== 9) || c0 === 127) c0 = 32
    // Blank (only white space once control characters are spaces)? A printable ASCII first
    // character after any leading white space settles it; anything else gets the exact test.
    let k = lineStart
    let probe = c0
    while (probe === 32 || probe === 9) probe = ++k < end ? text.charCodeAt(k) : -1
    if (!(probe > 32 && probe < 127) && isBlank(text, lineStart, end)) {
      if (headers.length > 0 || open) {
        headerEnd = lineStart
        bodyStart = pos
        break
      }
      continue
    }
    if (first) {
      first = false
      if (isMboxFrom(text, lineStart, end)) continue
    }
    if (c0 === 32 || c0 === 9) {
      // A continuation line, as it is.
      if (open) {
        if (length >= max) truncated = true
        else if (end - lineStart > max - length) {
          truncated = true
          length = max
        } else length += end - lineStart
        to = end
        folded = true
      }
      continue
    }
    // A header name: up to 128 name characters (not only digits), then a colon. The first colon
    // at or after the line start is remembered, so colons are searched once over the section.
    if (colon < lineStart) {
      colon = text.indexOf(':', lineStart)
      if (colon < 0) colon = len
    }
    const n = colon - lineStart
    slot = -1
    if (n > 0 && n < 128 && colon < end) {
      slot = knownName(text, lineStart, n)
      if (slot < 0 && isHeaderName(text, lineStart, n)) slot = internName(text, lineStart, n)
    }
    if (slot >= 0) {
      if (open) {
        open = false
        if (headers.length >= lim.maxHeaders) headersTruncated = true
        else
          headers.push(
            new FoldedHeader(
              name,
              lower,
              headers.length,
              truncated,
              section,
              from,
              to,
              folded,
              nameSlot,
            ),
          )
      }
      if (headers.length >= lim.maxHeaders) {
        headersTruncated = true
        headerEnd = lineStart
        bodyStart = len + 1
        break
      }
      name = writtenName(slot)
      lower = lowerName(slot)
      nameSlot = slot
      from = lineStart + n + 1
      to = end
      folded = false
      // The first piece: the rest of the line after the colon.
      length = Math.min(end - from, max)
      truncated = max <= 0 || end - from > max
      open = true
    } else if (open) {
      // A line that lost its indentation: joined after a space.
      if (length >= max) truncated = true
      else if (end - lineStart + 1 > max - length) {
        truncated = true
        length = max
      } else length += end - lineStart + 1
      to = end
      folded = true
    }
  }
  // Ends the open header: kept unless the cap on the number of headers is reached. (Inlined,
  // here and above: a nested function would move the scan's variables into a heap context.)
  if (open) {
    if (headers.length >= lim.maxHeaders) headersTruncated = true
    else
      headers.push(
        new FoldedHeader(
          name,
          lower,
          headers.length,
          truncated,
          section,
          from,
          to,
          folded,
          nameSlot,
        ),
      )
  }
  return { headers, headersTruncated, headerEnd, bodyStart }
}
