/**
 * One sign-in per working session, end to end through the built CLI (npm test builds dist/)
 * against a sandbox, on a machine with no secret store (no D-Bus session, like CI): with Microsoft's
 * default public clients the README's flow (connect, discover, plan, apply, check, rollback) asks
 * for exactly one device code, Exchange Online PowerShell's (Graph is not asked: discovery learns
 * the licence, roles, name and group members from the Exchange admin API), the sandbox counting
 * the device codes it issued; the key of the encrypted token cache is held by passage's key agent
 * (its socket in the test's folder, ended by `connect --sign-out`). `connect` refuses an admin
 * whose API access is disabled and a Security Reader (exit 3, Microsoft 365's refusal); commands
 * refuse what they cannot do before any sign-in.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppCredentials, EXO_MODULE_CLIENT_ID } from '../../src/sandbox/identity/index.js'
import { createHttpClient } from '../../src/exchange/http.js'
import { passageApproving } from '../helpers/cli-codes.js'
import { sandbox, tenantNamed, worldState, type Sandbox } from './helpers.js'

const GRAPH_CLI_CLIENT = '14d82eec-204b-4c2f-b7e8-296a70dab67e'

/** Runs the built CLI with only `env` of passage's and D-Bus's; approves codes as `upn`. */
const passage = passageApproving

/** The sandbox's device-code counters. */
async function counts(
  s: Sandbox,
): Promise<{ issued: number; issuedByClient: Record<string, number> }> {
  const http = createHttpClient({ ca: s.sb.caPem })
  try {
    const r = await http.request({ method: 'GET', url: `${s.sb.url}/_sandbox/sign-in/counts` })
    return JSON.parse(r.text) as { issued: number; issuedByClient: Record<string, number> }
  } finally {
    http.close()
  }
}

describe('one sign-in per working session (no secret store: the key agent)', () => {
  let s: Sandbox
  let dir: string
  let name: string
  let ca: string

  /** A user's own environment: store, token cache and agent socket in the test's folder. */
  const envFor = (who: string): Record<string, string> => {
    mkdirSync(join(dir, who), { recursive: true })
    return {
      PASSAGE_DB: join(dir, who, 'passage.db'),
      PASSAGE_TOKEN_CACHE_FILE: join(dir, who, 'tokens.cache'),
      PASSAGE_KEY_AGENT_SOCKET: join(dir, who, 'agent', 'agent.sock'),
      PASSAGE_KEY_AGENT_IDLE: '600',
    }
  }
  const target = () => ['--tenant', name, '--sandbox', s.sb.url, '--ca', ca]

  beforeAll(async () => {
    s = await sandbox()
    dir = mkdtempSync(join(tmpdir(), 'passage-one-'))
    name = tenantNamed(s, 'contoso').snapshot.tenant.name
    ca = join(dir, 'ca.pem')
    writeFileSync(ca, s.sb.caPem)
  })

  afterAll(async () => {
    // Sign-out ends each key agent; removing the folder ends any left (its socket goes).
    await Promise.all(
      ['exchange', 'own-app', 'reader'].map((who) =>
        passage(s, envFor(who), ['connect', '--sign-out']).catch(() => undefined),
      ),
    )
    await s?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it("the README flow asks for exactly one device code with Microsoft's default apps", async () => {
    const t = tenantNamed(s, 'contoso')
    const original = worldState(t)
    const env = envFor('exchange')
    const upn = `exchange@${name}`
    const before = await counts(s)

    const c = await passage(s, env, ['connect', ...target()], upn)
    expect(c.stderr).not.toContain('PASSAGE_E')
    expect(c.code).toBe(0)
    expect(c.stdout).toContain(`Connected to ${name}`)
    expect(c.stdout).toContain('may make every change passage makes')
    // Said once, at connect: no secret store here, so the key agent holds the key.
    expect(c.stdout).toMatch(/This machine has no secret store \(no D-Bus session/)
    expect(c.stdout).toContain("passage's key agent")
    // One code: Exchange Online PowerShell's. Graph's own client is not signed in (issue 14).
    expect(c.codes).toHaveLength(1)
    expect(c.stderr).not.toContain('Microsoft Graph')
    // Roles from the Exchange sign-in; the licence is said to come later, from Exchange.
    expect(c.stdout).toContain('Roles: Exchange Administrator')
    expect(c.stdout).toMatch(
      /Licence: read by `passage discover` from which Defender cmdlets answer/,
    )
    const file = env.PASSAGE_TOKEN_CACHE_FILE!
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const bytes = readFileSync(file).toString('latin1')
    expect(bytes.startsWith('PSGTOKEN')).toBe(true)
    expect(bytes).not.toContain(upn)
    expect(bytes).not.toContain('eyJ')
    const db = readFileSync(env.PASSAGE_DB!).toString('latin1')
    expect(db).not.toContain('eyJ')

    const planFile = join(dir, 'exchange', 'plan.json')
    const steps: [string, string[]][] = [
      ['discover', ['discover', '--json', '--out', join(dir, 'exchange', 'snap.json')]],
      [
        'plan',
        [
          'plan',
          'contactmonkey',
          '--tenant',
          name,
          '--param',
          'region=us',
          '--param',
          'dedicatedIp=167.89.10.20',
          '--out',
          planFile,
        ],
      ],
      ['apply', ['apply', planFile, '--yes']],
      ['check', ['check']],
      ['rollback', ['rollback', '--yes']],
    ]
    for (const [what, args] of steps) {
      if (what === 'rollback') {
        // Without --yes and without a terminal: refused before any sign-in (memory only here, so a
        // sign-in would have to show a new code).
        const refused = await passage(s, { ...env, PASSAGE_TOKEN_CACHE: '0' }, ['rollback'])
        expect(refused.code).toBe(2)
        expect(refused.stderr).toContain('PASSAGE_E_CONFIRM')
        expect(refused.stderr).not.toContain('Signing in')
        expect(refused.codes).toEqual([])
      }
      const r = await passage(s, env, args)
      expect(r.codes, `${what} asked for a device code: ${r.stderr}`).toEqual([])
      expect(r.stderr, what).not.toContain('Sign in to continue')
      expect(r.code, `${what}: ${r.stderr} ${r.stdout}`).toBe(0)
      if (what === 'discover') {
        // Everything discovery needs came from Exchange: the group the Standard preset covers
        // with its members, the name, and the licence said to be the Defender cmdlets' word.
        const d = JSON.parse(r.stdout) as {
          graphSignedIn: boolean
          groupsSource: string | null
          licenceSource: string
          degraded: string[]
          snapshot: { tenant: { name: string }; directory: { groups: { address: string }[] } }
        }
        expect(d.graphSignedIn).toBe(false)
        expect(d.groupsSource).toBe('exchange')
        expect(d.snapshot.directory.groups.map((g) => g.address)).toContain('finance@contoso.com')
        expect(d.snapshot.tenant.name).toBe(name)
        expect(d.licenceSource).toBe('cmdlets')
        expect(
          d.degraded.some((l) => l.startsWith('licence unknown: Microsoft Graph is not signed in')),
        ).toBe(true)
      }
    }
    expect(worldState(t)).toBe(original)
    const after = await counts(s)
    expect(after.issued - before.issued).toBe(1)
    const by = (id: string) => (after.issuedByClient[id] ?? 0) - (before.issuedByClient[id] ?? 0)
    expect(by(EXO_MODULE_CLIENT_ID)).toBe(1)
    expect(by(GRAPH_CLI_CLIENT)).toBe(0)
  }, 120_000)

  it("with the admin's own app registration, the whole flow is exactly one device code", async () => {
    const t = tenantNamed(s, 'contoso')
    const app = createAppCredentials({ displayName: 'passage one sign-in', appRoles: [] })
    s.sb.addApp(name, app.app)
    const env = envFor('own-app')
    const upn = `exchange@${name}`
    const before = await counts(s)
    const c = await passage(s, env, ['connect', ...target(), '--client-id', app.app.clientId], upn)
    expect(c.code, c.stderr).toBe(0)
    for (const args of [['discover'], ['check'], ['runs']]) {
      const r = await passage(s, env, args)
      expect(r.codes, `${args[0]}: ${r.stderr}`).toEqual([])
    }
    const after = await counts(s)
    expect(after.issued - before.issued).toBe(1)
    void t
  }, 60_000)

  it('rollback of a run already rolled back answers from the store, without signing in', async () => {
    const env = envFor('exchange')
    const before = await counts(s)
    const r = await passage(s, { ...env, PASSAGE_TOKEN_CACHE: '0' }, ['rollback'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/was already rolled back; nothing to do/)
    expect(r.stderr).not.toContain('Signing in')
    expect(r.codes).toEqual([])
    expect((await counts(s)).issued).toBe(before.issued)
  }, 30_000)

  it('a stale cache says why it asks again (the key agent ended)', async () => {
    const env = envFor('exchange')
    const out = await passage(s, env, ['connect', '--sign-out'])
    expect(out.code).toBe(0)
    expect(out.stdout).toMatch(/Signed out/)
    // A cache file written with a key nobody holds any more: the next command says why.
    const old = readFileSync(join(dir, 'own-app', 'tokens.cache'))
    writeFileSync(env.PASSAGE_TOKEN_CACHE_FILE!, old, { mode: 0o600 })
    const d = await passage(s, env, ['discover'])
    expect(d.stderr).toMatch(/Signing in again: .*key/)
    expect(d.codes).toHaveLength(1)
  }, 30_000)

  it('connect refuses an admin whose Exchange API access is disabled (exit 3), saving nothing', async () => {
    const env = { ...envFor('blocked'), PASSAGE_TOKEN_CACHE: '0' }
    const r = await passage(s, env, ['connect', ...target()], `blocked@${name}`)
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('PASSAGE_E_EXO_API_DISABLED')
    expect(r.stderr).toContain('EXOModuleEnabled')
    expect(r.stdout).not.toContain('Connected')
    const d = await passage(s, env, ['discover'])
    expect(d.stderr).toContain('PASSAGE_E_NOT_CONNECTED')
  }, 30_000)

  it('connect refuses a Security Reader (exit 3) unless --read-only; apply is then refused before sign-in', async () => {
    const env = { ...envFor('reader'), PASSAGE_TOKEN_CACHE: '0' }
    const upn = `reader@${name}`
    const r = await passage(s, env, ['connect', ...target()], upn)
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('PASSAGE_E_EXO_ROLE_MISSING')
    expect(r.stderr).toContain('can read')
    expect(r.stderr).toContain('--read-only')
    expect(r.stdout).not.toContain('Connected')
    const ro = await passage(s, env, ['connect', ...target(), '--read-only'], upn)
    expect(ro.code, ro.stderr).toBe(0)
    expect(ro.stdout).toContain('read only')
    const plan = join(dir, 'exchange', 'plan.json')
    const before = await counts(s)
    const a = await passage(s, env, ['apply', plan, '--yes'])
    expect(a.code).toBe(3)
    expect(a.stderr).toContain('PASSAGE_E_EXO_ROLE_MISSING')
    expect(a.codes).toEqual([])
    expect((await counts(s)).issued).toBe(before.issued)
  }, 60_000)

  it('connect without --tenant, or with one the sign-in service does not know, is an input error (exit 2)', async () => {
    const env = { ...envFor('nobody'), PASSAGE_TOKEN_CACHE: '0' }
    const none = await passage(s, env, ['connect'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('PASSAGE_E_INPUT')
    expect(none.stderr).toContain('--tenant')
    const bad = await passage(s, env, [
      'connect',
      '--tenant',
      'nosuch.onmicrosoft.com',
      '--sandbox',
      s.sb.url,
      '--ca',
      ca,
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('PASSAGE_E_TENANT_UNKNOWN')
    expect(bad.stderr).not.toContain('PASSAGE_E_NETWORK')
  }, 30_000)
})
