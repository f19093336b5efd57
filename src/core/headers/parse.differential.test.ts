/**
 * Differential test of the header parser: the one-pass parser with lazily unfolded values
 * (parse.ts, folded-header.ts) against the parser it replaced, kept here as the reference (a line
 * scan that joins every value up front), on the realistic samples and on generated header-like
 * text: the same headers (name, lower-cased name, value, index, truncation), the same header
 * section and body, the same caps.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_LIMITS,
  parseHeaderBlock,
  type HeaderBlock,
  type ParseLimits,
  type RawHeader,
} from './parse.js'
import * as fixtures from './test-fixtures.js'

// ---- The reference: the parser before the one-pass rewrite, unchanged but for its name. ----

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
function referenceParse(input: string, limits: Partial<ParseLimits> = {}): HeaderBlock {
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

// ---- The comparison. ----

/** What a parse says, as plain data. */
function view(b: HeaderBlock): unknown {
  return {
    headers: b.headers.map((h) => [h.name, h.lower, h.value, h.index, h.truncated]),
    headerText: b.headerText,
    body: b.body,
    inputTruncated: b.inputTruncated,
    headersTruncated: b.headersTruncated,
  }
}

function same(text: string, limits: Partial<ParseLimits> = {}): void {
  expect(view(parseHeaderBlock(text, limits))).toEqual(view(referenceParse(text, limits)))
}

const samples: string[] = Object.values(fixtures).filter((v): v is string => typeof v === 'string')

const ATOMS = [
  'From ',
  'From\u0000',
  'Received',
  'X-A',
  'x-b',
  '123',
  ':',
  ' ',
  '\t',
  '\r\n',
  '\n',
  '\r',
  '\u0000',
  '\u0007',
  '\u007f',
  '\u000b',
  'a',
  'b c',
  '\u00a0',
  '\ufeff',
  '\u2028',
  'é',
  ';',
  '(',
  ')',
  '=',
  '.',
  '-',
  '_',
  'Subject: hi',
  '\r\n ',
  '\n\t',
  'X-Long-Name-' + 'x'.repeat(120),
  '1.2.3.4',
]

describe('parseHeaderBlock matches the reference parser', () => {
  it('on every sample, with each line end and with small caps', () => {
    for (const s of samples)
      for (const text of [s, s.replace(/\r\n/g, '\n'), s.replace(/\r\n/g, '\r')]) {
        same(text)
        same(text, { maxHeaderLength: 50 })
        same(text, { maxHeaders: 7 })
        same(text, { maxBytes: 900 })
      }
  })

  it('on generated header-like text (controls, folds, odd names, caps)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...ATOMS), { maxLength: 60 }).map((a) => a.join('')),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 400 }),
        (text, maxHeaderLength, maxHeaders, maxBytes) => {
          same(text)
          same(text, { maxHeaderLength })
          same(text, { maxHeaders })
          same(text, { maxBytes })
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('on a first line of `From` and any character (the mbox separator test)', () => {
    for (let c = 0; c < 0x3000; c = c < 160 ? c + 1 : c + 97)
      for (const rest of ['', ' a@b', 'x'])
        for (const head of ['From', 'Fro', 'from', '\u0000From'])
          same(`${head}${String.fromCharCode(c)}${rest}\r\nSubject: hi\r\n`)
  })

  it('on values with each control character, folded or not', () => {
    for (let c = 0; c < 160; c++) {
      const ch = String.fromCharCode(c)
      same(`X-A: a${ch}b\r\nX-B: c\r\n d${ch}\r\n\te\r\nX-C: ${ch}\r\n`)
    }
  })

  it('on values with white space and control characters at either end, within the cap or not', () => {
    const ends = [
      '',
      ' ',
      '\t',
      '\u000b',
      '\u000c',
      '\u0001',
      '\u001f',
      '\u007f',
      '\u00a0',
      '\u2028',
      '\ufeff',
      '\u200b',
    ]
    for (const x of ends)
      for (const y of ends) {
        const text = `X-A:${x}v w${y}\r\nX-B:${x}${y}\r\nX-C: ${y}${x}z\r\n`
        same(text)
        same(text, { maxHeaderLength: 3 })
        same(text, { maxHeaderLength: 5 })
      }
  })

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => same(text)),
      { numRuns: 1000 },
    )
  })

  it('serialises a header as the plain RawHeader', () => {
    const h = parseHeaderBlock('X-A: a\r\n b\r\n').headers[0] as RawHeader
    expect(JSON.parse(JSON.stringify(h))).toEqual({
      name: 'X-A',
      lower: 'x-a',
      value: 'a b',
      index: 0,
      truncated: false,
    })
  })
})
