/**
 * End to end through the built CLI (npm test builds dist/ first): `passage demo` on its own, and
 * connect / discover / plan --tenant / apply / check / rollback / runs against a sandbox with an
 * app certificate and a SQLite store in a temporary folder.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentHash } from '../../src/core/hash.js'
import { passage } from './cli-process.js'
import { sandbox, tenantNamed, worldState, type Sandbox } from './helpers.js'
import { connectWithAppCert } from '../helpers/app-cert-connect.js'

describe('passage demo', () => {
  it('runs the whole job on its own, exits 0 and ends equal to the original', async () => {
    const started = Date.now()
    const r = await passage('demo')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines.at(-1)).toMatch(/every tenant is equal to the original\.$/)
    expect(r.stdout).toContain(
      'Approving as exchange@northwindtraders.onmicrosoft.com on https://127.0.0.1:',
    )
    expect(r.stdout).toContain('green:')
    expect(Date.now() - started).toBeLessThan(60_000)
  }, 90_000)
})

describe('passage demo, failing', () => {
  it('exits 3 when a run fails (every mail flow rule creation refused), and says what failed', async () => {
    const r = await passage('demo', '--faults', 'cmdlet:New-TransportRule=ExBDDC58')
    expect(r.code).toBe(3)
    expect(r.stdout).toContain('Not everything went as it should')
    expect(r.stdout).toMatch(/apply failed/)
  }, 90_000)
})

describe('the tenant commands', () => {
  let s: Sandbox
  let dir: string
  let db: string
  let common: string[]

  /** ContactMonkey's recommended plan for a connected tenant, written (signed) to a file. */
  const planContactMonkey = (tenant: string, out: string) =>
    passage(
      ...common,
      'plan',
      'contactmonkey',
      '--tenant',
      tenant,
      '--param',
      'region=us',
      '--param',
      'dedicatedIp=167.89.10.20',
      '--out',
      out,
    )

  beforeAll(async () => {
    s = await sandbox()
    dir = mkdtempSync(join(tmpdir(), 'passage-cli-'))
    db = join(dir, 'passage.db')
    const t = tenantNamed(s, 'contoso')
    common = ['--db', db]
    const { connect: r } = await connectWithAppCert({
      s,
      tenant: t.snapshot.tenant.name,
      dir,
      displayName: 'passage cli e2e',
      common,
      passage,
      json: true,
    })
    expect(r.stderr).not.toContain('error')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, licence: 'mdo-p2' })
  }, 30_000)

  afterAll(async () => {
    await s?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('discover, plan --tenant, apply --yes, check, rollback --yes, runs', async () => {
    const t = tenantNamed(s, 'contoso')
    const original = worldState(t)
    const d = await passage(...common, 'discover', '--out', join(dir, 'snap.json'))
    expect(d.code).toBe(0)
    expect(d.stdout).toContain('Defender for Office 365 Plan 2')
    const planFile = join(dir, 'plan.json')
    const p = await planContactMonkey(t.snapshot.tenant.name, planFile)
    expect(p.code).toBe(0)
    // Without a terminal, apply asks for --yes.
    const refused = await passage(...common, 'apply', planFile)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('PASSAGE_E_CONFIRM')
    expect(worldState(t)).toBe(original)
    const a = await passage(...common, 'apply', planFile, '--yes')
    expect(a.code).toBe(0)
    expect(a.stderr).toContain('✓ c01')
    expect(a.stdout).toMatch(/done, 9\/9 changes/)
    const c = await passage(...common, 'check', '--json')
    expect(c.code).toBe(0)
    expect(JSON.parse(c.stdout)).toMatchObject({ green: true })
    const rb = await passage(...common, 'rollback', '--yes')
    expect(rb.code).toBe(0)
    expect(worldState(t)).toBe(original)
    const again = await passage(...common, 'rollback', '--yes')
    expect(again.stdout).toContain('already rolled back')
    const runs = await passage(...common, 'runs', '--json')
    expect(
      (JSON.parse(runs.stdout) as { kind: string; status: string }[]).map(
        (r) => `${r.kind}:${r.status}`,
      ),
    ).toEqual(expect.arrayContaining(['apply:rolled-back', 'check:done', 'rollback:done']))
  }, 60_000)

  it('apply refuses an edited or foreign plan file (exit 2) until it is re-signed, and still re-checks it', async () => {
    const t = tenantNamed(s, 'contoso')
    const original = worldState(t)
    const planFile = join(dir, 'signed.json')
    const p = await planContactMonkey(t.snapshot.tenant.name, planFile)
    expect(p.code).toBe(0)
    const signed = JSON.parse(readFileSync(planFile, 'utf8')) as Record<string, unknown>
    expect(String(signed.signature)).toMatch(/^hmac-sha256:[0-9a-f]{64}$/)
    // An attacker adds a private range to the IP Allow List and recomputes the hash.
    const { signature: _sig, hash: _hash, ...body } = signed
    const changes = body.changes as Record<string, unknown>[]
    const cf = { Name: 'Default', IPAllowList: [], IPBlockList: [], EnableSafeList: false }
    const forgedChange = {
      ...changes[0],
      id: 'c99',
      surface: 'connection-filter',
      op: 'update',
      target: 'default',
      summary: 'Tidy up',
      before: cf,
      after: { ...cf, IPAllowList: ['10.0.0.0/24'] },
      add: { IPAllowList: ['10.0.0.0/24'] },
      dependsOn: [],
      calls: [
        {
          cmdlet: 'Set-HostedConnectionFilterPolicy',
          params: { Identity: 'Default', IPAllowList: { kind: 'hashtable', Add: ['10.0.0.0/24'] } },
        },
      ],
    }
    delete (forgedChange as Record<string, unknown>).set
    const forgedBody = { ...body, changes: [...changes, forgedChange] }
    const forged = join(dir, 'forged.json')
    writeFileSync(
      forged,
      JSON.stringify({ ...forgedBody, hash: contentHash(forgedBody), signature: signed.signature }),
    )
    const unsigned = await passage(...common, 'apply', forged, '--yes')
    expect(unsigned.code).toBe(2)
    expect(unsigned.stderr).toContain('PASSAGE_E_PLAN_UNSIGNED')
    expect(worldState(t)).toBe(original)
    // Someone re-signs it without looking: apply still derives and re-checks every change.
    const resigned = await passage(...common, 'plan', '--resign', forged, '--yes')
    expect(resigned.code).toBe(0)
    const refused = await passage(...common, 'apply', forged, '--yes', '--json')
    expect(refused.code).toBe(2)
    expect(refused.stdout + refused.stderr).toContain('PASSAGE_E_REFUSED_ADDRESS')
    expect(refused.stdout + refused.stderr).toContain('c99')
    expect(worldState(t)).toBe(original)
  }, 60_000)

  it('rollback after an admin edit: a conflict (exit 3), the admin value kept; --force restores', async () => {
    const t = tenantNamed(s, 'contoso')
    const original = worldState(t)
    const planFile = join(dir, 'rule.json')
    const p = await planContactMonkey(t.snapshot.tenant.name, planFile)
    expect(p.code).toBe(0)
    expect((await passage(...common, 'apply', planFile, '--yes')).code).toBe(0)
    // The admin takes over passage's mail flow rule (its marker goes).
    const rule = t.snapshot.state.transportRules.find((r) =>
      r.Comments?.includes('managed-by=passage'),
    )
    expect(rule).toBeDefined()
    rule!.Comments = 'owned by the mail team now'
    const rb = await passage(...common, 'rollback', '--yes')
    expect(rb.code).toBe(3)
    expect(rb.stdout).toContain('Left as someone set them after apply')
    expect(t.snapshot.state.transportRules.some((r) => r.Name === rule!.Name)).toBe(true)
    const forced = await passage(...common, 'rollback', '--yes', '--force')
    expect(forced.code).toBe(0)
    expect(worldState(t)).toBe(original)
  }, 60_000)

  it('a user error: apply of a plan file that is not there (exit 2)', async () => {
    const r = await passage(...common, 'apply', join(dir, 'missing.json'), '--yes')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('PASSAGE_E_FILE')
  })
})
