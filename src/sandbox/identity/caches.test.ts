/**
 * The identity's memos (app-cert.ts thumbprints, jwt.ts verifyRs256): the same answers as
 * working them out each time, and a bad signature still refused after a good one was kept.
 */
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createAppCredentials, thumbprints } from './app-cert.js'
import { decodeJwt, signJwt, verifyRs256 } from './jwt.js'

describe('thumbprints', () => {
  it("are the certificate's SHA-1 and SHA-256, the same on every call, and a caller's copy", () => {
    const app = createAppCredentials({ displayName: 'memo' })
    const der = new X509Certificate(app.certificatePem).raw
    const sha256 = createHash('sha256').update(der).digest()
    const first = thumbprints(app.certificatePem)
    expect(first.sha256Hex).toBe(sha256.toString('hex').toUpperCase())
    expect(first.x5tS256).toBe(sha256.toString('base64url'))
    expect(first.x5t).toBe(createHash('sha1').update(der).digest('base64url'))
    first.x5tS256 = 'changed by a caller'
    expect(thumbprints(app.certificatePem).x5tS256).toBe(sha256.toString('base64url'))
    const other = createAppCredentials({ displayName: 'other' })
    expect(thumbprints(other.certificatePem).x5tS256).not.toBe(sha256.toString('base64url'))
  })
})

describe('verifyRs256', () => {
  const a = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const b = generateKeyPairSync('rsa', { modulusLength: 2048 })

  it('accepts a good signature again and again, and never a bad one or another key', () => {
    const token = signJwt({ sub: 'x' }, a.privateKey, 'kid-a')
    const jwt = decodeJwt(token)!
    expect(verifyRs256(jwt, a.publicKey)).toBe(true)
    expect(verifyRs256(jwt, a.publicKey)).toBe(true)
    // The same token checked against another key: refused, the first key's answer is not reused.
    expect(verifyRs256(jwt, b.publicKey)).toBe(false)
    // The same header and payload with another signature (the other key's): refused.
    const forged = signJwt({ sub: 'x' }, b.privateKey, 'kid-a')
    expect(forged.split('.').slice(0, 2)).toEqual(token.split('.').slice(0, 2))
    expect(verifyRs256(decodeJwt(forged)!, a.publicKey)).toBe(false)
    // A changed payload with the good signature: refused.
    const [h, , s] = token.split('.')
    const changed = `${h}.${Buffer.from('{"sub":"y"}').toString('base64url')}.${s}`
    expect(verifyRs256(decodeJwt(changed)!, a.publicKey)).toBe(false)
    // Another algorithm in the header: refused before any signature check.
    expect(verifyRs256({ ...jwt, header: { ...jwt.header, alg: 'none' } }, a.publicKey)).toBe(false)
  })
})
