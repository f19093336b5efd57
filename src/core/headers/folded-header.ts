/**
 * A header field found by the parser whose value is unfolded when first read: most of a
 * message's headers (DKIM signatures, ARC seals, anti-spam message data) are never read by the
 * analyzer, so their continuation lines are never joined.
 */

import { isSpace } from './fields.js'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g
/**
 * A string without control characters (CONTROL): one anchored run, about a quarter faster than
 * searching for a control character.
 */
// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/

/** What the headers of one parse share: the text they are read from and the per-header cap. */
export interface Section {
  text: string
  max: number
}

/**
 * One header field, in the shape of RawHeader (parse.ts): name, lower-cased name, index and
 * truncation are known when it is found; the value is unfolded on first read, then kept.
 */
export class FoldedHeader {
  /** Field name as written. */
  readonly name: string
  /** Field name lower-cased, for lookups. */
  readonly lower: string
  /** Position among the parsed headers, 0 = topmost. */
  readonly index: number
  /** True when the value was cut at the per-header cap. */
  readonly truncated: boolean
  readonly #section: Section
  readonly #from: number
  readonly #to: number
  readonly #folded: boolean
  /** The slot of its name in the name cache (header-names.ts). */
  readonly #slot: number
  #value: string | undefined

  /**
   * The header whose value runs from `from` (after the colon) to `to` (the end of its last line,
   * before the line end) in the section's text, over several lines when `folded`, its name in
   * slot `slot` of the name cache.
   */
  constructor(
    name: string,
    lower: string,
    index: number,
    truncated: boolean,
    section: Section,
    from: number,
    to: number,
    folded: boolean,
    slot: number,
  ) {
    this.name = name
    this.lower = lower
    this.index = index
    this.truncated = truncated
    this.#section = section
    this.#from = from
    this.#to = to
    this.#folded = folded
    this.#slot = slot
    this.#value = undefined
  }

  /** The name-cache slot of a header found by the parser; -1 for any other header object. */
  static slotOf(header: object): number {
    return #slot in header ? header.#slot : -1
  }

  /** Unfolded value (continuation lines joined), trimmed. */
  get value(): string {
    return (this.#value ??= unfold(this.#section, this.#from, this.#to, this.#folded))
  }

  /** The plain RawHeader, value included (for JSON.stringify). */
  toJSON(): { name: string; lower: string; value: string; index: number; truncated: boolean } {
    return {
      name: this.name,
      lower: this.lower,
      value: this.value,
      index: this.index,
      truncated: this.truncated,
    }
  }
}

/**
 * The value of a header as the parser defines it: the rest of the first line after the colon,
 * then each continuation line (a line that starts with white space as it is, any other line
 * after a space), control characters as spaces, cut at the section's `max` characters, trimmed.
 */
function unfold(section: Section, from: number, to: number, folded: boolean): string {
  const { text, max } = section
  if (!folded) {
    if (to - from <= max) {
      // Trimmed in place first (isSpace is trim's white space), sliced once: when the trimmed
      // value has no control character, neither has what trim removed become anything but
      // white space (the control characters trim removes, VT and FF, are white space either
      // way), so it is the value. Otherwise, as below.
      let a = from
      let b = to
      while (a < b && isSpace(text.charCodeAt(a))) a++
      while (b > a && isSpace(text.charCodeAt(b - 1))) b--
      const value = text.slice(a, b)
      if (NO_CONTROL.test(value)) return value
    }
    let piece = text.slice(from, to)
    if (!NO_CONTROL.test(piece)) piece = piece.replace(CONTROL, ' ')
    return (piece.length > max ? piece.slice(0, max) : piece).trim()
  }
  const control = !NO_CONTROL.test(text.slice(from, to))
  let acc = ''
  let length = 0
  let lineStart = from
  let first = true
  while (lineStart <= to && length < max) {
    let end = text.indexOf('\n', lineStart)
    if (end < 0 || end > to) end = to
    const next = end + 1
    if (end > lineStart && text.charCodeAt(end - 1) === 13) end--
    let piece = text.slice(lineStart, end)
    if (control) piece = piece.replace(CONTROL, ' ')
    if (!first) {
      const c0 = piece.charCodeAt(0)
      if (c0 !== 32 && c0 !== 9) piece = ' ' + piece
    }
    first = false
    const room = max - length
    if (piece.length > room) piece = piece.slice(0, room)
    acc += piece
    length += piece.length
    lineStart = next
  }
  return acc.trim()
}
