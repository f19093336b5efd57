/**
 * The token cache's key in a real operating-system secret store: GNOME Keyring's Secret Service on
 * a private D-Bus session bus (scripts/secret-service-session.sh; .ci/run starts it and sets
 * PASSAGE_TEST_SECRET_SERVICE_BUS to its address; without it these tests are skipped, saying
 * why). Through @napi-rs/keyring, as passage does: a set/get/delete round trip; `passage connect`
 * keeping the key in the keyring and later commands, each a new process, signing in with no
 * device code; sign-out forgetting the key; a locked keyring said in plain words with the key
 * agent as the fallback (README, sign-in); a D-Bus session without a keyring, or one that has
 * ended, said in plain words. The CLI is the built one (npm test builds dist/) against a sandbox;
 * the no-D-Bus case runs everywhere: `connect` says once that there is no secret store.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cacheKeyFrom,
  openSecretStore,
  SECRET_ACCOUNT,
  SECRET_SERVICE,
  WRITE_CHECK_ACCOUNT,
  type SecretStore,
} from '../../src/exchange/secret-store.js'
import { fileTokenCache } from '../../src/exchange/token-cache.js'
import { tenantNamed } from '../app/helpers.js'
import { passageApproving } from '../helpers/cli-codes.js'
import { sandbox, type Sandbox } from './sandbox-helpers.js'

const ROOT = join(import.meta.dirname, '..', '..')
const BUILT_STORE = join(ROOT, 'dist', 'exchange', 'secret-store.js')
const SESSION_SCRIPT = join(ROOT, 'scripts', 'secret-service-session.sh')
const BUS = process.env.PASSAGE_TEST_SECRET_SERVICE_BUS?.trim() ?? ''
const STORE_NAME = 'the Secret Service keyring (libsecret)'

/** Why the real Secret Service tests do not run here (null: they run). */
const skipWhy =
  process.platform !== 'linux'
    ? 'the Secret Service is Linux only'
    : !BUS
      ? 'PASSAGE_TEST_SECRET_SERVICE_BUS is not set; start a throwaway keyring with `export PASSAGE_TEST_SECRET_SERVICE_BUS=$(scripts/secret-service-session.sh)` (.ci/run does)'
      : null
if (skipWhy)
  console.warn(`secret-store.real.test.ts: real Secret Service tests skipped: ${skipWhy}`)

/** Runs the built CLI with only `env` of passage's and D-Bus's; approves codes as `upn`. */
const passage = passageApproving

/** Runs scripts/secret-service-session.sh `command` (lock, unlock); throws when it fails. */
function session(command: 'lock' | 'unlock'): void {
  const r = spawnSync('bash', [SESSION_SCRIPT, command], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`secret-service-session.sh ${command}: ${r.stderr}`)
}

/**
 * How many items the Secret Service holds for a service and account, asked over D-Bus with
 * gdbus, not through the module under test (locked and unlocked items alike).
 */
function items(service: string, account: string): number {
  const r = spawnSync(
    'gdbus',
    [
      'call',
      '--session',
      '-d',
      'org.freedesktop.secrets',
      '-o',
      '/org/freedesktop/secrets',
      '-m',
      'org.freedesktop.Secret.Service.SearchItems',
      `{'service': '${service}', 'username': '${account}'}`,
    ],
    { encoding: 'utf8', env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: BUS } },
  )
  if (r.status !== 0) throw new Error(`gdbus SearchItems: ${r.stderr}`)
  return (r.stdout.match(/'\/org\/freedesktop\/secrets\/collection\//g) ?? []).length
}

/** openSecretStore in a new process (the built module), with DBUS_SESSION_BUS_ADDRESS `bus`. */
function probeIn(bus: string): { store?: string; reason?: string; why?: string } {
  const base = { ...process.env }
  delete base.DBUS_SESSION_BUS_ADDRESS
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      'const { openSecretStore } = await import(process.env.STORE_MODULE); const r = await openSecretStore(); console.log(JSON.stringify(r.store ? { store: r.store.name } : { reason: r.reason, why: r.why }))',
    ],
    {
      encoding: 'utf8',
      env: { ...base, STORE_MODULE: BUILT_STORE, DBUS_SESSION_BUS_ADDRESS: bus },
      timeout: 20_000,
    },
  )
  if (r.status !== 0) throw new Error(`probe: ${r.stderr}`)
  return JSON.parse(r.stdout) as { store?: string; reason?: string; why?: string }
}

let s: Sandbox
let dir: string
let name: string
let ca: string
/** The users whose key agent or keyring entry is ended by `connect --sign-out` at the end. */
const signedIn = new Map<string, Record<string, string>>()

/** A user's own environment: store, token cache, key agent socket and home in the test's folder. */
function envFor(who: string, extra: Record<string, string> = {}): Record<string, string> {
  mkdirSync(join(dir, who, 'home'), { recursive: true })
  const env = {
    HOME: join(dir, who, 'home'),
    PASSAGE_DB: join(dir, who, 'passage.db'),
    PASSAGE_TOKEN_CACHE_FILE: join(dir, who, 'tokens.cache'),
    PASSAGE_KEY_AGENT_SOCKET: join(dir, who, 'agent', 'agent.sock'),
    PASSAGE_KEY_AGENT_IDLE: '600',
    ...extra,
  }
  signedIn.set(who, env)
  return env
}
const target = () => ['--tenant', name, '--sandbox', s.sb.url, '--ca', ca]

beforeAll(async () => {
  s = await sandbox()
  dir = mkdtempSync(join(tmpdir(), 'passage-keyring-'))
  name = tenantNamed(s, 'contoso').snapshot.tenant.name
  ca = join(dir, 'ca.pem')
  writeFileSync(ca, s.sb.caPem)
})

afterAll(async () => {
  // Sign-out ends each key agent and forgets the key in the keyring.
  await Promise.all(
    [...signedIn.values()].map((env) =>
      passage(s, env, ['connect', '--sign-out']).catch(() => undefined),
    ),
  )
  await s?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
}, 60_000)

describe('no D-Bus session (SSH, containers): no secret store, said once', () => {
  it('connect says there is no secret store and why; later commands sign in silently without repeating it', async () => {
    const env = envFor('no-dbus')
    const upn = `exchange@${name}`
    const c = await passage(s, env, ['connect', ...target()], upn)
    expect(c.code, c.stderr).toBe(0)
    expect(c.codes).toHaveLength(1)
    expect(c.stdout).toContain(
      'This machine has no secret store (no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service keyring such as GNOME Keyring or KWallet).',
    )
    expect(c.stdout).toContain("passage's key agent")
    const d = await passage(s, env, ['discover'])
    expect(d.codes, d.stderr).toEqual([])
    expect(d.code, d.stderr).toBe(0)
    // Said once, at connect: not again by every command.
    expect(`${d.stdout}${d.stderr}`).not.toMatch(/secret store|D-Bus/)
  }, 60_000)
})

describe.skipIf(skipWhy !== null)(
  `a real Secret Service (GNOME Keyring over a private D-Bus session)${skipWhy ? ` (skipped: ${skipWhy})` : ''}`,
  () => {
    let saved: string | undefined
    beforeAll(() => {
      // The keyring module reads the process's own environment (libdbus), once per process.
      saved = process.env.DBUS_SESSION_BUS_ADDRESS
      process.env.DBUS_SESSION_BUS_ADDRESS = BUS
    })
    afterAll(() => {
      if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS
      else process.env.DBUS_SESSION_BUS_ADDRESS = saved
    })

    it('keeps, returns, replaces and deletes a secret; the write check leaves nothing behind', async () => {
      const service = `passage-test-${randomBytes(4).toString('hex')}`
      const probe = await openSecretStore({ service })
      expect(probe.store?.name, probe.store ? '' : probe.why).toBe(STORE_NAME)
      const store = probe.store as SecretStore
      expect(items(service, WRITE_CHECK_ACCOUNT)).toBe(0)
      expect(await store.get()).toBeNull()
      await store.set('first')
      expect(await store.get()).toBe('first')
      expect(items(service, SECRET_ACCOUNT)).toBe(1)
      await store.set('second')
      expect(await store.get()).toBe('second')
      expect(items(service, SECRET_ACCOUNT)).toBe(1)
      expect(await store.delete()).toBe(true)
      expect(await store.get()).toBeNull()
      expect(await store.delete()).toBe(false)
      expect(items(service, SECRET_ACCOUNT)).toBe(0)

      // The cache's key: made once (256 bits), then the same from a store opened anew.
      const made = await cacheKeyFrom(store)
      expect(made).toMatchObject({ created: true, replaced: false })
      expect(made.key).toHaveLength(32)
      const reopened = (await openSecretStore({ service })).store as SecretStore
      const again = await cacheKeyFrom(reopened)
      expect(again.created).toBe(false)
      expect(again.key.equals(made.key)).toBe(true)
      expect(await reopened.delete()).toBe(true)
    })

    it('connect keeps the key in the keyring; later commands, each a new process, sign in with no device code', async () => {
      // The key agent is off: only the keyring can carry the key from one process to the next.
      const env = envFor('keyring', { DBUS_SESSION_BUS_ADDRESS: BUS, PASSAGE_KEY_AGENT: '0' })
      const upn = `exchange@${name}`
      expect(items(SECRET_SERVICE, SECRET_ACCOUNT)).toBe(0)
      const c = await passage(s, env, ['connect', ...target()], upn)
      expect(c.code, c.stderr).toBe(0)
      expect(c.codes).toHaveLength(1)
      expect(c.stdout).toContain(
        `Tokens are kept encrypted in ${env.PASSAGE_TOKEN_CACHE_FILE}, with the key in ${STORE_NAME}`,
      )
      expect(c.stdout).not.toContain('no secret store')
      expect(items(SECRET_SERVICE, SECRET_ACCOUNT)).toBe(1)
      expect(items(SECRET_SERVICE, WRITE_CHECK_ACCOUNT)).toBe(0)

      // The file holds no token in the clear and opens with the keyring's key, not another.
      const file = env.PASSAGE_TOKEN_CACHE_FILE!
      expect(statSync(file).mode & 0o777).toBe(0o600)
      const bytes = readFileSync(file).toString('latin1')
      expect(bytes.startsWith('PSGTOKEN')).toBe(true)
      expect(bytes).not.toContain(upn)
      expect(bytes).not.toContain('eyJ')
      const store = (await openSecretStore()).store as SecretStore
      const key = Buffer.from((await store.get())!, 'base64')
      expect(key).toHaveLength(32)
      await expect(
        fileTokenCache({ path: file, storedKey: { key, where: STORE_NAME } }).check(),
      ).resolves.toBeUndefined()
      await expect(
        fileTokenCache({
          path: file,
          storedKey: { key: randomBytes(32), where: STORE_NAME },
        }).check(),
      ).rejects.toMatchObject({ code: 'PASSAGE_E_TOKEN_CACHE_LOCKED' })

      for (const args of [['discover'], ['runs']]) {
        const r = await passage(s, env, args)
        expect(r.codes, `${args[0]} asked for a device code: ${r.stderr}`).toEqual([])
        expect(r.stderr).not.toContain('Signing in again')
        expect(r.code, r.stderr).toBe(0)
      }
    }, 60_000)

    it('sign-out deletes the file and forgets the key in the keyring', async () => {
      const env = envFor('keyring', { DBUS_SESSION_BUS_ADDRESS: BUS, PASSAGE_KEY_AGENT: '0' })
      const out = await passage(s, env, ['connect', '--sign-out'])
      expect(out.code, out.stderr).toBe(0)
      expect(out.stdout).toContain(
        `Signed out: deleted ${env.PASSAGE_TOKEN_CACHE_FILE}, and forgot its key.`,
      )
      expect(existsSync(env.PASSAGE_TOKEN_CACHE_FILE!)).toBe(false)
      expect(items(SECRET_SERVICE, SECRET_ACCOUNT)).toBe(0)
    }, 30_000)

    it('a locked keyring with no key yet: connect says it is locked, in plain words, and the key agent keeps the sign-in', async () => {
      expect(items(SECRET_SERVICE, SECRET_ACCOUNT)).toBe(0)
      session('lock')
      try {
        // A locked keyring answers a read of a missing entry: only the write check finds it locked.
        const probe = await openSecretStore({
          service: `passage-test-${randomBytes(4).toString('hex')}`,
        })
        expect(probe.store).toBeNull()
        expect(!probe.store && probe.reason).toBe('locked')
        const env = envFor('locked', { DBUS_SESSION_BUS_ADDRESS: BUS })
        const c = await passage(s, env, ['connect', ...target()], `exchange@${name}`)
        expect(c.stderr).not.toContain('PASSAGE_E')
        expect(c.code, c.stderr).toBe(0)
        expect(c.codes).toHaveLength(1)
        expect(c.stdout).toContain(
          `(${STORE_NAME} is locked, and its unlock prompt was dismissed or could not be shown (unlock it, for example by logging in to the desktop))`,
        )
        expect(c.stdout).toContain("its key is held only in memory by passage's key agent")
        // Nothing was written into the locked keyring.
        expect(items(SECRET_SERVICE, SECRET_ACCOUNT)).toBe(0)
        expect(items(SECRET_SERVICE, WRITE_CHECK_ACCOUNT)).toBe(0)
        const d = await passage(s, env, ['discover'])
        expect(d.codes, d.stderr).toEqual([])
        expect(d.code, d.stderr).toBe(0)
      } finally {
        session('unlock')
      }
    }, 60_000)

    it('a keyring locked after connect: the next command signs in on its own, saying why, and the saved sign-in is used again once unlocked', async () => {
      const env = envFor('relock', { DBUS_SESSION_BUS_ADDRESS: BUS })
      const upn = `exchange@${name}`
      const c = await passage(s, env, ['connect', ...target()], upn)
      expect(c.code, c.stderr).toBe(0)
      expect(c.stdout).toContain(`with the key in ${STORE_NAME}`)
      session('lock')
      try {
        const d = await passage(s, env, ['discover'], upn)
        expect(d.code, d.stderr).toBe(0)
        expect(d.codes).toHaveLength(1)
        expect(d.stderr).toMatch(
          /Signing in again: the saved sign-in's key is in .+, which is locked: unlock it/,
        )
        // The key in the keyring is kept for when it is unlocked.
        expect(items(SECRET_SERVICE, SECRET_ACCOUNT)).toBe(1)
      } finally {
        session('unlock')
      }
      // Unlocked again: the saved sign-in (left alone while locked) is used, with no new code.
      const after = await passage(s, env, ['discover'], upn)
      expect(after.code, after.stderr).toBe(0)
      expect(after.codes).toHaveLength(0)
    }, 60_000)

    it('a D-Bus session with no keyring in it, or one that has ended, is said in plain words', () => {
      const conf = join(dir, 'bare-bus.conf')
      const socket = join(dir, 'bare-bus')
      writeFileSync(
        conf,
        `<busconfig><type>session</type><listen>unix:path=${socket}</listen><auth>EXTERNAL</auth>` +
          '<policy context="default"><allow send_destination="*" eavesdrop="false"/>' +
          '<allow receive_sender="*"/><allow own="*"/></policy></busconfig>',
      )
      const bus = spawnSync('dbus-daemon', [`--config-file=${conf}`, '--fork', '--print-pid=1'], {
        encoding: 'utf8',
      })
      expect(bus.status, bus.stderr).toBe(0)
      try {
        expect(probeIn(`unix:path=${socket}`)).toEqual({
          reason: 'no-keyring',
          why: 'the D-Bus session has no Secret Service keyring (such as GNOME Keyring or KWallet) running',
        })
      } finally {
        process.kill(Number(bus.stdout.trim()))
      }
      expect(probeIn(`unix:path=${join(dir, 'no-such-bus')}`)).toEqual({
        reason: 'session-gone',
        why: 'the D-Bus session in DBUS_SESSION_BUS_ADDRESS does not answer (it has ended, or the address is not valid)',
      })
      expect(probeIn(BUS)).toEqual({ store: STORE_NAME })
    }, 60_000)
  },
)
