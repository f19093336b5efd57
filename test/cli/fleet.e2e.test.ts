/**
 * `passage fleet` end to end: the built CLI, as an operator runs it, against a sandbox with a
 * generated fleet (tenants already consented, the app's service principal in Organization
 * Management) over HTTPS, and PostgreSQL (PASSAGE_TEST_PG_URL; a database of this file's own).
 * The CLI runs its own in-process workers; nothing of passage's is mocked.
 */
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/core/hash.js'
import {
  fleetRegistration,
  grantAdminConsent,
  startSandbox,
  type RunningSandbox,
  type SandboxTenant,
} from '../../src/sandbox/index.js'
import { openStore } from '../../src/store/index.js'
import { cliAgentSocket, cliEnv } from '../helpers/cli-env.js'
import { approveDeviceCode } from '../exchange/sandbox-helpers.js'
import { passageWithCodes } from '../helpers/cli-codes.js'

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js')
const PG = process.env.PASSAGE_TEST_PG_URL
if (!PG)
  console.warn(
    'fleet.e2e: skipped, PASSAGE_TEST_PG_URL is unset (fleet commands need PostgreSQL; CI sets it, here run scripts/pg-test-server.sh)',
  )

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the CLI without blocking this process (the sandbox answers from it). */
function passage(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(env) })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => {
      said.push(stdout, stderr)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Everything the CLI printed in this file, for the secret scan at the end. */
const said: string[] = []
/** The device codes the CLI showed (kept nowhere). */
const deviceCodes: string[] = []

/** A fresh database on the test server, for this file alone. */
async function freshDatabase(url: string): Promise<string> {
  const name = `passage_fleet_e2e_${randomBytes(4).toString('hex')}`
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(`CREATE DATABASE ${name}`)
  } finally {
    await c.end()
  }
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/** A tenant the app can manage: consented, role granted, enabled, no co-manager. */
const healthy = (t: SandboxTenant) =>
  Boolean(t.fleet?.consented && t.fleet.roleGranted && !t.fleet.spDisabled && !t.fleet.coManager)

/** The PowerShell text without the lines that name a plan's hash and time. */
const scriptBody = (ps: string) =>
  ps
    .split('\n')
    .filter((l) => !/plan hash|made \d{4}-/.test(l))
    .join('\n')

describe.skipIf(!PG)('passage fleet (CLI, sandbox fleet, PostgreSQL)', () => {
  let sb: RunningSandbox
  let env: Record<string, string>
  let dbUrl: string
  let dir: string
  let pilot: SandboxTenant[]
  let second: SandboxTenant[]
  let appId: string
  const original = new Map<string, string>()
  let fleetPlanId = ''
  let keyPem = ''

  beforeAll(async () => {
    dbUrl = await freshDatabase(PG!)
    dir = mkdtempSync(join(tmpdir(), 'passage-fleet-e2e-'))
    const reg = fleetRegistration({ seed: 7 })
    appId = reg.registration.clientId
    sb = await startSandbox({
      port: 0,
      fleet: { tenants: 24, seed: 7, preEnrolled: true, registration: reg.registration },
    })
    writeFileSync(join(dir, 'ca.pem'), sb.caPem)
    writeFileSync(join(dir, 'app.pem'), reg.certificatePem)
    writeFileSync(join(dir, 'app.key'), reg.privateKeyPem, { mode: 0o600 })
    keyPem = reg.privateKeyPem
    chmodSync(join(dir, 'app.key'), 0o600)
    const ok = sb.world.tenants.filter(healthy)
    expect(ok.length, 'the generated fleet has enough healthy tenants').toBeGreaterThanOrEqual(11)
    pilot = ok.slice(0, 6)
    second = ok.slice(6, 11)
    for (const t of pilot) original.set(t.snapshot.tenant.id, canonicalJson(t.snapshot.state))
    const line = (t: SandboxTenant, tags: string, access = 'change') =>
      `${t.snapshot.tenant.id},${t.snapshot.tenant.name},${tags},${access}`
    writeFileSync(
      join(dir, 'tenants.csv'),
      [
        'tenant,name,tags,access',
        ...pilot.map((t) => line(t, 'pilot')),
        // One tenant of the second group is enrolled read only: its apply is refused up front.
        ...second.map((t, i) => line(t, 'second', i === 0 ? 'read' : 'change')),
      ].join('\n'),
    )
    env = {
      PASSAGE_FLEET_DB: dbUrl,
      PASSAGE_FLEET_KEY_FILE: join(dir, 'app.key'),
      PASSAGE_DB: join(dir, 'single.db'),
    }
  }, 120_000)

  afterAll(async () => {
    await sb?.close()
    if (!dbUrl) return
    const c = new pg.Client({ connectionString: PG })
    await c.connect()
    try {
      await c.query(`DROP DATABASE IF EXISTS ${new URL(dbUrl).pathname.slice(1)} WITH (FORCE)`)
    } finally {
      await c.end()
    }
  })

  it('records the app and imports the pre-enrolled tenants', async () => {
    const set = await passage(
      env,
      'fleet',
      'app',
      'set',
      '--app-id',
      appId,
      '--certificate',
      join(dir, 'app.pem'),
      '--sandbox',
      sb.url,
      '--ca',
      join(dir, 'ca.pem'),
    )
    expect(set.stderr).toBe('')
    expect(set.code).toBe(0)
    const imp = await passage(env, 'fleet', 'import', join(dir, 'tenants.csv'), '--json')
    expect(imp.code, imp.stderr).toBe(0)
    const r = JSON.parse(imp.stdout) as { imported: { state: string }[]; refused: unknown[] }
    expect(r.imported.map((t) => t.state)).toEqual(Array(11).fill('enrolled'))
    const list = await passage(env, 'fleet', 'list', '--tag', 'pilot', '--json')
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(6)
  }, 120_000)

  it('refuses a bad selector and an unknown fleet plan with exit 2, before any job', async () => {
    const unknown = await passage(
      env,
      'fleet',
      'plan',
      'trustifi',
      '--tenants',
      'nobody.onmicrosoft.com',
    )
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/PASSAGE_E_FLEET_TENANT_UNKNOWN/)
    expect(unknown.stderr).not.toMatch(/\n\s+at /) // no stack trace
    const empty = await passage(env, 'fleet', 'plan', 'trustifi', '--tenants', 'tag:nobody')
    expect(empty.code).toBe(2)
    expect(empty.stderr).toMatch(/selects no tenant/)
    const typo = await passage(env, 'fleet', 'plan', 'trustifee', '--tenants', 'all')
    expect(typo.code).toBe(2)
    const plan = await passage(env, 'fleet', 'apply', 'fp-00000000', '--yes')
    expect(plan.code).toBe(2)
    expect(plan.stderr).toMatch(/PASSAGE_E_FLEET_PLAN_UNKNOWN/)
  }, 120_000)

  it('plans 6 tenants: one job each, grouped by the changes they make', async () => {
    const r = await passage(env, 'fleet', 'plan', 'trustifi', '--tenants', 'tag:pilot', '--json')
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const s = JSON.parse(r.stdout) as {
      fleetPlan: { id: string }
      total: number
      groups: { tenants: unknown[]; changes: unknown[]; powershell: string }[]
      nothing: unknown[]
      failed: unknown[]
    }
    fleetPlanId = s.fleetPlan.id
    expect(s.total).toBe(6)
    expect(s.failed).toEqual([])
    expect(s.groups.reduce((n, g) => n + g.tenants.length, 0) + s.nothing.length).toBe(6)
    expect(s.groups.length).toBeGreaterThan(0)
    for (const g of s.groups) {
      expect(g.changes.length).toBeGreaterThan(0)
      expect(g.powershell).toMatch(/^(Set|New)-\w+/m)
    }
    // The human summary names the groups and the next step.
    const human = await passage(env, 'fleet', 'status')
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(new RegExp(fleetPlanId))
  }, 180_000)

  it('a fleet of one plans exactly what `passage plan --tenant` plans from a discover', async () => {
    const t = pilot[0]!
    const store = await openStore(dbUrl)
    const fleetPlan = await (async () => {
      try {
        const item = await store.getFleetItem(fleetPlanId, t.snapshot.tenant.id, 'plan')
        return item?.planHash ? await store.getPlan(item.planHash) : undefined
      } finally {
        await store.close()
      }
    })()
    expect(fleetPlan, 'the fleet plan job saved its plan').toBeDefined()
    // The single-tenant way: connect (here with the same app certificate), then plan --tenant,
    // which discovers the tenant as it is now.
    const single = { PASSAGE_DB: join(dir, 'single.db') }
    const c = await passage(
      single,
      'connect',
      '--tenant',
      t.snapshot.tenant.name,
      '--sandbox',
      sb.url,
      '--ca',
      join(dir, 'ca.pem'),
      '--app-id',
      appId,
      '--certificate',
      join(dir, 'app.pem'),
      '--key',
      join(dir, 'app.key'),
      '--json',
    )
    expect(c.code, c.stderr).toBe(0)
    const p = await passage(
      single,
      'plan',
      'trustifi',
      '--tenant',
      t.snapshot.tenant.name,
      '--json',
    )
    expect(p.code, p.stderr).toBe(0)
    const plan = JSON.parse(p.stdout) as { changes: unknown[] }
    expect(canonicalJson(plan.changes)).toBe(canonicalJson(fleetPlan!.changes))
    const ps = await passage(
      single,
      'plan',
      'trustifi',
      '--tenant',
      t.snapshot.tenant.name,
      '--powershell',
      '-',
    )
    const { renderPlanScript } = await import('../../src/core/powershell/render.js')
    expect(scriptBody(ps.stdout)).toBe(scriptBody(renderPlanScript(fleetPlan!)))
  }, 180_000)

  it('refuses to apply without --yes when nobody can confirm (exit 2)', async () => {
    const r = await passage(env, 'fleet', 'apply', fleetPlanId)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/PASSAGE_E_CONFIRM/)
  })

  it('applies with a canary of 2, then the rest: all green', async () => {
    const r = await passage(env, 'fleet', 'apply', fleetPlanId, '--canary', '2', '--yes', '--json')
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const res = JSON.parse(r.stdout) as {
      waves: {
        kind: string
        tenants: { name: string }[]
        applied: number
        green: number
        failed: number
      }[]
      stopped: string | null
    }
    expect(res.stopped).toBeNull()
    expect(res.waves[0]!.kind).toBe('canary')
    expect(res.waves[0]!.tenants.map((t) => t.name)).toEqual(
      [...res.waves[0]!.tenants.map((t) => t.name)].sort(),
    )
    expect(res.waves[0]!.tenants.length).toBe(
      Math.min(2, res.waves.flatMap((w) => w.tenants).length),
    )
    for (const w of res.waves) {
      expect(w.failed).toBe(0)
      expect(w.green).toBe(w.tenants.length)
    }
    // Again: nothing is applied twice.
    const again = await passage(env, 'fleet', 'apply', fleetPlanId, '--yes', '--json')
    expect(again.code).toBe(0)
    expect((JSON.parse(again.stdout) as { waves: unknown[] }).waves).toEqual([])
  }, 300_000)

  it('shows the fleet status as JSON: applied and green', async () => {
    const r = await passage(env, 'fleet', 'status', '--tag', 'pilot', '--json')
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout) as {
      tenants: {
        name: string
        applied: string | null
        check: string
        lastFleetPlan: { id: string }
      }[]
      counts: Record<string, number>
    }
    expect(s.counts.enrolled).toBe(6)
    expect(s.tenants.every((t) => t.lastFleetPlan.id === fleetPlanId)).toBe(true)
    const applied = s.tenants.filter((t) => t.applied !== null)
    expect(applied.length).toBeGreaterThan(0)
    for (const t of applied) {
      expect(t.applied).toBe('done')
      expect(t.check).toBe('green')
    }
  })

  it('rolls back: every tenant back to its original state', async () => {
    // A check after the apply: green, so the rollback below is of a checked fleet.
    const checked = await passage(env, 'fleet', 'check', fleetPlanId)
    expect(checked.code, checked.stderr).toBe(0)
    const r = await passage(env, 'fleet', 'rollback', fleetPlanId, '--yes', '--json')
    expect(r.code, r.stderr + r.stdout).toBe(0)
    for (const t of pilot)
      expect(canonicalJson(t.snapshot.state)).toBe(original.get(t.snapshot.tenant.id))
    // Rolled back: nothing left to check or to roll back again.
    const check = await passage(env, 'fleet', 'check', fleetPlanId)
    expect(check.code).toBe(0)
    expect(check.stdout).toMatch(/nothing to check/)
    const again = await passage(env, 'fleet', 'rollback', fleetPlanId, '--yes')
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/nothing to roll back/)
    // Applying again after a rollback applies again (what counted as done was undone), and only
    // this run's outcomes count toward --max-failures (the red checks of rolled-back tenants don't).
    const reapply = await passage(
      env,
      'fleet',
      'apply',
      fleetPlanId,
      '--canary',
      '1',
      '--max-failures',
      '0%',
      '--yes',
      '--json',
    )
    expect(reapply.code, reapply.stderr + reapply.stdout).toBe(0)
    const res = JSON.parse(reapply.stdout) as { waves: { applied: number; green: number }[] }
    expect(res.waves.reduce((n, w) => n + w.applied, 0)).toBeGreaterThan(0)
    expect(res.waves.every((w) => w.green === w.applied)).toBe(true)
  }, 300_000)

  it('stops above --max-failures and cancels what is still queued (exit 3)', async () => {
    const p = await passage(env, 'fleet', 'plan', 'trustifi', '--tenants', 'tag:second', '--json')
    expect(p.code, p.stderr).toBe(0)
    const id = (JSON.parse(p.stdout) as { fleetPlan: { id: string } }).fleetPlan.id
    const r = await passage(
      env,
      'fleet',
      'apply',
      id,
      '--canary',
      '0',
      '--max-failures',
      '0%',
      '--workers',
      '1',
      '--yes',
      '--json',
    )
    expect(r.code, r.stderr + r.stdout).toBe(3)
    const res = JSON.parse(r.stdout) as {
      stopped: string | null
      readOnly: string[]
      cancelled: number
      waves: { applied: number; tenants: unknown[] }[]
    }
    expect(res.stopped).toMatch(/max-failures 0%/)
    expect(res.readOnly).toEqual([second[0]!.snapshot.tenant.name])
    // The stop came before every tenant was applied.
    expect(res.waves.reduce((n, w) => n + w.applied, 0)).toBeLessThan(4)
    expect(res.cancelled).toBeGreaterThan(0)
    // The human status shows the cancelled tenants' reason.
    const st = await passage(env, 'fleet', 'status', '--tag', 'second')
    expect(st.stdout).toMatch(/cancelled|PASSAGE_E_FLEET_STOPPED/)
  }, 300_000)

  it('enrols a tenant: consent URL, then one device code grants the role; then it can be planned', async () => {
    const t = sb.world.tenants.find((x) => x.fleet && !x.fleet.consented && !x.fleet.spDisabled)
    expect(t, 'the generated fleet has a tenant never consented').toBeDefined()
    const name = t!.snapshot.tenant.name
    // The customer's Global Administrator consents while the CLI waits for it.
    const consent = new Promise((res) => setTimeout(res, 1500)).then(() =>
      grantAdminConsent({ baseUrl: sb.url, caPem: sb.caPem, tenant: name, clientId: appId }),
    )
    const r = await passageWithCodes(
      {
        ...env,
        PASSAGE_KEY_AGENT_SOCKET: cliAgentSocket(),
        PASSAGE_TOKEN_CACHE_FILE: join(dir, 'enrol-tokens.cache'),
      },
      ['fleet', 'enrol', name, '--tag', 'late', '--json'],
      (code) => approveDeviceCode({ sb }, code, `admin@${name}`),
    )
    await consent
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('/adminconsent?client_id=')
    expect(r.stderr).toMatch(/Organization Management/)
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      tenant: { name, state: 'enrolled', access: 'change', tags: ['late'] },
    })
    expect(r.codes).toHaveLength(1)
    deviceCodes.push(...r.codes)
    said.push(r.stdout, r.stderr)
    const p = await passage(env, 'fleet', 'plan', 'trustifi', '--tenants', 'tag:late', '--json')
    expect(p.code, p.stderr).toBe(0)
  }, 300_000)

  it('after the whole run: no secret in the store, the job queue or what the CLI printed', async () => {
    // Every row of passage's tables and of pg-boss's (job data, outputs, the dead letter), as text.
    const c = new pg.Client({ connectionString: dbUrl })
    await c.connect()
    let stored = ''
    try {
      const { rows: tables } = await c.query<{ schema: string; name: string }>(
        `select table_schema as schema, table_name as name from information_schema.tables
         where table_schema in ('public', 'passage_jobs') and table_type = 'BASE TABLE'`,
      )
      expect(tables.some((t) => t.schema === 'passage_jobs' && t.name === 'job')).toBe(true)
      for (const t of tables) {
        const { rows } = await c.query<{ row: string }>(
          `select row_to_json(x)::text as row from "${t.schema}"."${t.name}" x`,
        )
        stored += rows.map((r) => r.row).join('\n')
      }
    } finally {
      await c.end()
    }
    expect(stored).toContain('fleet_plan_id') // the scan read the fleet's rows
    const keyBody = keyPem.split('\n')[2] ?? 'no key line'
    const jwt = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]+/
    for (const [where, text] of [
      ['the store and the queue', stored],
      ['the CLI output', said.join('\n')],
    ] as const) {
      expect(text, where).not.toContain('PRIVATE KEY')
      expect(text, where).not.toContain(keyBody)
      expect(text, where).not.toMatch(jwt)
    }
    // The device code is shown to the admin (that is its purpose), never kept.
    for (const code of deviceCodes) expect(stored).not.toContain(code)
  }, 120_000)
})
