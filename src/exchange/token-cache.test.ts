import { createCipheriv, createHmac, randomBytes, scryptSync } from 'node:crypto'
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TokenCacheContext } from '@azure/msal-node'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isPassageError, PassageError } from '../core/errors/index.js'
import {
  checkPassphrase,
  deleteTokenCacheFile,
  fileTokenCache,
  openTokenCache,
  sealTokenCache,
  TOKEN_CACHE_VERSION,
  type ScryptCost,
} from './token-cache.js'

/** A cheap scrypt cost, so that the tests run quickly (the default is 2^17). */
const CHEAP: ScryptCost = { logN: 10, r: 8, p: 1 }
const PASS = 'correct horse battery staple'
const REFRESH = '0.AXkA-refresh-token-secret-value-1234567890abcdef'
const ACCESS = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl'

/** An msal cache as serialized (the shape does not matter to the plugin, only that it is JSON). */
const CACHE = JSON.stringify({
  Account: { 'uid.utid-127.0.0.1-tid': { username: 'exchange@contoso.onmicrosoft.com' } },
  RefreshToken: { rt: { secret: REFRESH } },
  AccessToken: { at: { secret: ACCESS } },
})

/** A version 1 file as an older passage wrote it (no header sum), for the upgrade test. */
async function sealVersion1(plain: string, pass: string, cost: ScryptCost): Promise<Buffer> {
  const salt = randomBytes(16)
  const key = scryptSync(pass, salt, 32, { N: 2 ** cost.logN, r: cost.r, p: cost.p })
  const check = createHmac('sha256', key)
    .update('passage token cache: key check')
    .digest()
    .subarray(0, 8)
  const iv = randomBytes(12)
  const header = Buffer.concat([
    Buffer.from('PSGTOKEN', 'ascii'),
    Buffer.from([1, 1, cost.logN, cost.r, cost.p]),
    salt,
    check,
    iv,
  ])
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 })
  cipher.setAAD(header)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return Buffer.concat([header, body, cipher.getAuthTag()])
}

/** A stand-in for msal's TokenCacheContext: what the plugin uses of it. */
function context(serialized: string | null, changed: boolean) {
  const seen: string[] = []
  const ctx = {
    cacheHasChanged: changed,
    tokenCache: {
      serialize: () => serialized ?? '{}',
      deserialize: (s: string) => void seen.push(s),
    },
  }
  return { ctx: ctx as unknown as TokenCacheContext, seen }
}

async function caught(p: Promise<unknown>): Promise<PassageError> {
  try {
    await p
  } catch (e) {
    if (e instanceof PassageError) return e
    throw e
  }
  throw new Error('expected a PassageError')
}

/** Nothing secret in an error, in any of its forms. */
function expectClean(e: PassageError, ...secrets: string[]): void {
  const text = [e.message, e.hint, JSON.stringify(e.toJSON()), String(e.cause ?? '')].join('\n')
  for (const s of secrets) expect(text).not.toContain(s)
}

describe('sealTokenCache / openTokenCache', () => {
  it('round-trips, with a new salt and IV every time', async () => {
    const a = await sealTokenCache(CACHE, PASS, CHEAP)
    const b = await sealTokenCache(CACHE, PASS, CHEAP)
    expect(a.equals(b)).toBe(false)
    expect(a.subarray(0, 8).toString('ascii')).toBe('PSGTOKEN')
    expect(a[8]).toBe(TOKEN_CACHE_VERSION)
    expect(await openTokenCache(a, PASS)).toBe(CACHE)
    expect(await openTokenCache(b, PASS)).toBe(CACHE)
  })

  it('holds no plaintext: neither the tokens nor the account', async () => {
    const sealed = await sealTokenCache(CACHE, PASS, CHEAP)
    for (const secret of [REFRESH, ACCESS, 'exchange@contoso', 'RefreshToken', 'secret']) {
      expect(sealed.includes(Buffer.from(secret))).toBe(false)
      expect(sealed.toString('base64')).not.toContain(Buffer.from(secret).toString('base64'))
    }
  })

  it('refuses a wrong passphrase with PASSAGE_E_TOKEN_CACHE_LOCKED, saying nothing of the content', async () => {
    const sealed = await sealTokenCache(CACHE, PASS, CHEAP)
    const e = await caught(openTokenCache(sealed, 'Tr0ub4dor&3-mistyped', '/x/tokens.cache'))
    expect(e.code).toBe('PASSAGE_E_TOKEN_CACHE_LOCKED')
    expect(e.kind).toBe('user')
    expect(e.message).toContain('/x/tokens.cache')
    expect(e.hint).toContain('--sign-out')
    expectClean(e, REFRESH, ACCESS, PASS, 'Tr0ub4dor&3-mistyped')
  })

  it('refuses a changed ciphertext, tag, header or version with PASSAGE_E_TOKEN_CACHE_CORRUPT', async () => {
    const sealed = await sealTokenCache(CACHE, PASS, CHEAP)
    const flip = (at: number) => {
      const b = Buffer.from(sealed)
      b[at] = b[at]! ^ 0x01
      return b
    }
    const cases: [string, Buffer, string][] = [
      ['ciphertext', flip(60), 'PASSAGE_E_TOKEN_CACHE_CORRUPT'],
      ['tag', flip(sealed.length - 1), 'PASSAGE_E_TOKEN_CACHE_CORRUPT'],
      ['IV (authenticated header)', flip(50), 'PASSAGE_E_TOKEN_CACHE_CORRUPT'],
      ['magic', flip(0), 'PASSAGE_E_TOKEN_CACHE_CORRUPT'],
      ['version', flip(8), 'PASSAGE_E_TOKEN_CACHE_CORRUPT'],
      ['truncated', sealed.subarray(0, 40), 'PASSAGE_E_TOKEN_CACHE_CORRUPT'],
      ['appended', Buffer.concat([sealed, Buffer.from([0])]), 'PASSAGE_E_TOKEN_CACHE_CORRUPT'],
      // The header sum tells a damaged salt or cost from a wrong passphrase.
      ['salt', flip(20), 'PASSAGE_E_TOKEN_CACHE_CORRUPT'],
      ['cost', flip(11), 'PASSAGE_E_TOKEN_CACHE_CORRUPT'],
      ['header sum', flip(30), 'PASSAGE_E_TOKEN_CACHE_CORRUPT'],
    ]
    for (const [what, data, code] of cases) {
      const e = await caught(openTokenCache(data, PASS))
      expect(e.code, what).toBe(code)
      expect(e.cause, what).toBeUndefined()
      expectClean(e, REFRESH, ACCESS, PASS)
    }
  })

  it('refuses key-derivation parameters a changed header could use to stall it', async () => {
    const sealed = Buffer.from(await sealTokenCache(CACHE, PASS, CHEAP))
    sealed[10] = 40 // N = 2^40
    const e = await caught(openTokenCache(sealed, PASS))
    expect(e.code).toBe('PASSAGE_E_TOKEN_CACHE_CORRUPT')
  })

  it('refuses a plaintext file', async () => {
    const e = await caught(openTokenCache(Buffer.from(CACHE), PASS, 'tokens.cache'))
    expect(e.code).toBe('PASSAGE_E_TOKEN_CACHE_CORRUPT')
    expect(e.message).toContain('not a passage token cache')
    expectClean(e, REFRESH, ACCESS)
  })

  it('uses the default cost (2^17) when none is given', async () => {
    const sealed = await sealTokenCache('{}', PASS)
    expect(sealed[10]).toBe(17)
    expect(await openTokenCache(sealed, PASS)).toBe('{}')
  })
})

describe('checkPassphrase', () => {
  it('refuses a missing or short passphrase, without echoing it', () => {
    for (const p of [undefined, '', 'x7Qz9', 'eleven-char']) {
      let err: unknown
      try {
        checkPassphrase(p)
      } catch (e) {
        err = e
      }
      expect(isPassageError(err, 'PASSAGE_E_TOKEN_CACHE_KEY')).toBe(true)
      expect((err as PassageError).hint).toContain('PASSAGE_TOKEN_CACHE_KEY')
      if (p) expect((err as PassageError).message).not.toContain(p)
    }
    expect(checkPassphrase(PASS)).toBe(PASS)
  })
})

describe('fileTokenCache (the msal plugin)', () => {
  let dir: string
  let file: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passage-tc-'))
    file = join(dir, 'nested', 'tokens.cache')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('writes the file encrypted, mode 0600 in a new 0700 folder, atomically', async () => {
    const plugin = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    await plugin.beforeCacheAccess(context(null, false).ctx) // no file yet: nothing to load
    await plugin.afterCacheAccess(context(CACHE, true).ctx)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700)
    expect(readdirSync(join(dir, 'nested'))).toEqual(['tokens.cache']) // no temp file left
    const bytes = readFileSync(file)
    expect(bytes.includes(Buffer.from(REFRESH))).toBe(false)
    expect(bytes.includes(Buffer.from(ACCESS))).toBe(false)
    expect(bytes.toString('latin1')).not.toContain('exchange@')
    expect(await openTokenCache(bytes, PASS)).toBe(CACHE)
  })

  it('writes only when msal says the cache changed, with a new IV each time', async () => {
    const plugin = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    await plugin.afterCacheAccess(context(CACHE, false).ctx)
    expect(() => statSync(file)).toThrow()
    await plugin.afterCacheAccess(context(CACHE, true).ctx)
    const first = readFileSync(file)
    await plugin.afterCacheAccess(context(CACHE, true).ctx)
    const second = readFileSync(file)
    expect(first.equals(second)).toBe(false)
    // The salt (and so the derived key) is kept; only the IV and ciphertext change.
    expect(first.subarray(13, 29).equals(second.subarray(13, 29))).toBe(true)
  })

  it('opens a version 1 file (older passage) and saves it again as version 2 at the current cost', async () => {
    mkdirSync(join(dir, 'nested'))
    writeFileSync(file, await sealVersion1(CACHE, PASS, { logN: 10, r: 8, p: 1 }))
    const plugin = fileTokenCache({ path: file, passphrase: PASS, cost: { logN: 11, r: 8, p: 1 } })
    const { ctx, seen } = context(CACHE, false)
    await plugin.beforeCacheAccess(ctx)
    expect(seen).toEqual([CACHE])
    // Nothing changed in msal's cache, but the file is outdated: it is written again.
    await plugin.afterCacheAccess(ctx)
    const bytes = readFileSync(file)
    expect(bytes[8]).toBe(TOKEN_CACHE_VERSION)
    expect(bytes[10]).toBe(11)
    expect(await openTokenCache(bytes, PASS)).toBe(CACHE)
  })

  it('takes group and other access off an existing folder of the user’s', async () => {
    mkdirSync(join(dir, 'nested'), { mode: 0o755 })
    chmodSync(join(dir, 'nested'), 0o755)
    const plugin = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    await plugin.afterCacheAccess(context(CACHE, true).ctx)
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700)
  })

  it('loads the file into msal in another process (another plugin instance)', async () => {
    const writer = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    await writer.afterCacheAccess(context(CACHE, true).ctx)
    const reader = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    const { ctx, seen } = context(null, false)
    await reader.beforeCacheAccess(ctx)
    expect(seen).toEqual([CACHE])
  })

  it('refuses a wrong passphrase, and then never overwrites the file', async () => {
    const writer = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    await writer.afterCacheAccess(context(CACHE, true).ctx)
    const before = readFileSync(file)
    const other = fileTokenCache({ path: file, passphrase: 'Tr0ub4dor&3-wrong', cost: CHEAP })
    const { ctx, seen } = context('{"other":1}', true)
    const e = await caught(other.beforeCacheAccess(ctx))
    expect(e.code).toBe('PASSAGE_E_TOKEN_CACHE_LOCKED')
    expect(e.message).toContain(file)
    expectClean(e, REFRESH, ACCESS, PASS, 'Tr0ub4dor&3-wrong')
    expect(seen).toEqual([])
    await other.afterCacheAccess(ctx) // msal calls it in a finally
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('check() reads and verifies the file without touching msal', async () => {
    const writer = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    await writer.check() // no file: nothing to check
    await writer.afterCacheAccess(context(CACHE, true).ctx)
    await writer.check()
    const other = fileTokenCache({ path: file, passphrase: 'Tr0ub4dor&3-other', cost: CHEAP })
    expect((await caught(other.check())).code).toBe('PASSAGE_E_TOKEN_CACHE_LOCKED')
  })

  it('refuses a tampered file', async () => {
    const writer = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    await writer.afterCacheAccess(context(CACHE, true).ctx)
    const bytes = readFileSync(file)
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff
    writeFileSync(file, bytes)
    const reader = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    const e = await caught(reader.beforeCacheAccess(context(null, false).ctx))
    expect(e.code).toBe('PASSAGE_E_TOKEN_CACHE_CORRUPT')
    expectClean(e, REFRESH, ACCESS, PASS)
  })

  it('refuses to exist without a passphrase', () => {
    let err: unknown
    try {
      fileTokenCache({ path: file, passphrase: '' })
    } catch (e) {
      err = e
    }
    expect(isPassageError(err, 'PASSAGE_E_TOKEN_CACHE_KEY')).toBe(true)
  })

  it('deletes the file (sign-out); deleting nothing is not an error', async () => {
    const plugin = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    await plugin.afterCacheAccess(context(CACHE, true).ctx)
    expect(plugin.delete()).toBe(true)
    expect(() => statSync(file)).toThrow()
    expect(plugin.delete()).toBe(false)
    expect(deleteTokenCacheFile(join(dir, 'none'))).toBe(false)
  })
})

describe('fileTokenCache with a key kept in a secret store', () => {
  let dir: string
  let file: string
  const KEY = randomBytes(32)
  const where = 'the test keyring'

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passage-tc-key-'))
    file = join(dir, 'tokens.cache')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('round-trips without scrypt, holds no plaintext, and never the key', async () => {
    const writer = fileTokenCache({ path: file, storedKey: { key: KEY, where } })
    expect(writer.keyKind).toBe('stored-key')
    await writer.afterCacheAccess(context(CACHE, true).ctx)
    const bytes = readFileSync(file)
    expect(bytes[9]).toBe(2) // kdf id: HKDF of a stored key
    const text = bytes.toString('latin1')
    for (const secret of [REFRESH, ACCESS, 'exchange@contoso', KEY.toString('base64')])
      expect(text).not.toContain(secret)
    expect(bytes.includes(KEY)).toBe(false)
    const reader = fileTokenCache({ path: file, storedKey: { key: Buffer.from(KEY), where } })
    const { ctx, seen } = context(null, false)
    await reader.beforeCacheAccess(ctx)
    expect(seen).toEqual([CACHE])
  })

  it('another key, or a passphrase, is LOCKED and says which kind wrote the file', async () => {
    const writer = fileTokenCache({ path: file, storedKey: { key: KEY, where } })
    await writer.afterCacheAccess(context(CACHE, true).ctx)
    const other = fileTokenCache({ path: file, storedKey: { key: randomBytes(32), where } })
    const e1 = await caught(other.check())
    expect(e1.code).toBe('PASSAGE_E_TOKEN_CACHE_LOCKED')
    expect(e1.message).toContain(`another key than the one in ${where}`)
    const withPass = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    const e2 = await caught(withPass.check())
    expect(e2.code).toBe('PASSAGE_E_TOKEN_CACHE_LOCKED')
    expect(e2.message).toContain("key kept in the system's secret store")
    expectClean(e1, KEY.toString('base64'), REFRESH)
  })

  it('a passphrase file opened with a stored key is LOCKED, naming the passphrase', async () => {
    const writer = fileTokenCache({ path: file, passphrase: PASS, cost: CHEAP })
    await writer.afterCacheAccess(context(CACHE, true).ctx)
    const e = await caught(fileTokenCache({ path: file, storedKey: { key: KEY, where } }).check())
    expect(e.code).toBe('PASSAGE_E_TOKEN_CACHE_LOCKED')
    expect(e.message).toContain('written with a passphrase (PASSAGE_TOKEN_CACHE_KEY)')
  })

  it('refuses a key of the wrong length', () => {
    expect(() =>
      fileTokenCache({ path: file, storedKey: { key: randomBytes(16), where } }),
    ).toThrow(PassageError)
  })
})
