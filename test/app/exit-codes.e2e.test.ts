/**
 * Exit codes are a contract scripts rely on (README): 0 done, 2 refused or invalid input, 3
 * refused by Microsoft 365 or a failed, partial or not-green run, 1 a bug. Each command through
 * the built CLI, in a failing and a succeeding case, against a sandbox whose first
 * New-TransportRule is refused (a forced cmdlet fault).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { passage } from './cli-process.js'
import { sandbox, tenantNamed, worldState, type Sandbox } from './helpers.js'
import { connectWithAppCert } from '../helpers/app-cert-connect.js'

describe('exit codes, end to end', () => {
  let s: Sandbox
  let dir: string
  let common: string[]
  let tenant: string

  beforeAll(async () => {
    // The first mail flow rule creation is refused by "Exchange" with a validation error.
    s = await sandbox('cmdlet:New-TransportRule@1=400')
    dir = mkdtempSync(join(tmpdir(), 'passage-exit-'))
    const t = tenantNamed(s, 'contoso')
    tenant = t.snapshot.tenant.name
    common = ['--db', join(dir, 'passage.db')]
    const { connect: r } = await connectWithAppCert({
      s,
      tenant,
      dir,
      displayName: 'passage exit codes',
      common,
      passage,
    })
    expect(r.code).toBe(0)
  }, 30_000)

  afterAll(async () => {
    await s?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('plan, apply (3 when a cmdlet is refused), check (3 while partial), resume, check, rollback', async () => {
    const t = tenantNamed(s, 'contoso')
    const original = worldState(t)
    const planFile = join(dir, 'plan.json')
    const cm = ['--param', 'region=us', '--param', 'dedicatedIp=167.89.10.20']
    expect((await passage(...common, 'plan', 'nosuchvendor', '--tenant', tenant)).code).toBe(2)
    const p = await passage(
      ...common,
      'plan',
      'contactmonkey',
      '--tenant',
      tenant,
      ...cm,
      '--out',
      planFile,
    )
    expect(p.code).toBe(0)
    const failed = await passage(...common, 'apply', planFile, '--yes')
    expect(failed.code).toBe(3)
    expect(failed.stdout).toContain('failed')
    // check after a partial apply checks that run: what is in effect, what is not, what to do.
    const partial = await passage(...common, 'check', '--json')
    expect(partial.code).toBe(3)
    const report = JSON.parse(partial.stdout) as {
      green: boolean
      partial: { status: string; inEffect: string[]; notInEffect: string[]; next: string }
    }
    expect(report.green).toBe(false)
    expect(report.partial.status).toBe('failed')
    expect(report.partial.notInEffect.length).toBeGreaterThan(0)
    expect(report.partial.next).toContain('passage apply')
    // The fault is spent: the same apply resumes and finishes.
    const resumed = await passage(...common, 'apply', planFile, '--yes')
    expect(resumed.code).toBe(0)
    expect((await passage(...common, 'check')).code).toBe(0)
    expect((await passage(...common, 'runs')).code).toBe(0)
    expect((await passage(...common, 'rollback', '--yes')).code).toBe(0)
    expect(worldState(t)).toBe(original)
    // Nothing applied any more: nothing to check is a user's mistake.
    expect((await passage(...common, 'check')).code).toBe(2)
    expect((await passage(...common, 'rollback', 'x', '--yes')).code).toBe(2)
  }, 120_000)

  it('connect to a tenant that does not exist, or with no tenant name: 2, said so', async () => {
    const ca = ['--sandbox', s.sb.url, '--ca', join(dir, 'ca.pem')]
    const unknown = await passage(...common, 'connect', '--tenant', 'nosuch.onmicrosoft.com', ...ca)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('PASSAGE_E_TENANT_UNKNOWN')
    const bad = await passage(...common, 'connect', '--tenant', 'not a tenant!', ...ca)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('is no tenant name')
  }, 60_000)

  it('read-only commands: 0 when they answer, 2 for bad input', async () => {
    expect((await passage('vendors')).code).toBe(0)
    expect((await passage('vendor', 'show', 'trustifi')).code).toBe(0)
    expect((await passage('vendor', 'show', 'nosuchvendor')).code).toBe(2)
    expect((await passage('--help')).code).toBe(0)
    expect((await passage('nosuchcommand')).code).toBe(2)
    expect(
      (await passage('plan', 'trustifi', '--tenant-snapshot', 'examples/eop-only.json')).code,
    ).toBe(0)
    expect((await passage('simulate', 'trustifi', '--tenant-snapshot', 'nope.json')).code).toBe(2)
  }, 60_000)
})
