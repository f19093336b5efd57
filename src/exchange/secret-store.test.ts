import { describe, expect, it } from 'vitest'
import { cacheKeyFrom, openSecretStore, storeName, type SecretStore } from './secret-store.js'

/** A keyring module that keeps entries in a map (or fails as told). */
function fakeKeyring(fail?: string) {
  const entries = new Map<string, string>()
  const seen: unknown[] = []
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
      entries.set(this.id, v)
      return Promise.resolve()
    }
    deleteCredential() {
      return Promise.resolve(entries.delete(this.id))
    }
  }
  return { load: () => Promise.resolve({ AsyncEntry }), entries, seen }
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
    expect(k.seen).toEqual([{ linux: { store: 'secret-service' } }])
    const mac = await openSecretStore({ env: {}, platform: 'darwin', load: fakeKeyring().load })
    expect(mac.store?.name).toBe('the macOS Keychain')
    expect(storeName('win32')).toBe('the Windows Credential Manager')
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
