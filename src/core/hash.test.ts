import { describe, expect, it } from 'vitest'
import { canonicalJson, contentHash } from './hash.js'

/** SHA-256 of `{"a":2,"b":{"c":[1,{"d":"é","e":null}],"z":true}}` (computed with node:crypto). */
const DIGEST_A2 = '3a623238aa1048722d035e72f5bbf79f9cd5058fea14eb94bffef6aa829d84cf'
/** The same text with `"a":3`. */
const DIGEST_A3 = '4ba41e9edd113cf15f3ad755817af7592e17cedc89a16dfaa7e3717b0fcbfda3'

describe('contentHash: SHA-256 of the canonical JSON, whatever it remembered', () => {
  it('hashes the canonical text: keys sorted at every level, undefined left out', () => {
    const value = { b: { z: true, c: [1, { e: null, d: 'é', x: undefined }] }, a: 2 }
    expect(canonicalJson(value)).toBe('{"a":2,"b":{"c":[1,{"d":"é","e":null}],"z":true}}')
    expect(contentHash(value)).toBe(DIGEST_A2)
  })

  it('gives the digest of the content as it is now, not as it was when last hashed', () => {
    const value = { a: 2, b: { c: [1, { d: 'é', e: null }], z: true } }
    expect(contentHash(value)).toBe(DIGEST_A2)
    value.a = 3
    expect(contentHash(value)).toBe(DIGEST_A3)
    value.a = 2
    expect(contentHash(value)).toBe(DIGEST_A2)
  })

  it('stays right past what it remembers (many texts, and one too long to remember)', () => {
    const digests = Array.from({ length: 12 }, (_, i) => contentHash({ i }))
    expect(new Set(digests).size).toBe(12)
    // Asked again in another order, every one is still its own text's digest.
    for (let i = 11; i >= 0; i--) expect(contentHash({ i })).toBe(digests[i])
    const long = { s: 'x'.repeat(300_000) }
    const first = contentHash(long)
    expect(contentHash({ s: `${'x'.repeat(299_999)}y` })).not.toBe(first)
    expect(contentHash(long)).toBe(first)
    expect(contentHash({ a: 2, b: { c: [1, { d: 'é', e: null }], z: true } })).toBe(DIGEST_A2)
  })
})
