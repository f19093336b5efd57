/** pkcs8Pem (auth.ts): the key msal takes, its last conversion kept without weakening a check. */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { pkcs8Pem } from './auth.js'

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const encrypted = privateKey
  .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' })
  .toString()

describe('pkcs8Pem', () => {
  it('gives PKCS#8 PEM for a PKCS#1, a PKCS#8 and an encrypted key, the same key each time', () => {
    expect(pkcs8Pem(pkcs1)).toBe(pkcs8)
    expect(pkcs8Pem(pkcs1)).toBe(pkcs8)
    expect(pkcs8Pem(pkcs8)).toBe(pkcs8)
    expect(pkcs8Pem(encrypted, 'right')).toBe(pkcs8)
    expect(createPrivateKey(pkcs8Pem(encrypted, 'right')).asymmetricKeyType).toBe('rsa')
  })

  it('refuses a wrong passphrase even right after the right one converted the same key', () => {
    expect(pkcs8Pem(encrypted, 'right')).toBe(pkcs8)
    expect(() => pkcs8Pem(encrypted, 'wrong')).toThrow()
    expect(() => pkcs8Pem(encrypted)).toThrow()
    expect(() => pkcs8Pem('not a key')).toThrow()
  })
})
