/**
 * Differential test of splitPairs: the split that trims by moving bounds and slices each key and
 * value once, against the split it replaced (slice each piece, trim it, slice and trim its key and
 * value), kept here as the reference, on the pieces that matter (white space of every kind trim
 * removes, colons in values, `(null)`, empty pieces, the pair cap) and on generated lists. Then
 * lowerWord and upperWord (a recurring key given as the table's string) against toLowerCase and
 * toUpperCase, their reference.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { lowerWord, splitPairs, upperWord, wordsByLength, type FieldPair } from './fields.js'

// ---- The reference: the split before, unchanged but for its name. ----

function referenceSplitPairs(value: string, max = 512): FieldPair[] {
  const out: FieldPair[] = []
  const text = value.includes('(null)') ? value.split('(null)').join('') : value
  let start = 0
  while (start <= text.length && out.length < max) {
    let end = text.indexOf(';', start)
    if (end < 0) end = text.length
    const piece = text.slice(start, end).trim()
    start = end + 1
    if (piece.length === 0) continue
    const colon = piece.indexOf(':')
    if (colon < 0) out.push({ key: piece, value: '' })
    else out.push({ key: piece.slice(0, colon).trim(), value: piece.slice(colon + 1).trim() })
  }
  return out
}

// ---- The comparison. ----

function same(value: string, max?: number): void {
  expect(splitPairs(value, max)).toEqual(referenceSplitPairs(value, max))
}

describe('splitPairs matches the split it replaced', () => {
  it('on real report values, a key without a colon, a colon in the value, (null) and empty pieces', () => {
    for (const v of [
      'CIP:198.51.100.25;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mail.example;PTR:mail.example;CAT:NONE;SFS:(13230040)(4636009);DIR:INB;',
      'CIP:2001:db8::1;SFV:SKA',
      'BCL:0;ARA:1444111002|1800799024',
      'ucf:0;jmr:0;auth:0;dest:I;ENG:(910001)(944506478)(944626604)(920097)(930097);',
      'SFV:NSPM;(null)SCL:1;(null)(null)',
      ';;;',
      '',
      ':',
      ' : ',
      'k',
      'a:b:c',
      ' key : value ; other :  ;  : lone value ; bare ',
      'A\u00a0:\u2028B\u2028;\ufeffC\ufeff:\u3000D;\u0085E:F\u0085',
      '\tK\t:\tV\t;\r\nL\n:\nW\r',
    ])
      same(v)
  })

  it('at the pair cap: pieces past `max` are not read', () => {
    const v = Array.from({ length: 20 }, (_, i) => `K${i}:${i}`).join(';')
    for (const max of [0, 1, 5, 19, 20, 21]) same(v, max)
  })

  it('a piece with no colon, then colons further on: each piece reads only its own colon', () => {
    same('a;b;c;d:e;f;g:h:i;j')
    same('x'.repeat(50) + ';' + 'y:'.repeat(30))
  })

  it('on generated lists of keys, values, separators and white space', () => {
    const part = fc.constantFrom(
      'CIP',
      'SFV',
      ':',
      ';',
      ' ',
      '\t',
      '\u00a0',
      '\u2028',
      '\ufeff',
      '\u0085',
      '(null)',
      '(',
      'x',
      '2001:db8::1',
      '',
    )
    fc.assert(
      fc.property(fc.array(part, { maxLength: 40 }), fc.integer({ min: 0, max: 12 }), (ps, max) => {
        const v = ps.join('')
        same(v)
        same(v, max)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('lowerWord and upperWord give what toLowerCase and toUpperCase give', () => {
  const LOWER = wordsByLength(['spf', 'dkim', 'header.d', 'smtp.mailfrom', 'kl', 'ofr', 'dest'])
  const UPPER = wordsByLength(['CIP', 'SFV', 'SKI', 'KL', 'SS', 'X-CUSTOMSPAM', 'INB'])
  /** Characters that change case, that toLowerCase or toUpperCase map to ASCII or to two characters. */
  const CHARS = fc.constantFrom(
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:@[]`{ '.split(''),
    '\u212a' /* Kelvin sign: lower-cases to k */,
    '\u017f' /* long s: upper-cases to S */,
    '\u0130' /* I with dot: lower-cases to two characters */,
    '\u00df' /* sharp s: upper-cases to SS */,
    '\u0131' /* dotless i: upper-cases to I */,
    '\u00e9',
  )

  function same(s: string): void {
    expect(lowerWord(LOWER, s)).toBe(s.toLowerCase())
    expect(upperWord(UPPER, s)).toBe(s.toUpperCase())
    // A part of a longer string, as the Authentication-Results reader reads names.
    const t = `x=${s};`
    expect(lowerWord(LOWER, t, 2, 2 + s.length)).toBe(s.toLowerCase())
  }

  it('on the table words in every case, and on the characters whose case maps leave ASCII', () => {
    for (const w of ['spf', 'SPF', 'Spf', 'DKIM', 'Header.D', 'SMTP.MAILFROM', 'Kl', 'OFR', 'Dest'])
      same(w)
    for (const w of ['cip', 'Cip', 'sfv', 'SkI', 'kl', 'ss', 'x-customspam', 'inb', 'INB']) same(w)
    // The look-alikes are no match: the case map gives the same text, not the table's string.
    for (const w of [
      '\u212al',
      'of\u0280',
      '\u017fs',
      '\u00df',
      's\u017f',
      '\u0131nb',
      'd\u0130',
      'spf ',
      '',
    ])
      same(w)
    expect(lowerWord(LOWER, 'DKIM')).toBe('dkim')
    expect(upperWord(UPPER, 'sfv')).toBe('SFV')
  })

  it('on generated keys', () => {
    fc.assert(
      fc.property(fc.array(CHARS, { maxLength: 14 }), (cs) => same(cs.join(''))),
      { numRuns: 3000 },
    )
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 14 }), (s) => same(s)),
      { numRuns: 1000 },
    )
  })
})
