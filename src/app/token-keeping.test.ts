import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isPassageError, PassageError } from '../core/errors/index.js'
import { staleReason, type FileTokenCache, type SecretStore } from '../exchange/index.js'
import { newProfile, type ConnectionProfile } from './session.js'
import {
  chooseTokenKeeping,
  staleCacheReason,
  tokenCacheWanted,
  tokenKeepingLine,
  type TokenKeeping,
} from './token-keeping.js'

/** Writes a token cache through msal's plugin interface, as a sign-in does. */
async function writeTokens(cache: FileTokenCache): Promise<void> {
  await cache.afterCacheAccess({
    cacheHasChanged: true,
    tokenCache: { serialize: () => '{"Account":{}}' },
  } as unknown as Parameters<FileTokenCache['afterCacheAccess']>[0])
}

/** A secret store in memory. */
function memoryStore(name: string): SecretStore & { value: string | null } {
  const s = {
    name,
    value: null as string | null,
    get: () => Promise.resolve(s.value),
    set: (v: string) => {
      s.value = v
      return Promise.resolve()
    },
    delete: () => Promise.resolve(s.value !== null && ((s.value = null), true)),
  }
  return s
}

const device = (extra: Partial<Parameters<typeof newProfile>[0]> = {}): ConnectionProfile =>
  newProfile({ tenant: 'contoso.onmicrosoft.com', auth: { kind: 'device' }, ...extra })

describe('chooseTokenKeeping: where a device-code sign-in is kept between commands', () => {
  let dir: string
  let env: Record<string, string>
  const noStore = () => Promise.resolve({ store: null, why: 'no D-Bus session (test)' })

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passage-keep-'))
    env = { PASSAGE_TOKEN_CACHE_FILE: join(dir, 'tokens.cache') }
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('the system secret store by default, with a random key it keeps there', async () => {
    const keyring = memoryStore('the macOS Keychain')
    const r = await chooseTokenKeeping(device(), env, {
      secretStore: () => Promise.resolve({ store: keyring }),
    })
    expect(r.keeping).toEqual({
      kind: 'secret-store',
      file: env.PASSAGE_TOKEN_CACHE_FILE,
      store: 'the macOS Keychain',
    })
    expect(r.cache?.keyKind).toBe('stored-key')
    expect(Buffer.from(keyring.value!, 'base64')).toHaveLength(32)
    expect(tokenKeepingLine(r.keeping)).toContain('with the key in the macOS Keychain')
  })

  it('PASSAGE_TOKEN_CACHE_KEY wins: the passphrase cache, without asking any store', async () => {
    let asked = false
    const r = await chooseTokenKeeping(
      device(),
      { ...env, PASSAGE_TOKEN_CACHE_KEY: 'a passphrase long enough' },
      {
        secretStore: () => {
          asked = true
          return noStore()
        },
      },
    )
    expect(r.keeping.kind).toBe('passphrase')
    expect(r.cache?.keyKind).toBe('passphrase')
    expect(asked).toBe(false)
  })

  it('no secret store: the key agent, saying why once (the line connect prints)', async () => {
    const agent = memoryStore("passage's key agent (in memory, for this login)")
    const r = await chooseTokenKeeping(device(), env, {
      secretStore: noStore,
      agentStore: agent,
      platform: 'linux',
    })
    expect(r.keeping).toMatchObject({ kind: 'agent', idleHours: 8 })
    expect(agent.value).not.toBeNull()
    expect(tokenKeepingLine(r.keeping)).toMatch(
      /^This machine has no secret store \(no D-Bus session \(test\)\)\. Tokens are kept encrypted in .*key agent, for 8 hours unused/,
    )
  })

  it('memory, and why, when the agent is off or fails; --token-cache refuses instead', async () => {
    const off = await chooseTokenKeeping(
      device(),
      { ...env, PASSAGE_KEY_AGENT: '0' },
      { secretStore: noStore, platform: 'linux' },
    )
    expect(off.keeping).toEqual({
      kind: 'memory',
      why: 'no secret store on this machine: no D-Bus session (test)',
    })
    expect(tokenKeepingLine(off.keeping)).toMatch(/each command asks for a new code/)
    const broken: SecretStore = {
      name: 'agent',
      get: () => Promise.resolve(null),
      set: () => Promise.reject(new Error('the key agent did not start')),
      delete: () => Promise.resolve(false),
    }
    const failed = await chooseTokenKeeping(device(), env, {
      secretStore: noStore,
      agentStore: broken,
      platform: 'linux',
    })
    expect(failed.keeping.kind).toBe('memory')
    const e = await chooseTokenKeeping(device({ tokenCache: true }), env, {
      secretStore: noStore,
      agentStore: broken,
      platform: 'linux',
    }).catch((x: unknown) => x)
    expect(isPassageError(e, 'PASSAGE_E_TOKEN_CACHE_KEY')).toBe(true)
  })

  it('a locked keyring over a saved sign-in: memory, saying why, and the file left for when it is unlocked', async () => {
    const keyring = memoryStore('the Secret Service keyring (libsecret)')
    const first = await chooseTokenKeeping(device(), env, {
      secretStore: () => Promise.resolve({ store: keyring }),
    })
    await writeTokens(first.cache!)
    const saved = readFileSync(env.PASSAGE_TOKEN_CACHE_FILE!)
    const locked = () =>
      Promise.resolve({
        store: null,
        why: 'the keyring is locked (test)',
        reason: 'locked' as const,
      })
    const agent = memoryStore("passage's key agent (in memory, for this login)")
    const r = await chooseTokenKeeping(device(), env, {
      secretStore: locked,
      agentStore: agent,
      platform: 'linux',
    })
    expect(r.cache).toBeNull()
    expect(r.keeping).toMatchObject({ kind: 'memory', why: 'the keyring is locked (test)' })
    expect(r.keeping.kind === 'memory' && r.keeping.unusable).toMatch(
      /^the saved sign-in's key is in .+, which is locked: unlock it/,
    )
    expect(readFileSync(env.PASSAGE_TOKEN_CACHE_FILE!)).toEqual(saved)
    // A cache the agent can open (written while the keyring was locked) is used as before.
    rmSync(env.PASSAGE_TOKEN_CACHE_FILE!)
    const viaAgent = await chooseTokenKeeping(device(), env, {
      secretStore: locked,
      agentStore: agent,
      platform: 'linux',
    })
    expect(viaAgent.keeping.kind).toBe('agent')
    await writeTokens(viaAgent.cache!)
    const again = await chooseTokenKeeping(device(), env, {
      secretStore: locked,
      agentStore: agent,
      platform: 'linux',
    })
    expect(again.keeping).toMatchObject({ kind: 'agent', noStore: 'the keyring is locked (test)' })
  })

  it('memory for the wizard and demo (no environment), app-only, --no-token-cache and PASSAGE_TOKEN_CACHE=0', async () => {
    const kinds = await Promise.all([
      chooseTokenKeeping(device(), undefined),
      chooseTokenKeeping(
        newProfile({
          tenant: 'contoso.onmicrosoft.com',
          auth: { kind: 'certificate', clientId: 'x', certificateFile: 'c', keyFile: 'k' },
        }),
        env,
      ),
      chooseTokenKeeping(device({ memoryOnly: true }), env),
      chooseTokenKeeping(device(), { ...env, PASSAGE_TOKEN_CACHE: '0' }),
    ])
    expect(kinds.map((k) => k.keeping.kind)).toEqual(['memory', 'memory', 'memory', 'memory'])
    expect(tokenCacheWanted(device({ memoryOnly: true }), { PASSAGE_TOKEN_CACHE: '1' })).toBe(true)
  })
})

describe('why a saved sign-in is not used', () => {
  const agent: TokenKeeping = {
    kind: 'agent',
    file: 'f',
    store: 'agent',
    idleHours: 8,
    noStore: 'x',
  }
  const locked = new PassageError('PASSAGE_E_TOKEN_CACHE_LOCKED', 'The token cache f was ...')
  it('names a changed passphrase, an ended agent, a changed key, a damaged file', () => {
    expect(staleCacheReason(locked, { kind: 'passphrase', file: 'f' })).toMatch(
      /another passphrase than PASSAGE_TOKEN_CACHE_KEY/,
    )
    expect(staleCacheReason(locked, agent)).toMatch(/key agent .* has ended \(8 hours unused/)
    expect(
      staleCacheReason(locked, { kind: 'secret-store', file: 'f', store: 'the macOS Keychain' }),
    ).toMatch(/another key than the one in the macOS Keychain/)
    const corrupt = new PassageError(
      'PASSAGE_E_TOKEN_CACHE_CORRUPT',
      'The token cache f cannot be read: it is truncated.',
    )
    expect(staleCacheReason(corrupt, agent)).toBe(
      'the token cache file is damaged or was changed (it is truncated); it is replaced',
    )
    expect(staleCacheReason(new Error('other'), agent)).toBeNull()
  })

  it("names an expired or revoked refresh token from Entra's code", () => {
    expect(
      staleReason({
        errorCode: 'invalid_grant',
        errorMessage: 'AADSTS700082: The refresh token has expired due to inactivity.',
      }),
    ).toBe('the saved sign-in expired (AADSTS700082)')
    expect(staleReason({ errorMessage: 'AADSTS50173: The provided grant has expired' })).toMatch(
      /^the saved sign-in (expired|was revoked)/,
    )
    expect(staleReason({ errorMessage: 'AADSTS50076: multi-factor required' })).toMatch(
      /multi-factor or Conditional Access/,
    )
    expect(staleReason({ errorCode: 'no_tokens_found' })).toBe(
      'the token cache holds no refresh token for this account',
    )
  })
})
