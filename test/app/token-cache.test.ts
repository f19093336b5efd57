/**
 * The opt-in token cache through session.ts against the sandbox: a device-code connect with the
 * cache on writes an encrypted file; a later session signs in silently from it (no code); a
 * missing passphrase is refused before any code is shown; a wrong one is a clear error; sign-out
 * deletes the file.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { discover } from '../../src/app/discover.js'
import {
  connect,
  deleteTokenCache,
  loadProfile,
  newProfile,
  openSession,
  tokenCachePath,
  tokenCacheWanted,
  type ConnectionProfile,
} from '../../src/app/session.js'
import { isPassageError } from '../../src/core/errors/index.js'
import type { DeviceCodePrompt } from '../../src/exchange/index.js'
import type { Store } from '../../src/store/index.js'
import { approveDeviceCode } from '../exchange/sandbox-helpers.js'
import { memoryStore, sandbox, tenantNamed, type Sandbox } from './helpers.js'

const KEY = 'a long passphrase for the tests'
const CHEAP = { logN: 10, r: 8, p: 1 }
/** No system secret store in these tests, whatever the machine has. */
const NO_STORE = () => Promise.resolve({ store: null, why: 'none in this test' })

describe('the token cache with a device-code connection', () => {
  let s: Sandbox
  let store: Store
  let dir: string
  let env: Record<string, string>
  let saved: ConnectionProfile
  let name: string

  beforeAll(async () => {
    s = await sandbox()
    store = await memoryStore()
    dir = mkdtempSync(join(tmpdir(), 'passage-tc-app-'))
    env = { PASSAGE_TOKEN_CACHE_KEY: KEY, PASSAGE_TOKEN_CACHE_FILE: join(dir, 'p', 'tokens.cache') }
    name = tenantNamed(s, 'contoso').snapshot.tenant.name
  })

  afterAll(async () => {
    await store?.close()
    await s?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('refuses to start without PASSAGE_TOKEN_CACHE_KEY, before any device code', async () => {
    const codes: DeviceCodePrompt[] = []
    const profile = newProfile({
      tenant: name,
      sandboxUrl: s.sb.url,
      auth: { kind: 'device' },
      tokenCache: true,
    })
    const e = await connect(store, profile, {
      caPem: s.sb.caPem,
      // --token-cache insists on a cache: no secret store, the key agent off, no passphrase.
      env: { PASSAGE_TOKEN_CACHE_FILE: env.PASSAGE_TOKEN_CACHE_FILE!, PASSAGE_KEY_AGENT: '0' },
      secretStore: NO_STORE,
      onCode: (p) => void codes.push(p),
    }).catch((x: unknown) => x)
    expect(isPassageError(e, 'PASSAGE_E_TOKEN_CACHE_KEY')).toBe(true)
    expect(codes).toEqual([])
    expect(() => statSync(env.PASSAGE_TOKEN_CACHE_FILE!)).toThrow()
  })

  it('a damaged cache is said and replaced before the new device code', async () => {
    const file = join(dir, 'damaged.cache')
    writeFileSync(file, 'PSGTOKEN\u0001 not really')
    const said: string[] = []
    const ac = new AbortController()
    const profile = newProfile({
      tenant: name,
      sandboxUrl: s.sb.url,
      auth: { kind: 'device' },
      tokenCache: true,
    })
    const e = await connect(store, profile, {
      caPem: s.sb.caPem,
      env: { ...env, PASSAGE_TOKEN_CACHE_FILE: file },
      onStale: (why) => said.push(`stale: ${why}`),
      onCode: () => {
        said.push('code')
        ac.abort()
      },
      signal: ac.signal,
    }).catch((x: unknown) => x)
    expect(isPassageError(e, 'PASSAGE_E_SIGNIN')).toBe(true)
    expect(said).toHaveLength(2)
    expect(said[0]).toMatch(/^stale: the token cache file is damaged or was changed/)
    expect(said[1]).toBe('code')
    expect(() => statSync(file)).toThrow()
  })

  it('connect writes the encrypted cache; the next session signs in silently', async () => {
    const upn = `exchange@${name}`
    let approval: Promise<void> = Promise.resolve()
    const codes: string[] = []
    const first = await connect(
      store,
      newProfile({
        tenant: name,
        sandboxUrl: s.sb.url,
        auth: { kind: 'device' },
        tokenCache: true,
      }),
      {
        caPem: s.sb.caPem,
        env,
        tokenCacheCost: CHEAP,
        onCode: (p) => {
          codes.push(p.userCode)
          approval = approveDeviceCode(s, p.userCode, upn)
        },
      },
    )
    await approval
    first.close()
    expect(codes).toHaveLength(1)
    expect(first.fromCache).toBe(false)
    expect(first.tokenCache).toBe(env.PASSAGE_TOKEN_CACHE_FILE)

    const file = env.PASSAGE_TOKEN_CACHE_FILE!
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'p')).mode & 0o777).toBe(0o700)
    const bytes = readFileSync(file).toString('latin1')
    expect(bytes.startsWith('PSGTOKEN')).toBe(true)
    expect(bytes).not.toContain(upn)
    expect(bytes).not.toContain('eyJ') // no JWT
    expect(bytes).not.toContain('RefreshToken')

    // The store has the flag, never the key.
    saved = await loadProfile(store)
    expect(saved.tokenCache).toBe(true)
    const rec = await store.getConnection()
    expect(JSON.stringify(rec)).not.toContain(KEY)

    const second = await openSession(saved, {
      caPem: s.sb.caPem,
      env,
      onCode: () => {
        throw new Error('no device code may be asked for')
      },
    })
    try {
      expect(second.fromCache).toBe(true)
      expect(second.actor).toBe(upn)
      expect(second.tenantId).toBe(saved.tenantId)
      const d = await discover(second, store)
      expect(d.snapshot.tenant.name).toBe(name)
    } finally {
      second.close()
    }
  })

  it('with the cache off (PASSAGE_TOKEN_CACHE=0), a device code is asked for again', async () => {
    expect(tokenCacheWanted(saved, { PASSAGE_TOKEN_CACHE: '0' })).toBe(false)
    expect(tokenCacheWanted({ ...saved, tokenCache: false }, { PASSAGE_TOKEN_CACHE: '1' })).toBe(
      true,
    )
    const codes: string[] = []
    let approval: Promise<void> = Promise.resolve()
    const session = await openSession(saved, {
      caPem: s.sb.caPem,
      env: { ...env, PASSAGE_TOKEN_CACHE: '0' },
      onCode: (p) => {
        codes.push(p.userCode)
        approval = approveDeviceCode(s, p.userCode, `exchange@${name}`)
      },
    })
    await approval
    session.close()
    expect(codes).toHaveLength(1)
    expect(session.fromCache).toBe(false)
    expect(session.tokenCache).toBeNull()
  })

  it('a changed passphrase says why it asks again, never the passphrase', async () => {
    const said: string[] = []
    const ac = new AbortController()
    const e = await openSession(saved, {
      caPem: s.sb.caPem,
      env: { ...env, PASSAGE_TOKEN_CACHE_KEY: 'not the right passphrase' },
      onStale: (why) => said.push(why),
      onCode: () => ac.abort(),
      signal: ac.signal,
    }).catch((x: unknown) => x)
    expect(isPassageError(e, 'PASSAGE_E_SIGNIN')).toBe(true)
    expect(said).toEqual([
      'the token cache was written with another passphrase than PASSAGE_TOKEN_CACHE_KEY (or with a key from a secret store); it is replaced',
    ])
    expect(JSON.stringify(e)).not.toContain('not the right passphrase')
    // The next session (right passphrase) finds no cache and says so.
    expect(() => statSync(env.PASSAGE_TOKEN_CACHE_FILE!)).toThrow()
  })

  it('another account in the cache, or an expired sign-in, is said before the new code', async () => {
    const upn = `exchange@${name}`
    let approval: Promise<void> = Promise.resolve()
    const fresh = await openSession(saved, {
      caPem: s.sb.caPem,
      env,
      tokenCacheCost: CHEAP,
      onCode: (p) => {
        approval = approveDeviceCode(s, p.userCode, upn)
      },
    })
    await approval
    fresh.close()
    const said: string[] = []
    const ac = new AbortController()
    await openSession(
      { ...saved, lastActor: `security@${name}` },
      {
        caPem: s.sb.caPem,
        env,
        onStale: (why) => said.push(why),
        onCode: () => ac.abort(),
        signal: ac.signal,
      },
    ).catch(() => undefined)
    expect(said).toEqual([`the saved sign-in is of another account (${upn}), not security@${name}`])
  })

  it('sign-out deletes the file; the next session asks for a device code', async () => {
    const quiet = { ...env, PASSAGE_KEY_AGENT_SOCKET: join(dir, 'no-agent', 'agent.sock') }
    expect(await deleteTokenCache(quiet, { secretStore: NO_STORE })).toEqual({
      file: env.PASSAGE_TOKEN_CACHE_FILE,
      deleted: true,
      keyDeleted: false,
    })
    expect((await deleteTokenCache(quiet, { secretStore: NO_STORE })).deleted).toBe(false)
    const upn = `exchange@${name}`
    let approval: Promise<void> = Promise.resolve()
    const codes: string[] = []
    const again = await openSession(saved, {
      caPem: s.sb.caPem,
      env,
      tokenCacheCost: CHEAP,
      onCode: (p) => {
        codes.push(p.userCode)
        approval = approveDeviceCode(s, p.userCode, upn)
      },
    })
    await approval
    again.close()
    expect(codes).toHaveLength(1)
    expect(again.fromCache).toBe(false)
    expect(statSync(env.PASSAGE_TOKEN_CACHE_FILE!).isFile()).toBe(true)
  })

  it('defaults to ~/.passage/tokens.cache', () => {
    expect(tokenCachePath({}, '/home/a')).toBe('/home/a/.passage/tokens.cache')
    expect(tokenCachePath({ PASSAGE_TOKEN_CACHE_FILE: '~/t.cache' }, '/home/a')).toBe(
      '/home/a/t.cache',
    )
  })
})
