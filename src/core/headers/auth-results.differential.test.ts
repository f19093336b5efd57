/**
 * Differential test of the Authentication-Results decoder: the hand-written parser (character
 * codes, no regex) against the regex parser it replaced, kept here as the reference, on the
 * realistic samples and on generated clause-like text: the same decoded result (every method,
 * result, comment and property, and the summary fields), field for field and as JSON.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeAuthResults, type AuthMethod, type AuthResults } from './auth-results.js'
import { compauthReason, compauthReasonMeaning } from './compauth.js'
import { parseHeaderBlock } from './parse.js'
import * as fixtures from './test-fixtures.js'

// ---- The reference: the regex parser before the rewrite, unchanged but for its names. ----

/** Longest Authentication-Results value read (real ones are under 2 KB). */
const MAX_LENGTH = 16 * 1024
const METHOD = /^([a-z][a-z0-9_-]{0,31})\s*=\s*([a-z][a-z0-9._-]{0,31})/i
const PROP = /([a-z][a-z0-9_-]{0,31}(?:\.[a-z0-9_-]{1,32}){0,2})=("[^"]{0,512}"|[^\s;()]{0,512})/gi

/** Splits on `;` outside parentheses and quotes. */
function refClauses(value: string): string[] {
  const out: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < value.length && out.length < 64; i++) {
    const c = value.charCodeAt(i)
    if (c === 34 /* " */) quoted = !quoted
    else if (quoted) continue
    else if (c === 40 /* ( */) depth++
    else if (c === 41 /* ) */ && depth > 0) depth--
    else if (c === 59 /* ; */ && depth === 0) {
      out.push(value.slice(start, i))
      start = i + 1
    }
  }
  if (out.length < 64) out.push(value.slice(start))
  return out.map((s) => s.trim()).filter((s) => s.length > 0)
}

/** The value without one leading and one trailing double quote. */
function unquote(v: string): string {
  const a = v.charCodeAt(0) === 34 ? 1 : 0
  const b = v.length > a && v.charCodeAt(v.length - 1) === 34 ? v.length - 1 : v.length
  return a === 0 && b === v.length ? v : v.slice(a, b)
}

/** Parses one clause into a method, or null when it isn't `method=result ...`. */
function refParseMethod(clause: string): AuthMethod | null {
  const m = METHOD.exec(clause)
  if (!m) return null
  const method = (m[1] ?? '').toLowerCase()
  const result = (m[2] ?? '').toLowerCase()
  const rest = clause.slice(m[0].length)
  let comment: string | null = null
  const open = rest.indexOf('(')
  if (open >= 0) {
    const close = rest.indexOf(')', open)
    comment = rest.slice(open + 1, close < 0 ? rest.length : close).trim()
  }
  const props = Object.create(null) as Record<string, string>
  const noComments = open >= 0 ? rest.replace(/\([^()]*\)/g, ' ') : rest
  // An exec loop rather than matchAll (no iterator and match-array copies).
  PROP.lastIndex = 0
  for (let p = PROP.exec(noComments); p !== null; p = PROP.exec(noComments)) {
    if (p[0].length === 0) PROP.lastIndex++
    const k = (p[1] ?? '').toLowerCase()
    if (!(k in props)) props[k] = unquote(p[2] ?? '')
  }
  return { method, result, comment, props }
}

/** Decodes one Authentication-Results value. Never throws. */
function referenceDecode(value: string, header = 'Authentication-Results', index = 0): AuthResults {
  const methods: AuthMethod[] = []
  const text = value.length > MAX_LENGTH ? value.slice(0, MAX_LENGTH) : value
  for (const c of refClauses(text)) {
    const m = refParseMethod(c)
    if (m) methods.push(m)
  }
  const first = (name: string): AuthMethod | undefined => methods.find((m) => m.method === name)
  const dkims = methods.filter((m) => m.method === 'dkim')
  const spf = first('spf')
  const dmarc = first('dmarc')
  const compauth = first('compauth')
  const dkimResult =
    dkims.length === 0
      ? null
      : ((dkims.find((d) => d.result === 'pass') ?? dkims[0])?.result ?? null)
  const reason = compauth?.props['reason'] ?? null
  const lower = header.toLowerCase()
  return {
    header,
    index,
    raw: value,
    renamed: lower !== 'authentication-results',
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
    dkimDomains: dkims.map((d) => d.props['header.d'] ?? '').filter((d) => d.length > 0),
    methods,
  }
}

// ---- The comparison. ----

function same(value: string, header?: string): void {
  const got = decodeAuthResults(value, header, 3)
  const want = referenceDecode(value, header, 3)
  expect(got).toEqual(want)
  expect(JSON.stringify(got)).toBe(JSON.stringify(want))
  // Property bags stay prototype-free (a `__proto__` or `constructor` property is data).
  for (const m of got.methods) expect(Object.getPrototypeOf(m.props)).toBe(null)
}

/** Every Authentication-Results value of the samples (and their renamed copies). */
const samples: string[] = Object.values(fixtures)
  .filter((v): v is string => typeof v === 'string')
  .flatMap((s) =>
    parseHeaderBlock(s)
      .headers.filter((h) => h.lower.includes('authentication-results'))
      .map((h) => h.value),
  )

/** Pieces of clauses, including the edges of each rule (name lengths, quotes, spaces). */
const ATOMS = [
  'spf',
  'dkim',
  'dmarc',
  'compauth',
  'arc',
  '=',
  ' = ',
  'pass',
  'fail',
  'none',
  ';',
  ' ',
  '\t',
  '\r\n ',
  '(',
  ')',
  '(sender IP is 192.0.2.1)',
  '"',
  '"quoted value"',
  '.',
  '..',
  '-',
  '_',
  '1',
  'smtp.mailfrom',
  'header.d',
  'header.from',
  'header.i',
  'action',
  'reason',
  'a.b.c.d',
  'a.b.c.d=',
  'p.q.r=',
  'h.i=',
  '.x=',
  '\r',
  '\v',
  '\f',
  'x'.repeat(31),
  'y'.repeat(32),
  'z'.repeat(33),
  'w'.repeat(40),
  'v'.repeat(600),
  '"' + 'q'.repeat(511) + '"',
  '"' + 'q'.repeat(513) + '"',
  '\u00a0',
  '\u1680',
  '\u2009',
  '\u2028',
  '\u202f',
  '\u3000',
  '\ufeff',
  '\u0085',
  '\u200b',
  'é',
  'K',
  'ſ',
  '__proto__',
  'constructor',
  'toString',
  '@',
  'example.com',
]

describe('decodeAuthResults matches the reference parser', () => {
  it('on every sample value', () => {
    expect(samples.length).toBeGreaterThan(10)
    for (const v of samples) {
      same(v)
      same(v, 'Authentication-Results-Original')
    }
  })

  it('on generated clause-like text (name and value lengths at their caps, quotes, comments, Unicode spaces)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...ATOMS), { maxLength: 40 }).map((a) => a.join('')),
        (text) => same(text),
      ),
      { numRuns: 3000 },
    )
  })

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => same(text)),
      { numRuns: 1000 },
    )
  })

  it('on more than 64 clauses and values over the 16 KB cap', () => {
    same(Array.from({ length: 70 }, (_, i) => `m${i}=pass k=${i}`).join(';'))
    same(Array.from({ length: 70 }, (_, i) => (i % 3 ? '' : `spf=pass k=${i}`)).join(';'))
    same('spf=pass smtp.mailfrom=a.example;'.repeat(600))
  })

  it('with comments that hold a property, a quote or a nested group (read without dropping comments only when they are inert)', () => {
    for (const v of [
      'spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=a.example',
      'spf=pass (a=b) c=d',
      'spf=pass (x) c=d (y=1)',
      'dkim=pass x="a (b) c"',
      'dkim=pass (q") x="v"',
      'dkim=pass ((x=1)) y=2',
      'dkim=pass (outer (inner) a=1) b=2',
      'dmarc=pass (x) (y=1',
      'dmarc=pass a=b (c) d=(e) f',
      'dmarc=pass name(x)=1 a(b)c=2',
      'compauth=pass (r) reason=100 (s) t=u(v)w',
    ])
      same(v)
  })

  it('on generated chains of name characters, dots and `=` (the property search jumps to the chain before each `=`)', () => {
    const CHAIN = [
      '=',
      '.',
      'a',
      'B',
      'é',
      '1',
      '-',
      '_',
      ' ',
      '(',
      ')',
      '"',
      ';',
      'k'.repeat(33),
      'v'.repeat(520),
    ]
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...CHAIN), { maxLength: 40 }).map((a) => a.join('')),
        (text) => {
          same(`dkim=pass ${text}`)
          same(`spf=pass (c) ${text} (d=1) x=y`)
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('reads properties anywhere in a clause, as the reference does', () => {
    const a = decodeAuthResults('spf=pass xsmtp.mailfrom=a.example (c) zz' + 'a'.repeat(40) + '=v')
    expect(a.methods[0]?.props).toEqual(
      referenceDecode('spf=pass xsmtp.mailfrom=a.example (c) zz' + 'a'.repeat(40) + '=v').methods[0]
        ?.props,
    )
    expect(Object.keys(a.methods[0]?.props ?? {})).toEqual(['xsmtp.mailfrom', 'a'.repeat(32)])
    // At most two `.part`s: in a.b.c.d=1 the name starts at b.
    for (const v of ['dkim=pass a.b.c.d=1', 'dkim=pass a.b.c=1 x..y=2 .z=3', 'dkim=pass\r\va=1'])
      same(v)
    expect(decodeAuthResults('dkim=pass a.b.c.d=1').methods[0]?.props).toEqual({ 'b.c.d': '1' })
  })
})
