import { describe, expect, it } from 'vitest'
import { isPassageError, type PassageError } from '../core/errors/index.js'
import { toJsonText } from './json.js'
import { findSecret } from './secrets.js'

const refusal = (value: unknown) => {
  try {
    toJsonText(value, 'the thing')
  } catch (e) {
    return e as PassageError
  }
  return undefined
}

describe('toJsonText: secrets never enter the store, found in one pass over what is written', () => {
  it.each([
    [
      'a secret-named key deep in a list',
      { a: [{ b: { Access_Token: 'x' } }] },
      '$.a[0].b.Access_Token',
    ],
    ['a key whose name only matches once normalised', { 'client-secret': 'x' }, '$.client-secret'],
    [
      'a JWT inside a longer string',
      { note: 'see eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig here' },
      '$.note',
    ],
    // JSON writes the line break as `\n`: the scan of the text must still catch it.
    [
      'a bearer token after a line break',
      { h: ['Bearer\nabcdefghijklmnopqrstuvwxyz0123'] },
      '$.h[0]',
    ],
    // Separators JSON escapes (line feed, vertical tab) and a Kelvin sign that lower-cases to k.
    ['a key split by a line break', { 'pass\nword': 'x' }, '$.pass\nword'],
    ['a key split by a vertical tab', { 'to\u000bken': 1 }, '$.to\u000bken'],
    ['a key spelt with a Kelvin sign', { 'to\u212Aen': 'x' }, '$.to\u212Aen'],
    ['a PEM private key', { k: '-----BEGIN RSA PRIVATE KEY-----\nMII' }, '$.k'],
  ])('refuses %s, naming where it is (never the value)', (_name, value, path) => {
    const e = refusal(value)
    expect(isPassageError(e, 'PASSAGE_E_STORE_SECRET')).toBe(true)
    expect(e?.message).toBe(
      `Refused to store the thing: ${path} looks like a token, password or key.`,
    )
    expect(e?.message).not.toContain('abcdefghij')
  })

  it.each([
    ['a secret-named key with no value', { password: '', token: null }],
    ['the word bearer without a token', { Comments: 'Bearer of bad news' }],
    ['a string that only starts like a JWT', { v: 'eyJhbGciOiJ' }],
    ['secret words in values', { Notes: 'Credential phishing', y: '"token":' }],
  ])('stores %s, exactly as JSON.stringify writes it', (_name, value) => {
    expect(findSecret(value)).toBeUndefined()
    expect(toJsonText(value, 'the thing')).toBe(JSON.stringify(value))
  })
})
