import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { redactUrl } from './errors.js'
import { defaultStoreLocation, ensureDefaultFolder, isPostgresUrl } from './location.js'
import { findSecret, redactSecrets } from './secrets.js'

describe('store location', () => {
  it('defaults to ~/.passage/passage.db', () => {
    expect(defaultStoreLocation({}, '/home/ann')).toBe('/home/ann/.passage/passage.db')
    expect(defaultStoreLocation({ PASSAGE_DB: '  ' }, '/home/ann')).toBe(
      '/home/ann/.passage/passage.db',
    )
  })

  it('PASSAGE_DB overrides it, with ~/ expanded', () => {
    expect(defaultStoreLocation({ PASSAGE_DB: '/srv/p.db' }, '/home/ann')).toBe('/srv/p.db')
    expect(defaultStoreLocation({ PASSAGE_DB: '~/x/p.db' }, '/home/ann')).toBe('/home/ann/x/p.db')
    expect(defaultStoreLocation({ PASSAGE_DB: 'postgres://h/db' }, '/home/ann')).toBe(
      'postgres://h/db',
    )
  })

  it('creates ~/.passage with mode 0700 for the default location only', () => {
    const home = mkdtempSync(join(tmpdir(), 'passage-home-'))
    try {
      ensureDefaultFolder(join(home, 'elsewhere', 'p.db'), home)
      expect(() => statSync(join(home, 'elsewhere'))).toThrow()
      ensureDefaultFolder(defaultStoreLocation({}, home), home)
      expect(statSync(join(home, '.passage')).mode & 0o777).toBe(0o700)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('tells PostgreSQL URLs from file paths', () => {
    expect(isPostgresUrl('postgres://u@h:5432/db')).toBe(true)
    expect(isPostgresUrl('postgresql://u@h/db')).toBe(true)
    expect(isPostgresUrl('./postgres.db')).toBe(false)
    expect(isPostgresUrl(':memory:')).toBe(false)
  })

  it('never shows a URL password', () => {
    expect(redactUrl('postgres://u:s3cret@h:5432/db')).toBe('postgres://u:***@h:5432/db')
    expect(redactUrl('postgres://u@h/db')).toBe('postgres://u@h/db')
  })
})

describe('secret guard', () => {
  it('finds credential keys at any depth, whatever their spelling', () => {
    expect(findSecret({ a: { b: [{ Access_Token: 'x' }] } })).toBe('$.a.b[0].Access_Token')
    expect(findSecret({ 'refresh-token': 'x' })).toBe('$.refresh-token')
    expect(findSecret({ PrivateKey: 'x' })).toBe('$.PrivateKey')
    expect(findSecret({ passphrase: 'x' })).toBe('$.passphrase')
    expect(findSecret({ device_code: 'x' })).toBe('$.device_code')
  })

  it('finds a token inside longer text and redacts it from error messages', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl'
    expect(findSecret({ note: `sent Authorization: Bearer ${jwt}` })).toBe('$.note')
    const msg = redactSecrets(`call failed with Bearer ${jwt} and token ${jwt}`)
    expect(msg).not.toContain('eyJ')
    expect(msg).toContain('[redacted]')
    expect(redactSecrets('Exchange says: object not found')).toBe('Exchange says: object not found')
    expect(redactSecrets(null)).toBeNull()
  })

  it('lets ordinary Exchange objects and empty credential fields through', () => {
    expect(
      findSecret({
        Name: 'passage: Trustifi',
        SenderIpRanges: ['1.2.3.4'],
        Comments: 'managed-by=passage',
      }),
    ).toBeUndefined()
    expect(findSecret({ password: null, token: '' })).toBeUndefined()
    expect(findSecret({ tokenCache: 'encrypted', tokenExpiresAt: '2026-01-01' })).toBeUndefined()
  })
})
