/**
 * The opt-in token cache end to end through the built CLI (npm test builds dist/ first), against
 * a sandbox: `connect --token-cache` with a device code (approved on the sandbox's sign-in page
 * like an admin would), then `discover` in a new process signs in silently, without a new code.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { approveDeviceCode } from '../exchange/sandbox-helpers.js'
import { passageWithCodes } from '../helpers/cli-codes.js'
import { sandbox, tenantNamed, type Sandbox } from './helpers.js'

const KEY = 'e2e passphrase, long enough'

const passage = passageWithCodes

describe('passage connect --token-cache', () => {
  let s: Sandbox
  let dir: string
  let name: string
  let upn: string
  let env: Record<string, string>
  let target: string[]

  beforeAll(async () => {
    s = await sandbox()
    dir = mkdtempSync(join(tmpdir(), 'passage-tc-cli-'))
    name = tenantNamed(s, 'contoso').snapshot.tenant.name
    upn = `exchange@${name}`
    writeFileSync(join(dir, 'ca.pem'), s.sb.caPem)
    env = {
      PASSAGE_DB: join(dir, 'passage.db'),
      PASSAGE_TOKEN_CACHE_FILE: join(dir, 'home', '.passage', 'tokens.cache'),
      // The passphrase cache only: no key agent (one-sign-in.e2e.test.ts covers it).
      PASSAGE_KEY_AGENT: '0',
    }
    target = ['--tenant', name, '--sandbox', s.sb.url, '--ca', join(dir, 'ca.pem')]
  })

  afterAll(async () => {
    await s?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('refuses without PASSAGE_TOKEN_CACHE_KEY, before any code, writing nothing', async () => {
    const r = await passage(env, ['connect', ...target, '--token-cache'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('PASSAGE_E_TOKEN_CACHE_KEY')
    expect(r.stderr).toContain('PASSAGE_TOKEN_CACHE_KEY')
    expect(r.codes).toEqual([])
    expect(() => statSync(env.PASSAGE_TOKEN_CACHE_FILE!)).toThrow()
  }, 30_000)

  it('connect with a device code, then discover in a new process without a code', async () => {
    const withKey = { ...env, PASSAGE_TOKEN_CACHE_KEY: KEY }
    const approvals: Promise<void>[] = []
    const c = await passage(withKey, ['connect', ...target, '--token-cache', '--json'], (code) =>
      approvals.push(approveDeviceCode(s, code, upn)),
    )
    await Promise.all(approvals)
    expect(c.stderr).not.toContain('PASSAGE_E')
    expect(c.code).toBe(0)
    // One code, Exchange's: with Microsoft's default apps Graph is not signed in (issue 14).
    expect(c.codes).toHaveLength(1)
    expect(JSON.parse(c.stdout)).toMatchObject({
      ok: true,
      actor: upn,
      tokenCache: env.PASSAGE_TOKEN_CACHE_FILE,
    })
    const file = env.PASSAGE_TOKEN_CACHE_FILE!
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const bytes = readFileSync(file).toString('latin1')
    expect(bytes).not.toContain(upn)
    expect(bytes).not.toContain('eyJ')

    const d = await passage(withKey, ['discover', '--json'], () => {
      throw new Error('discover asked for a device code')
    })
    expect(d.stderr).not.toContain('Sign in to continue')
    expect(d.codes).toEqual([])
    expect(d.stderr).toContain(`Signed in as ${upn} from the token cache.`)
    expect(d.code).toBe(0)
    expect(JSON.parse(d.stdout)).toMatchObject({ snapshot: { tenant: { name } } })
    for (const out of [c.stdout, c.stderr, d.stdout, d.stderr]) expect(out).not.toContain(KEY)
  }, 60_000)

  it('a changed passphrase: says why it asks for a new code, never the passphrase', async () => {
    const wrong = 'wrong e2e passphrase here'
    const r = await passage({ ...env, PASSAGE_TOKEN_CACHE_KEY: wrong }, ['discover'], (_c, kill) =>
      kill(),
    )
    expect(r.stderr).toContain(
      'Signing in again: the token cache was written with another passphrase than PASSAGE_TOKEN_CACHE_KEY',
    )
    expect(r.stderr).not.toContain(wrong)
    expect(r.codes).toHaveLength(1)
  }, 30_000)

  it('connect --sign-out deletes the cache; the next command asks for a code', async () => {
    const out = await passage(env, ['connect', '--sign-out', '--json'])
    expect(out.code).toBe(0)
    expect(JSON.parse(out.stdout)).toMatchObject({
      ok: true,
      signedOut: true,
      file: env.PASSAGE_TOKEN_CACHE_FILE,
    })
    expect(() => statSync(env.PASSAGE_TOKEN_CACHE_FILE!)).toThrow()
    const d = await passage({ ...env, PASSAGE_TOKEN_CACHE_KEY: KEY }, ['discover'], (_c, kill) =>
      kill(),
    )
    expect(d.codes).toHaveLength(1)
  }, 30_000)
})
