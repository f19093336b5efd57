/**
 * Unfolds a raw header block (or a whole .eml) into a list of header fields. Linear in the input:
 * no regex backtracking, one pass over the lines, with caps on the input, the number of headers
 * and the length of each header.
 */

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
// eslint-disable-next-line no-control-regex
const CONTROL_ANY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/** Length of a header name at text[from] (up to the colon, within `to`), or -1 when it is not one. */
function headerNameLength(text: string, from: number, to: number): number {
  const max = Math.min(to - from, 128)
  let digitsOnly = true
  for (let i = 0; i < max; i++) {
    const c = text.charCodeAt(from + i)
    if (c === 58 /* : */) return i > 0 && !digitsOnly ? i : -1
    const isDigit = c >= 48 && c <= 57
    const ok =
      isDigit ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 45 /* - */ ||
      c === 95 /* _ */ ||
      c === 46 /* . */
    if (!ok) return -1
    if (!isDigit) digitsOnly = false
  }
  return -1
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
  /** Where the scan stopped (control characters before it matter). */
  scanned: number
}

/**
 * Splits raw text into unfolded header fields. Accepts CRLF, LF or CR line ends, a leading BOM,
 * leading blank lines and an mbox `From ` line; stops at the first blank line after a header (the
 * end of an .eml's header section). Lines that are neither a header nor a continuation are joined
 * to the previous header (pastes that lost their indentation). Control characters become spaces.
 * `headerText` and `body` are built when first read (LF line ends).
 */
export function parseHeaderBlock(input: string, limits: Partial<ParseLimits> = {}): HeaderBlock {
  const lim: ParseLimits = { ...DEFAULT_LIMITS, ...limits }
  let text = typeof input === 'string' ? input : ''
  const inputTruncated = text.length > lim.maxBytes
  if (inputTruncated) text = text.slice(0, Math.max(0, lim.maxBytes))
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)

  // CRLF (or LF) text is read in place: a line ends at LF, less a CR before it. Only text with a
  // bare CR (old Mac line ends) is copied with LF line ends first.
  if (hasBareCr(text)) text = text.replace(/\r\n?/g, '\n')
  // Read the lines as if there were no control characters (nearly always true), then check the
  // part that was read, not the body; read again the slow way when there were some.
  let scan = scanLines(text, lim, false)
  if (CONTROL_ANY.test(scan.scanned >= text.length ? text : text.slice(0, scan.scanned)))
    scan = scanLines(text, lim, true)
  const { headers, headersTruncated, headerEnd, bodyStart } = scan
  // The header section ends before the line end that precedes the ending line.
  const cut = headerEnd < 0 ? -1 : headerEnd - (text.charCodeAt(headerEnd - 2) === 13 ? 2 : 1)
  let headerText: string | null = null
  let body: string | null = null
  const block: HeaderBlock = {
    headers,
    get headerText(): string {
      return (headerText ??= lf(headerEnd < 0 ? text : text.slice(0, Math.max(0, cut))))
    },
    get body(): string {
      return (body ??= headerEnd >= 0 && bodyStart <= text.length ? lf(text.slice(bodyStart)) : '')
    },
    inputTruncated,
    headersTruncated,
  }
  RAW_HEADER_TEXT.set(block, headerEnd < 0 ? text : text.slice(0, Math.max(0, cut)))
  return block
}

/** The header section of each block as read (before line ends become LF). */
const RAW_HEADER_TEXT = new WeakMap<HeaderBlock, string>()

/**
 * Whether the block's header section matches `re` (a pattern without line ends, so the line-end
 * form doesn't matter), without building `headerText`. For blocks from elsewhere, tests headerText.
 */
export function headerTextMatches(block: HeaderBlock, re: RegExp): boolean {
  return re.test(RAW_HEADER_TEXT.get(block) ?? block.headerText)
}

/** Whether the text has a CR that is not part of a CRLF (a scan from CR to CR, no regex). */
function hasBareCr(text: string): boolean {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1))
    if (text.charCodeAt(i + 1) !== 10) return true
  return false
}

/** One pass over the lines of `text` (LF or CRLF line ends). */
function scanLines(text: string, lim: ParseLimits, hasControl: boolean): Scan {
  const headers: RawHeader[] = []
  let headersTruncated = false
  let name = ''
  // The unfolded value so far: string concatenation (ropes), flattened once by trim().
  let acc = ''
  let length = 0
  let truncated = false
  let open = false

  const flush = (): void => {
    if (!open) return
    open = false
    if (headers.length >= lim.maxHeaders) {
      headersTruncated = true
      return
    }
    headers.push({
      name,
      lower: name.toLowerCase(),
      value: acc.trim(),
      index: headers.length,
      truncated,
    })
  }
  const append = (piece: string): void => {
    if (length >= lim.maxHeaderLength) {
      truncated = true
      return
    }
    const room = lim.maxHeaderLength - length
    const cut = piece.length > room ? piece.slice(0, room) : piece
    if (cut.length < piece.length) truncated = true
    acc += cut
    length += cut.length
  }

  /** The line text[a, b) as the parser sees it (control characters as spaces). */
  const lineText = (a: number, b: number): string =>
    hasControl ? text.slice(a, b).replace(CONTROL, ' ') : text.slice(a, b)
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

    // Blank (only white space once control characters are spaces)? A printable ASCII first
    // character settles it; anything else gets the exact test.
    let c0 = lineStart < end ? text.charCodeAt(lineStart) : -1
    // A control character at the start reads as the space it becomes.
    if (hasControl && ((c0 >= 0 && c0 < 32 && c0 !== 9) || c0 === 127)) c0 = 32
    // Folded lines start with white space: look at the first character after it.
    let k = lineStart
    let probe = c0
    while (probe === 32 || probe === 9) probe = ++k < end ? text.charCodeAt(k) : -1
    const surelyText = probe > 32 && probe < 127
    if (!surelyText && lineText(lineStart, end).trim().length === 0) {
      if (headers.length > 0 || open) {
        headerEnd = lineStart
        bodyStart = pos
        break
      }
      continue
    }
    if (first) {
      first = false
      const from = hasControl
        ? lineText(lineStart, end).startsWith('From ')
        : text.startsWith('From ', lineStart) && end - lineStart >= 5
      if (from) continue // mbox separator
    }
    if (c0 === 32 || c0 === 9) {
      if (open) append(lineText(lineStart, end))
      continue
    }
    const n = headerNameLength(text, lineStart, end)
    if (n > 0) {
      flush()
      if (headers.length >= lim.maxHeaders) {
        headersTruncated = true
        headerEnd = lineStart
        bodyStart = len + 1
        break
      }
      name = text.slice(lineStart, lineStart + n)
      acc = ''
      length = 0
      truncated = false
      open = true
      append(lineText(lineStart + n + 1, end))
    } else if (open) {
      append(' ' + lineText(lineStart, end))
    }
  }
  flush()
  return { headers, headersTruncated, headerEnd, bodyStart, scanned: Math.min(pos, len) }
}
