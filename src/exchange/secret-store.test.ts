import { describe, expect, it, vi } from 'vitest'
import {
  cacheKeyFrom,
  openSecretStore,
  SECRET_ACCOUNT,
  storeName,
  unusable,
  WRITE_CHECK_ACCOUNT,
  type SecretStore,
} from './secret-store.js'

/**
 * A keyring module that keeps entries in a map, or fails as told: every call (`fail`), or only
 * writes (`failWrite`, as a locked GNOME Keyring does: it answers a read of a missing entry).
 */
function fakeKeyring(fail?: string, failWrite?: string) {
  const entries = new Map<string, string>()
  const seen: unknown[] = []
  const writes: string[] = []
  class AsyncEntry {
    constructor(
      private readonly service: string,
      private readonly account: string,
      options?: unknown,
    ) {
      seen.push(options)
    }
    private get id() {
      return `${this.service}/${this.account}`
    }
    getPassword() {
      if (fail) return Promise.reject(new Error(fail))
      return Promise.resolve(entries.get(this.id) ?? null)
    }
    setPassword(v: string) {
      if (fail ?? failWrite) return Promise.reject(new Error(fail ?? failWrite))
      writes.push(this.id)
      entries.set(this.id, v)
      return Promise.resolve()
    }
    deleteCredential() {
      return Promise.resolve(entries.delete(this.id))
    }
  }
  return { load: () => Promise.resolve({ AsyncEntry }), entries, seen, writes }
}

describe('openSecretStore', () => {
  it('on Linux without a D-Bus session: no store, and why (no module loaded)', async () => {
    let loaded = false
    const r = await openSecretStore({
      env: {},
      platform: 'linux',
      load: () => {
        loaded = true
        return fakeKeyring().load()
      },
    })
    expect(r.store).toBeNull()
    expect(!r.store && r.why).toMatch(/no D-Bus session \(DBUS_SESSION_BUS_ADDRESS is not set\)/)
    expect(loaded).toBe(false)
  })

  it('says why when the module is missing or the store does not answer', async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' }
    const missing = await openSecretStore({
      env,
      platform: 'linux',
      load: () => Promise.reject(new Error('Cannot find module')),
    })
    expect(!missing.store && missing.why).toMatch(/not installed/)
    const locked = await openSecretStore({
      env,
      platform: 'linux',
      load: fakeKeyring('Platform failure: DBus error: no secret service').load,
    })
    expect(!locked.store && locked.why).toMatch(
      /^the Secret Service keyring \(libsecret\) did not answer \(Platform failure/,
    )
  })

  it('uses the Secret Service only on Linux; the Keychain and Credential Manager elsewhere', async () => {
    const k = fakeKeyring()
    const r = await openSecretStore({
      env: { DBUS_SESSION_BUS_ADDRESS: 'x' },
      platform: 'linux',
      load: k.load,
    })
    expect(r.store?.name).toBe('the Secret Service keyring (libsecret)')
    // The key's entry, then the write check's (no key yet): both in the Secret Service.
    expect(k.seen).toEqual([
      { linux: { store: 'secret-service' } },
      { linux: { store: 'secret-service' } },
    ])
    const mac = await openSecretStore({ env: {}, platform: 'darwin', load: fakeKeyring().load })
    expect(mac.store?.name).toBe('the macOS Keychain')
    expect(storeName('win32')).toBe('the Windows Credential Manager')
  })
})

describe('openSecretStore proves the store takes writes when it has no key yet', () => {
  const env = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' }

  it('a keyring that answers reads but refuses writes (locked) is no store, said in plain words', async () => {
    const k = fakeKeyring(
      undefined,
      "Couldn't access platform storage: Secret Service: unlock prompt was dismissed",
    )
    const r = await openSecretStore({ env, platform: 'linux', load: k.load })
    expect(r.store).toBeNull()
    expect(!r.store && r.why).toBe(
      'the Secret Service keyring (libsecret) is locked, and its unlock prompt was dismissed or could not be shown (unlock it, for example by logging in to the desktop)',
    )
    expect(!r.store && r.reason).toBe('locked')
  })

  it('a store that does not answer within 3 seconds counts as absent, said so', async () => {
    vi.useFakeTimers()
    try {
      const hung = {
        load: () =>
          Promise.resolve({
            AsyncEntry: class {
              getPassword = () => new Promise<string | null>(() => undefined)
              setPassword = () => Promise.resolve()
              deleteCredential = () => Promise.resolve(true)
            },
          }),
      }
      const pending = openSecretStore({ env, platform: 'linux', load: hung.load })
      await vi.advanceTimersByTimeAsync(3000)
      const r = await pending
      expect(r.store).toBeNull()
      expect(!r.store && r.reason).toBe('timeout')
      expect(!r.store && r.why).toBe(
        'the Secret Service keyring (libsecret) did not answer within 3 seconds',
      )
    } finally {
      vi.useRealTimers()
    }
  })

  it('writes and deletes a check entry when the key is missing, and writes nothing when it is there', async () => {
    const k = fakeKeyring()
    const fresh = await openSecretStore({ env, platform: 'linux', load: k.load, service: 's' })
    expect(fresh.store).not.toBeNull()
    expect(k.writes).toEqual([`s/${WRITE_CHECK_ACCOUNT}`])
    // The check entry is gone again: only what cacheKeyFrom writes stays.
    expect([...k.entries.keys()]).toEqual([])
    await cacheKeyFrom(fresh.store as SecretStore)
    expect([...k.entries.keys()]).toEqual([`s/${SECRET_ACCOUNT}`])
    const again = await openSecretStore({ env, platform: 'linux', load: k.load, service: 's' })
    expect(again.store).not.toBeNull()
    expect(k.writes).toEqual([`s/${WRITE_CHECK_ACCOUNT}`, `s/${SECRET_ACCOUNT}`])
  })
})

describe('unusable', () => {
  const name = storeName('linux')
  // The messages of @napi-rs/keyring and libdbus seen with a real GNOME Keyring and D-Bus.
  it.each([
    [
      "Couldn't access platform storage: Secret Service: unlock prompt was dismissed",
      'locked',
      /^the Secret Service keyring \(libsecret\) is locked, and its unlock prompt/,
    ],
    [
      'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files',
      'no-keyring',
      /^the D-Bus session has no Secret Service keyring \(such as GNOME Keyring or KWallet\) running$/,
    ],
    [
      'Platform failure: DBus error: Failed to connect to socket /run/user/1000/bus: No such file or directory',
      'session-gone',
      /^the D-Bus session in DBUS_SESSION_BUS_ADDRESS does not answer \(it has ended, or the address is not valid\)$/,
    ],
    [
      'Platform failure: DBus error: Address does not contain a colon',
      'session-gone',
      /^the D-Bus session in DBUS_SESSION_BUS_ADDRESS does not answer/,
    ],
    [
      'something new\nsecond line',
      'other',
      /^the Secret Service keyring \(libsecret\) did not answer \(something new\)$/,
    ],
  ])('%s', (message, reason, said) => {
    const r = unusable(name, new Error(message))
    expect(r.reason).toBe(reason)
    expect(r.why).toMatch(said)
  })
})

describe('cacheKeyFrom', () => {
  it('makes a random 256-bit key once, then reuses it; replaces one that is not a key', async () => {
    const k = fakeKeyring()
    const r = await openSecretStore({ env: {}, platform: 'darwin', load: k.load })
    const store = r.store as SecretStore
    const first = await cacheKeyFrom(store)
    expect(first).toMatchObject({ created: true, replaced: false })
    expect(first.key).toHaveLength(32)
    const again = await cacheKeyFrom(store)
    expect(again.created).toBe(false)
    expect(again.key.equals(first.key)).toBe(true)
    await store.set('not a key')
    const replaced = await cacheKeyFrom(store)
    expect(replaced).toMatchObject({ created: true, replaced: true })
    expect(replaced.key.equals(first.key)).toBe(false)
  })
})
