/**
 * `passage renew` and `passage monitor --renew` through the built CLI (npm test builds dist/
 * first), against a sandbox tenant signed in with an app certificate. ContactMonkey's recommended
 * plan creates URL allows kept until 45 days after last use; with a window of 60 days they lapse
 * within it. A dry run changes nothing and writes the PowerShell; a renewal re-creates them
 * (exit 0) as a run that check and rollback do not take for the vendor's plan; an allow that lost
 * passage's marker is left and said (exit 3); bad input exits 2.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { passage } from '../app/cli-process.js'
import { sandbox, tenantNamed, type Sandbox } from '../app/helpers.js'
import { connectWithAppCert, planAndApply } from '../helpers/app-cert-connect.js'

const DAY = 86_400_000

interface Decision {
  changeId: string
  value: string
  action: 'renew' | 'leave'
  why: string
}
interface Renewed {
  decisions: Decision[]
  planHash: string
  plan: { renews: { planHash: string } } | null
  applied: { runId: number; status: string } | null
}

describe('passage renew', () => {
  let s: Sandbox
  let dir: string
  let db: string
  let tenant: string
  let planHash: string
  const urls = () =>
    tenantNamed(s, 'contoso').snapshot.state.tabl.items.filter(
      (i) => i.ListType === 'Url' && (i.Notes ?? '').includes('vendor=contactmonkey'),
    )

  /** `passage renew` of the tenant with a 60-day window (the allows lapse within it). */
  const renew60 = (...more: string[]) =>
    passage('--db', db, 'renew', '--tenant', tenant, '--within-days', '60', ...more)

  beforeAll(async () => {
    s = await sandbox()
    dir = mkdtempSync(join(tmpdir(), 'passage-renew-e2e-'))
    db = join(dir, 'passage.db')
    tenant = tenantNamed(s, 'contoso').snapshot.tenant.name
    const { connect: c } = await connectWithAppCert({
      s,
      tenant,
      dir,
      displayName: 'passage renew e2e',
      common: ['--db', db],
      passage,
      json: true,
    })
    expect(c.code, c.stderr).toBe(0)
    planHash = await planAndApply(
      passage,
      ['--db', db],
      tenant,
      join(dir, 'cm.json'),
      'contactmonkey',
      '--param',
      'region=us',
      '--param',
      'dedicatedIp=167.89.10.20',
    )
    expect(urls().length).toBeGreaterThan(0)
  }, 120_000)

  afterAll(async () => {
    await s?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses bad input with exit 2 before reading the tenant', async () => {
    for (const days of ['0', '61', 'soon']) {
      const r = await passage('--db', db, 'renew', '--tenant', tenant, '--within-days', days)
      expect(r.code, r.stdout).toBe(2)
      expect(r.stderr).toContain('--within-days')
    }
  }, 60_000)

  it('nothing lapses within 7 days of the apply: exit 0, nothing renewed', async () => {
    const r = await passage('--db', db, 'renew', '--tenant', tenant, '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as Renewed
    expect(out).toMatchObject({ decisions: [], plan: null, applied: null, planHash })
  }, 60_000)

  it('a dry run says what it would renew and writes the PowerShell, changing nothing', async () => {
    const ids = urls().map((i) => i.Identity)
    const ps1 = join(dir, 'renew.ps1')
    const r = await renew60('--dry-run', '--powershell', ps1, '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as Renewed
    expect(out.decisions.map((d) => d.action)).toEqual(ids.map(() => 'renew'))
    expect(out.plan?.renews.planHash).toBe(planHash)
    expect(out.applied).toBeNull()
    expect(urls().map((i) => i.Identity)).toEqual(ids)
    const script = readFileSync(ps1, 'utf8')
    expect(script).toContain('Remove-TenantAllowBlockListItems')
    expect(script).toMatch(/New-TenantAllowBlockListItems .*-RemoveAfter 45/)
  }, 60_000)

  it('renews: exit 0, the allows re-created as a renewal run; check still checks the vendor’s plan', async () => {
    const ids = urls().map((i) => i.Identity)
    const r = await renew60()
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Renewed in run \d+/)
    const now = urls()
    expect(now).toHaveLength(ids.length)
    expect(now.every((i) => i.RemoveAfter === 45)).toBe(true)
    expect(now.some((i) => ids.includes(i.Identity))).toBe(false)
    const c = await passage('--db', db, 'check', '--tenant', tenant, '--json')
    expect(c.code, c.stderr).toBe(0)
    expect((JSON.parse(c.stdout) as { planHash: string }).planHash).toBe(planHash)
  }, 60_000)

  it('monitor --renew refuses a window of 45 days or more (every pass would renew): exit 2', async () => {
    const r = await passage(
      '--db',
      db,
      'monitor',
      '--tenant',
      tenant,
      '--renew',
      '--within-days',
      '45',
    )
    expect(r.code, r.stdout).toBe(2)
    expect(r.stderr).toContain('must be under 45')
  }, 60_000)

  it('monitor --renew, 40 days on, renews what lapses within 7 days and stays green (exit 0)', async () => {
    // 40 days on: the runs' times are moved back in the store (the CLI runs on the real clock).
    const sqlite = new Database(db)
    const back = (iso: string | null) => iso && new Date(Date.parse(iso) - 40 * DAY).toISOString()
    for (const row of sqlite.prepare('select id, started_at, finished_at from runs').all() as {
      id: number
      started_at: string
      finished_at: string | null
    }[])
      sqlite
        .prepare('update runs set started_at = ?, finished_at = ? where id = ?')
        .run(back(row.started_at), back(row.finished_at), row.id)
    sqlite.prepare('update steps set finished_at = null').run()
    sqlite.close()
    const ids = urls().map((i) => i.Identity)
    const r = await passage('--db', db, 'monitor', '--tenant', tenant, '--renew', '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as {
      tenants: { state: string; renewal?: { decisions: Decision[]; run?: { status: string } } }[]
    }
    expect(out.tenants[0]?.state).toBe('green')
    expect(out.tenants[0]?.renewal?.run?.status).toBe('done')
    expect(urls().some((i) => ids.includes(i.Identity))).toBe(false)
  }, 60_000)

  it('leaves an allow that lost passage’s marker and says why: exit 3', async () => {
    const t = tenantNamed(s, 'contoso')
    const first = urls()[0]!
    first.Notes = 'kept by the mail team'
    const r = await renew60('--json')
    expect(r.code, r.stderr).toBe(3)
    const out = JSON.parse(r.stdout) as Renewed
    const left = out.decisions.find((d) => d.value === first.Value)
    expect(left?.action).toBe('leave')
    expect(left?.why).toContain('someone else owns it now')
    expect(t.snapshot.state.tabl.items.find((i) => i.Value === first.Value)?.Identity).toBe(
      first.Identity,
    )
  }, 60_000)
})
