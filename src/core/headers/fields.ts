/**
 * Splitting of the `KEY:value;KEY:value;` lists used by X-Forefront-Antispam-Report,
 * X-Microsoft-Antispam and X-Microsoft-Antispam-Mailbox-Delivery (message-headers §1.0).
 */

/** One `KEY:value` pair as written (key trimmed; value trimmed; IPv6 colons kept). */
export interface FieldPair {
  key: string
  value: string
}

/** A decoded field: its key, raw value and a plain-English meaning. */
export interface DecodedField {
  key: string
  value: string
  meaning: string
  /** False for fields the reference does not describe (kept as they are). */
  known: boolean
}

/** Words what a field means, from its lookup key, its value and a context (the header it is in). */
export type FieldWording<C> = (lookup: string, value: string, context: C) => string

/**
 * A DecodedField whose meaning is worded when first read (printed, rendered or serialised), not
 * when the header is decoded: most analyses are read for their verdict, not for every field.
 * JSON.stringify gives the plain DecodedField (key, value, meaning, known).
 */
export class LazyField<C> implements DecodedField {
  readonly key: string
  readonly value: string
  readonly known: boolean
  readonly #word: FieldWording<C>
  readonly #lookup: string
  readonly #context: C
  #meaning: string | undefined

  /** The field `key`:`value`, whose meaning `word(lookup, value, context)` gives when read. */
  constructor(
    key: string,
    value: string,
    known: boolean,
    word: FieldWording<C>,
    lookup: string,
    context: C,
  ) {
    this.key = key
    this.value = value
    this.known = known
    this.#word = word
    this.#lookup = lookup
    this.#context = context
    this.#meaning = undefined
  }

  /** The field's plain-English meaning. */
  get meaning(): string {
    return (this.#meaning ??= this.#word(this.#lookup, this.value, this.#context))
  }

  /** The plain DecodedField, in its key order (for JSON.stringify). */
  toJSON(): DecodedField {
    return { key: this.key, value: this.value, meaning: this.meaning, known: this.known }
  }
}

/** Words by length (see wordsByLength), for lowerWord and upperWord. */
export type WordTable = readonly (readonly string[] | undefined)[]

/** A table of recurring words (keys, names), each already in the case it is looked up in. */
export function wordsByLength(words: readonly string[]): WordTable {
  const table: string[][] = []
  for (const w of words) (table[w.length] ??= []).push(w)
  return table
}

/**
 * The word of the table that s[a, b) is once its ASCII letters are folded by `delta` (+32 to
 * lower-case A-Z, -32 to upper-case a-z), or null. Only ASCII letters fold here, so a match is
 * exactly what toLowerCase / toUpperCase give (the table's words are ASCII); any other character
 * (even one that toLowerCase maps to ASCII, such as the Kelvin sign) is no match.
 */
function tableWord(
  table: WordTable,
  s: string,
  a: number,
  b: number,
  delta: number,
): string | null {
  const list = table[b - a]
  if (list === undefined) return null
  const lo = delta > 0 ? 65 : 97
  for (const w of list) {
    let i = 0
    for (; i < w.length; i++) {
      const c = s.charCodeAt(a + i)
      if ((c >= lo && c <= lo + 25 ? c + delta : c) !== w.charCodeAt(i)) break
    }
    if (i === w.length) return w
  }
  return null
}

/**
 * s[a, b) lower-cased (`s.slice(a, b).toLowerCase()`): a recurring word is given as the table's
 * string, neither copied nor hashed again when it is used as a key or compared with a literal.
 */
export function lowerWord(table: WordTable, s: string, a = 0, b = s.length): string {
  return tableWord(table, s, a, b, 32) ?? s.slice(a, b).toLowerCase()
}

/** s upper-cased (`s.toUpperCase()`), a recurring word as the table's string (see lowerWord). */
export function upperWord(table: WordTable, s: string): string {
  return tableWord(table, s, 0, s.length, -32) ?? s.toUpperCase()
}

/** Maximum number of pairs read from one header (the rest are ignored). */
export const MAX_PAIRS = 512

/** White space as String.prototype.trim and the regex `\s` define it (line ends, Unicode spaces, the BOM). */
export function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13)
  if (c < 0xa0) return false
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  )
}

/**
 * Splits a `;`-separated list of `KEY:value` pairs on `;` and on the first `:` of each pair.
 * `(null)` fragments are dropped; empty pieces are skipped; a piece with no colon becomes a key
 * with an empty value.
 */
export function splitPairs(value: string, max = MAX_PAIRS): FieldPair[] {
  const out: FieldPair[] = []
  const text = value.includes('(null)') ? value.split('(null)').join('') : value
  const len = text.length
  // Each piece, its key and its value are trimmed by moving their bounds (isSpace is trim's white
  // space), then sliced once: no slice of the whole piece, no trimmed copies. The first colon at
  // or after a piece's start is remembered, so colons are searched once over the text.
  let colon = -1
  let start = 0
  while (start <= len && out.length < max) {
    let end = text.indexOf(';', start)
    if (end < 0) end = len
    let a = start
    let b = end
    start = end + 1
    while (a < b && isSpace(text.charCodeAt(a))) a++
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--
    if (a === b) continue
    if (colon < a) {
      colon = text.indexOf(':', a)
      if (colon < 0) colon = len
    }
    if (colon >= b) out.push({ key: text.slice(a, b), value: '' })
    else {
      let k = colon
      while (k > a && isSpace(text.charCodeAt(k - 1))) k--
      let v = colon + 1
      while (v < b && isSpace(text.charCodeAt(v))) v++
      out.push({ key: text.slice(a, k), value: text.slice(v, b) })
    }
  }
  return out
}

/** The value of the first pair with the given key (case-insensitive), or null. */
export function pairValue(pairs: readonly FieldPair[], key: string): string | null {
  const k = key.toLowerCase()
  for (const p of pairs) if (p.key.toLowerCase() === k) return p.value
  return null
}

/** Parses an integer field value ("-1", "5"); null when it is not a plain integer. */
export function intValue(value: string | null): number | null {
  if (value === null) return null
  const v = value.trim()
  if (!/^-?\d{1,3}$/.test(v)) return null
  return Number(v)
}
