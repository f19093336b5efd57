/**
 * Where the CLI keeps a device-code sign-in between commands, so that a working session asks for
 * one sign-in. The tokens are always in one file (msal's cache), encrypted with AES-256-GCM
 * (token-cache.ts); what changes is where its key is:
 *
 * 1. PASSAGE_TOKEN_CACHE_KEY set: a key derived from that passphrase (scrypt), as before. The
 *    admin's explicit choice wins, and works across restarts on any machine.
 * 2. The system's secret store (macOS Keychain, Windows Credential Manager / DPAPI, a Secret
 *    Service keyring over D-Bus on Linux): a random 256-bit key kept there. The default.
 * 3. No secret store (SSH, WSL, containers, this kind of build machine): passage's key agent, a
 *    background process of the user's that holds the random key in memory for 8 hours unused
 *    (key-agent.ts), like ssh-agent. The key never touches the disk; a restart or logout ends it.
 * 4. Otherwise (the agent is turned off with PASSAGE_KEY_AGENT=0, or fails): memory only; each
 *    command signs in again. `connect --token-cache` refuses instead, as it insists on a cache.
 *
 * PASSAGE_TOKEN_CACHE=0 or `connect --no-token-cache` keeps tokens in memory only. The wizard and
 * the demo (no environment given) keep their sign-in in memory: their process lives for the
 * whole session. App-only (certificate) sign-in needs no cache: it is silent anyway. Nothing of
 * a key or a token is ever put in the store, a log or an error.
 */
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { isPassageError, type PassageError } from '../core/errors/index.js'
import {
  agentSocketPath,
  cacheKeyFrom,
  checkPassphrase,
  deleteTokenCacheFile,
  fileTokenCache,
  keyAgentStore,
  openSecretStore,
  storeName,
  type FileTokenCache,
  type ScryptCost,
  type SecretStore,
  type SecretStoreProbe,
} from '../exchange/index.js'
import type { ConnectionProfile } from './session.js'

type Env = Record<string, string | undefined>

/** Where tokens are kept between commands, and why there. */
export type TokenKeeping =
  | { kind: 'secret-store'; file: string; store: string }
  | { kind: 'agent'; file: string; store: string; idleHours: number; noStore: string }
  | { kind: 'passphrase'; file: string }
  | {
      kind: 'memory'
      why: string
      /** A saved sign-in exists but cannot be opened now, and why (said before the new code). */
      unusable?: string
    }

/** The cache plugin (null in memory) and where its key is. */
export interface TokenChoice {
  cache: FileTokenCache | null
  keeping: TokenKeeping
}

/**
 * The token cache file: PASSAGE_TOKEN_CACHE_FILE (a leading `~/` is the home folder), else
 * ~/.passage/tokens.cache.
 */
export function tokenCachePath(env: Env = process.env, home: string = homedir()): string {
  const fromEnv = env.PASSAGE_TOKEN_CACHE_FILE?.trim()
  if (fromEnv) return fromEnv.startsWith('~/') ? join(home, fromEnv.slice(2)) : fromEnv
  return join(home, '.passage', 'tokens.cache')
}

const ON = ['1', 'true', 'yes', 'on']
const OFF = ['0', 'false', 'no', 'off']

/**
 * Whether a profile may keep tokens between commands: PASSAGE_TOKEN_CACHE=0 (or false, no, off)
 * never, =1 always; otherwise yes unless the profile says memory (`connect --no-token-cache`).
 */
export function tokenCacheWanted(profile: ConnectionProfile, env: Env = process.env): boolean {
  const v = env.PASSAGE_TOKEN_CACHE?.trim().toLowerCase()
  if (v && ON.includes(v)) return true
  if (v && OFF.includes(v)) return false
  return profile.tokenStore !== 'memory' || profile.tokenCache
}

/** True when a cache is insisted on (`connect --token-cache`, PASSAGE_TOKEN_CACHE=1). */
function cacheRequired(profile: ConnectionProfile, env: Env): boolean {
  const v = env.PASSAGE_TOKEN_CACHE?.trim().toLowerCase()
  return profile.tokenCache || (v !== undefined && ON.includes(v))
}

/** The agent's idle lifetime in seconds (PASSAGE_KEY_AGENT_IDLE, default 8 hours). */
function agentIdleSeconds(env: Env): number {
  const n = Number(env.PASSAGE_KEY_AGENT_IDLE)
  return Number.isFinite(n) && n > 0 ? Math.min(n, 7 * 24 * 3600) : 8 * 3600
}

/** Options of chooseTokenKeeping. */
export interface ChooseOptions {
  cost?: ScryptCost
  /** Opens the system's secret store (default: the real one, for `env`). */
  secretStore?: () => Promise<SecretStoreProbe>
  /** The key agent (tests give one in process; default: the real one, started when needed). */
  agentStore?: SecretStore
  platform?: NodeJS.Platform
}

/**
 * Chooses where a profile's tokens are kept (see the module comment). `env` absent (the wizard,
 * the demo): memory.
 */
export async function chooseTokenKeeping(
  profile: ConnectionProfile,
  env: Env | undefined,
  opts: ChooseOptions = {},
): Promise<TokenChoice> {
  const memory = (why: string): TokenChoice => ({ cache: null, keeping: { kind: 'memory', why } })
  if (profile.auth.kind !== 'device')
    return memory('app-only sign-in is silent: nothing needs keeping')
  if (env === undefined) return memory('this front end keeps its sign-in for as long as it runs')
  if (!tokenCacheWanted(profile, env))
    return memory('turned off (PASSAGE_TOKEN_CACHE=0 or `connect --no-token-cache`)')
  const file = tokenCachePath(env)
  if (env.PASSAGE_TOKEN_CACHE_KEY !== undefined) {
    const cache = fileTokenCache({
      path: file,
      passphrase: checkPassphrase(env.PASSAGE_TOKEN_CACHE_KEY),
      ...(opts.cost ? { cost: opts.cost } : {}),
    })
    return { cache, keeping: { kind: 'passphrase', file } }
  }
  const probe = await (opts.secretStore ?? (() => openSecretStore({ env })))()
  if (probe.store) {
    const cache = await storedKeyCache(file, probe.store)
    return { cache, keeping: { kind: 'secret-store', file, store: probe.store.name } }
  }
  if (probe.reason === 'locked' && existsSync(file)) {
    // The saved sign-in's key may be in the locked keyring: falling back to the agent would find
    // no key there, call the cache stale and replace it, and a second sign-in would follow once
    // the keyring is unlocked. A cache the agent can open (written while the keyring was locked)
    // is used; otherwise this command signs in in memory and leaves the file for later.
    const viaAgent = await agentCache(file, env, opts)
    if (viaAgent) {
      // Only "another key" sends the sign-in to memory; a damaged file is the session's to say.
      const opened = await viaAgent.cache.check().then(
        () => true,
        (e: unknown) => !isPassageError(e, 'PASSAGE_E_TOKEN_CACHE_LOCKED'),
      )
      if (opened)
        return { cache: viaAgent.cache, keeping: { ...viaAgent.keeping, noStore: probe.why } }
    }
    const unusable = `the saved sign-in's key is in ${storeName()}, which is locked: unlock it and the saved sign-in is used again (until then each command signs in on its own)`
    return { cache: null, keeping: { kind: 'memory', why: probe.why, unusable } }
  }
  const viaAgent = await agentCache(file, env, opts)
  if (viaAgent)
    return { cache: viaAgent.cache, keeping: { ...viaAgent.keeping, noStore: probe.why } }
  if (cacheRequired(profile, env)) checkPassphrase(undefined)
  return memory(`no secret store on this machine: ${probe.why}`)
}

/** The key agent's cache, or null when the agent is off or cannot start (see chooseTokenKeeping). */
async function agentCache(
  file: string,
  env: Env,
  opts: ChooseOptions,
): Promise<{ cache: FileTokenCache; keeping: Extract<TokenKeeping, { kind: 'agent' }> } | null> {
  const platform = opts.platform ?? process.platform
  if (platform === 'win32' || OFF.includes(env.PASSAGE_KEY_AGENT?.trim().toLowerCase() ?? ''))
    return null
  const idle = agentIdleSeconds(env)
  const agent =
    opts.agentStore ?? keyAgentStore({ socket: agentSocketPath(env), idleSeconds: idle })
  try {
    const cache = await storedKeyCache(file, agent)
    const idleHours = Math.round((idle / 3600) * 10) / 10
    return { cache, keeping: { kind: 'agent', file, store: agent.name, idleHours, noStore: '' } }
  } catch {
    return null
  }
}

/** A cache whose key is kept in a store (made there when missing). */
async function storedKeyCache(file: string, store: SecretStore): Promise<FileTokenCache> {
  const { key } = await cacheKeyFrom(store)
  return fileTokenCache({ path: file, storedKey: { key, where: store.name } })
}

/**
 * Why a token cache that cannot be opened is replaced by a new sign-in, in words; null when the
 * error is not about the cache (then it is thrown).
 */
export function staleCacheReason(e: unknown, keeping: TokenKeeping): string | null {
  if (isPassageError(e, 'PASSAGE_E_TOKEN_CACHE_CORRUPT'))
    return `the token cache file is damaged or was changed (${firstSentence(e)}); it is replaced`
  if (!isPassageError(e, 'PASSAGE_E_TOKEN_CACHE_LOCKED')) return null
  if (keeping.kind === 'passphrase')
    return 'the token cache was written with another passphrase than PASSAGE_TOKEN_CACHE_KEY (or with a key from a secret store); it is replaced'
  if (keeping.kind === 'agent')
    return `the key agent that held the token cache's key has ended (${keeping.idleHours} hours unused, a logout or a restart), so the saved sign-in cannot be opened`
  return `the token cache was written with another key than the one in ${keeping.kind === 'secret-store' ? keeping.store : 'the secret store'} (the key was removed or replaced, or PASSAGE_TOKEN_CACHE_KEY was used before)`
}

function firstSentence(e: PassageError): string {
  return e.message.replace(/^The token cache \S+ cannot be read: /, '').replace(/\.$/, '')
}

/** One line saying where tokens are kept, for `connect` (the one place it is said). */
export function tokenKeepingLine(k: TokenKeeping): string {
  switch (k.kind) {
    case 'secret-store':
      return `Tokens are kept encrypted in ${k.file}, with the key in ${k.store}: later commands sign in without a new code (\`passage connect --sign-out\` forgets them).`
    case 'agent':
      return `This machine has no secret store (${k.noStore}). Tokens are kept encrypted in ${k.file}; its key is held only in memory by passage's key agent, for ${k.idleHours} hours unused or until you log out, so later commands sign in without a new code (\`passage connect --sign-out\` ends it; PASSAGE_TOKEN_CACHE_KEY keeps a cache across restarts instead).`
    case 'passphrase':
      return `Tokens are kept encrypted in ${k.file} with PASSAGE_TOKEN_CACHE_KEY: later commands sign in without a new code (\`passage connect --sign-out\` deletes it).`
    case 'memory':
      return `Tokens stay in memory (${k.why}), so each command asks for a new code. Set PASSAGE_TOKEN_CACHE_KEY (12 characters or more) to keep them in an encrypted file.`
  }
}

/** Signs out: deletes the cache file, the key in the secret store, and ends the key agent. */
export async function deleteTokenCache(
  env: Env = process.env,
  opts: { secretStore?: () => Promise<SecretStoreProbe> } = {},
): Promise<{ file: string; deleted: boolean; keyDeleted: boolean }> {
  const file = tokenCachePath(env)
  const deleted = deleteTokenCacheFile(file)
  let keyDeleted = false
  const probe = await (opts.secretStore ?? (() => openSecretStore({ env })))()
  if (probe.store) keyDeleted = (await probe.store.delete().catch(() => false)) || keyDeleted
  if (process.platform !== 'win32')
    keyDeleted =
      (await keyAgentStore({ socket: agentSocketPath(env) })
        .delete()
        .catch(() => false)) || keyDeleted
  return { file, deleted, keyDeleted }
}
