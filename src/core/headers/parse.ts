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
const CONTROL_TEST = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/** Length of a header name at the start of `line` (up to the colon), or -1 when it is not one. */
function headerNameLength(line: string): number {
  const max = Math.min(line.length, 128)
  let digitsOnly = true
  for (let i = 0; i < max; i++) {
    const c = line.charCodeAt(i)
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

/**
 * Splits raw text into unfolded header fields. Accepts CRLF, LF or CR line ends, a leading BOM,
 * leading blank lines and an mbox `From ` line; stops at the first blank line after a header (the
 * end of an .eml's header section). Lines that are neither a header nor a continuation are joined
 * to the previous header (pastes that lost their indentation). Control characters become spaces.
 */
export function parseHeaderBlock(input: string, limits: Partial<ParseLimits> = {}): HeaderBlock {
  const lim: ParseLimits = { ...DEFAULT_LIMITS, ...limits }
  let text = typeof input === 'string' ? input : ''
  const inputTruncated = text.length > lim.maxBytes
  if (inputTruncated) text = text.slice(0, Math.max(0, lim.maxBytes))
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)

  const headers: RawHeader[] = []
  let headersTruncated = false
  let name = ''
  let parts: string[] = []
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
      value: parts.join('').trim(),
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
    parts.push(cut)
    length += cut.length
  }

  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n')
  let pos = 0
  let body = ''
  let headerEnd = -1
  let first = true
  while (pos <= text.length) {
    const lineStart = pos
    let end = text.indexOf('\n', pos)
    if (end < 0) end = text.length
    const rawLine = text.slice(pos, end)
    pos = end + 1

    const line = CONTROL_TEST.test(rawLine) ? rawLine.replace(CONTROL, ' ') : rawLine
    if (line.trim().length === 0) {
      if (headers.length > 0 || open) {
        headerEnd = lineStart
        body = pos <= text.length ? text.slice(pos) : ''
        break
      }
      continue
    }
    if (first) {
      first = false
      if (line.startsWith('From ')) continue // mbox separator
    }
    const c0 = line.charCodeAt(0)
    if (c0 === 32 || c0 === 9) {
      if (open) append(line)
      continue
    }
    const n = headerNameLength(line)
    if (n > 0) {
      flush()
      if (headers.length >= lim.maxHeaders) {
        headersTruncated = true
        headerEnd = lineStart
        break
      }
      name = line.slice(0, n)
      parts = []
      length = 0
      truncated = false
      open = true
      append(line.slice(n + 1))
    } else if (open) {
      append(' ' + line)
    }
  }
  flush()
  const headerText = headerEnd < 0 ? text : text.slice(0, Math.max(0, headerEnd - 1))
  return { headers, headerText, body, inputTruncated, headersTruncated }
}
