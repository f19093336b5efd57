import { describe, expect, it } from 'vitest'
import { findSecret, mayHoldSecret, SECRET_KEY_NAMES } from './secrets.js'

/** The key names findSecret refuses (normalised). */
const NAMES = SECRET_KEY_NAMES

/** What findSecret's normalisation drops between letters, raw or as JSON escapes them. */
const SEPARATORS = [
  '-',
  '_',
  '.',
  ' ',
  '\t',
  '\n',
  '\r',
  '\f',
  '\u000b',
  '\u00a0',
  '\u2028',
  '\u3000',
]

/** A small deterministic generator (no flaky seeds). */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** A name spelt as a key findSecret still recognises: any case, separators anywhere, K as k. */
function disguise(name: string, next: () => number): string {
  let key = next() < 0.3 ? SEPARATORS[Math.floor(next() * SEPARATORS.length)]! : ''
  for (const ch of name) {
    const letter = ch === 'k' && next() < 0.3 ? '\u212A' : next() < 0.5 ? ch.toUpperCase() : ch
    key += letter
    if (next() < 0.35) key += SEPARATORS[Math.floor(next() * SEPARATORS.length)]!
  }
  return key
}

describe('mayHoldSecret: never false where findSecret finds a secret key', () => {
  it('passes every secret key name, plain, in any case, split by separators or with a Kelvin sign', () => {
    const next = rng(13)
    let checked = 0
    for (const name of NAMES)
      for (let i = 0; i < 60; i++) {
        const key = i === 0 ? name : disguise(name, next)
        const value = { outer: [{ Identity: 'x', [key]: 'v' }], Notes: 'a.b-c d' }
        // The generated key is one findSecret refuses: the text of its value must not pass.
        expect(findSecret(value)).toBe(`$.outer[0].${key}`)
        expect(mayHoldSecret(JSON.stringify(value)), JSON.stringify(key)).toBe(true)
        checked++
      }
    expect(checked).toBe(NAMES.length * 60)
  })

  it('lets through texts whose keys only resemble secret names, without a walk', () => {
    for (const value of [
      { TokenLifetime: 1, 'odata.etag': 'x', 'x-ms-client-request-id': 'y' },
      { Passwords: [], 'pass word s': 1, 'secret-santa': 2, Kelvin: 'to\u212Aen' },
      // Secret words in values, and a key that is only one inside a string.
      { Notes: 'token password secret', y: '"token":', z: ['a,"token":b'] },
      { list: ['to-ken', 'pass.word'], nested: { 'api-keys': true } },
      // Keys that start like a name, or are a name's letters but one, with separators.
      { Id: 1, Pass: 2, 'tok-en-s': 3, 'pass-wor': 4, 'cookie\\n': 5 },
    ]) {
      expect(findSecret(value)).toBeUndefined()
      expect(mayHoldSecret(JSON.stringify(value)), JSON.stringify(value)).toBe(false)
    }
  })

  it('passes the value patterns findSecret looks for (bearer, JWT, PEM key)', () => {
    for (const value of [
      { h: 'Bearer abcdefghijklmnopqrstuvwxyz' },
      { t: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig' },
      { k: '-----BEGIN PRIVATE KEY-----\nMII' },
    ]) {
      expect(findSecret(value)).toBeDefined()
      expect(mayHoldSecret(JSON.stringify(value))).toBe(true)
    }
  })
})
