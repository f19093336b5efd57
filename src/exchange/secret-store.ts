/**
 * The operating system's secret store, where the token cache's key is kept by default: the macOS
 * Keychain, the Windows Credential Manager (protected by DPAPI), or a Secret Service keyring on
 * Linux (GNOME Keyring, KWallet) over the user's D-Bus session. Only a random 256-bit key is kept
 * there (one entry per user, small enough for every store); the tokens themselves stay in the
 * encrypted cache file (token-cache.ts).
 *
 * Through @napi-rs/keyring (the keyring-rs crate, prebuilt per platform in npm packages, no
 * install script): @azure/msal-node-extensions needs keytar, which is archived, compiles from
 * source against libsecret's headers where it cannot download a prebuilt binary, and so breaks
 * `npm ci` on machines without them. The module is loaded only when a command signs in; when it
 * or the store is missing, `openSecretStore` says why instead of failing.
 */
import { randomBytes } from 'node:crypto'
import { STORED_KEY_LENGTH } from './token-cache.js'

/** One secret in a store: read, write, delete (base64 text). */
export interface SecretStore {
  /** The store's name as a user knows it ("the macOS Keychain"). */
  readonly name: string
  get(): Promise<string | null>
  set(value: string): Promise<void>
  delete(): Promise<boolean>
}

/**
 * Why there is no usable store, for code: no D-Bus session, no keyring module for the platform,
 * no keyring running in the D-Bus session, a D-Bus session that has ended, a locked keyring (the
 * key may well be there: it comes back when the keyring is unlocked), no answer in time, other.
 */
export type NoStoreReason =
  'no-session' | 'no-module' | 'no-keyring' | 'session-gone' | 'locked' | 'timeout' | 'other'

/**
 * A store, or why there is none: in words for people, and as a reason for code (always given by
 * openSecretStore; optional for probes made elsewhere, such as tests').
 */
export type SecretStoreProbe =
  { store: SecretStore } | { store: null; why: string; reason?: NoStoreReason }

/** The entry's service and account names (the key is the same for every tenant and account). */
export const SECRET_SERVICE = 'passage'
export const SECRET_ACCOUNT = 'token-cache-key'

/** What the keyring module gives (the part passage uses). */
interface AsyncEntryLike {
  getPassword(): Promise<string | null>
  setPassword(password: string): Promise<void>
  deleteCredential(): Promise<boolean>
}
type KeyringModule = {
  AsyncEntry: new (
    service: string,
    account: string,
    options?: { linux?: { store?: 'secret-service' | 'keyutils' } },
  ) => AsyncEntryLike
}

type Env = Record<string, string | undefined>

/** The name of the platform's store. */
export function storeName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'the macOS Keychain'
  if (platform === 'win32') return 'the Windows Credential Manager'
  return 'the Secret Service keyring (libsecret)'
}

/** Options of openSecretStore (tests replace the module and the environment). */
export interface OpenSecretStoreOptions {
  /**
   * Decides whether a Linux D-Bus session exists (DBUS_SESSION_BUS_ADDRESS). The keyring module
   * itself reads the process's own environment (libdbus), so a different `env` changes only
   * whether it is tried.
   */
  env?: Env
  platform?: NodeJS.Platform
  /** Loads the keyring module (default: import('@napi-rs/keyring')). */
  load?: () => Promise<KeyringModule>
  service?: string
}

/**
 * Opens the platform's secret store and proves it can keep the key: one read and, when there is
 * no key yet, one write (and delete) of a check entry, because a locked Secret Service keyring
 * answers a read of a missing entry without asking to be unlocked and refuses only the write
 * (seen with GNOME Keyring). On Linux only the Secret Service is used (the kernel keyring is per
 * login session and often refused in containers): it needs a D-Bus session bus, which a desktop
 * login gives and an SSH or container shell lacks. Why there is no store is said in plain words
 * (no D-Bus session, no keyring in it, a locked keyring), for `connect` to say once.
 */
export async function openSecretStore(
  opts: OpenSecretStoreOptions = {},
): Promise<SecretStoreProbe> {
  const env = opts.env ?? process.env
  const platform = opts.platform ?? process.platform
  const name = storeName(platform)
  if (platform !== 'darwin' && platform !== 'win32' && !env.DBUS_SESSION_BUS_ADDRESS?.trim())
    return {
      store: null,
      reason: 'no-session',
      why: 'no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service keyring such as GNOME Keyring or KWallet',
    }
  let mod: KeyringModule
  try {
    mod = await (opts.load ?? (() => import('@napi-rs/keyring') as Promise<KeyringModule>))()
  } catch {
    return {
      store: null,
      reason: 'no-module',
      why: 'the secret store module is not installed for this platform',
    }
  }
  const service = opts.service ?? SECRET_SERVICE
  const options = platform === 'linux' ? { linux: { store: 'secret-service' as const } } : undefined
  let entry: AsyncEntryLike
  try {
    entry = new mod.AsyncEntry(service, SECRET_ACCOUNT, options)
    const existing = await withTimeout(entry.getPassword(), PROBE_TIMEOUT_MS)
    if (existing === null) {
      const check = new mod.AsyncEntry(service, WRITE_CHECK_ACCOUNT, options)
      await withTimeout(check.setPassword('write check'), PROBE_TIMEOUT_MS)
      await withTimeout(check.deleteCredential(), PROBE_TIMEOUT_MS)
    }
  } catch (e) {
    return { store: null, ...unusable(name, e) }
  }
  return {
    store: {
      name,
      get: () => entry.getPassword(),
      set: (v) => entry.setPassword(v),
      delete: () => entry.deleteCredential(),
    },
  }
}

/** The account of the entry written and deleted to prove the store takes writes. */
export const WRITE_CHECK_ACCOUNT = `${SECRET_ACCOUNT}.write-check`

/** How long each probe call may take before the store counts as absent (a hung D-Bus). */
const PROBE_TIMEOUT_MS = 3000

/** The probe waited too long. */
class ProbeTimeout extends Error {}

/**
 * Why a store cannot be used, in plain words and as a reason. The texts matched are the keyring
 * module's and libdbus's (checked against a real GNOME Keyring by
 * test/exchange/secret-store.real.test.ts); anything else is said with the store's own first line.
 */
export function unusable(name: string, e: unknown): { reason: NoStoreReason; why: string } {
  const text = e instanceof Error ? e.message : String(e)
  if (/prompt was dismissed|\bis locked\b/i.test(text))
    return {
      reason: 'locked',
      why: `${name} is locked, and its unlock prompt was dismissed or could not be shown (unlock it, for example by logging in to the desktop)`,
    }
  if (/org\.freedesktop\.secrets was not provided|ServiceUnknown|NameHasNoOwner/i.test(text))
    return {
      reason: 'no-keyring',
      why: 'the D-Bus session has no Secret Service keyring (such as GNOME Keyring or KWallet) running',
    }
  if (/Failed to connect to socket|Connection refused|Address does not contain/i.test(text))
    return {
      reason: 'session-gone',
      why: 'the D-Bus session in DBUS_SESSION_BUS_ADDRESS does not answer (it has ended, or the address is not valid)',
    }
  if (e instanceof ProbeTimeout)
    return {
      reason: 'timeout',
      why: `${name} did not answer within ${PROBE_TIMEOUT_MS / 1000} seconds`,
    }
  return { reason: 'other', why: `${name} did not answer (${shortReason(e)})` }
}

/** Rejects when `p` has not settled within `ms`. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${ms / 1000} seconds`)), ms)
    timer.unref()
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

/** The store's error in a few words (its messages never carry the secret). */
function shortReason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  return (text.split(/\r?\n/)[0] ?? '').slice(0, 160) || 'no reason given'
}

/** The token cache's key from the store; a new random one is written there when missing. */
export async function cacheKeyFrom(
  store: SecretStore,
): Promise<{ key: Buffer; created: boolean; replaced: boolean }> {
  const text = await store.get()
  const key = text === null ? null : Buffer.from(text, 'base64')
  if (key && key.length === STORED_KEY_LENGTH) return { key, created: false, replaced: false }
  const fresh = randomBytes(STORED_KEY_LENGTH)
  await store.set(fresh.toString('base64'))
  return { key: fresh, created: true, replaced: key !== null }
}
