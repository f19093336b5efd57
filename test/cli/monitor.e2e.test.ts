/**
 * `passage monitor` and `passage schedule` through the built CLI (npm test builds dist/ first),
 * against a sandbox tenant signed in with an app certificate (no device code) and, for the
 * schedules, PostgreSQL (PASSAGE_TEST_PG_URL: a database of this file's own). ContactMonkey's
 * recipe adds its IP to the connection filter; someone then removes it. A pass says green (exit 0,
 * no alert: nothing changed), then drifted (exit 3, one HMAC-signed webhook alert), then drifted
 * again with no second alert; bad input exits 2 with its code; a schedule is kept, listed and
 * removed; and a worker runs it when pg-boss's cron fires.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, type CliRun } from '../app/cli-process.js'
import { sandbox, tenantNamed, type Sandbox } from '../app/helpers.js'
import { connectWithAppCert, planAndApply } from '../helpers/app-cert-connect.js'
import { cliEnv } from '../helpers/cli-env.js'
import { webhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js'

const PG = process.env.PASSAGE_TEST_PG_URL
const SECRET = `hook-${randomBytes(12).toString('hex')}`
const IP = '167.89.10.20'

describe('passage monitor and passage schedule', () => {
  let s: Sandbox
  let dir: string
  let db: string
  let tenant: string
  let hook: WebhookReceiver
  let fleetDb = ''
  const dbName = `passage_mon_${randomBytes(5).toString('hex')}`
  const children = new Set<ChildProcess>()

  const env = () => ({
    PASSAGE_DB: '',
    PASSAGE_HOOK_SECRET: SECRET,
    ...(fleetDb ? { PASSAGE_FLEET_DB: fleetDb } : {}),
  })
  const passage = (...args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(env()) })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
  /** `passage schedule check` of the tenant, with `more`. */
  const scheduleCheck = (...more: string[]) =>
    passage('--db', db, 'schedule', 'check', '--tenant', tenant, ...more)
  const hookArgs = () => ['--webhook', hook.url, '--webhook-secret-env', 'PASSAGE_HOOK_SECRET']

  beforeAll(async () => {
    s = await sandbox()
    dir = mkdtempSync(join(tmpdir(), 'passage-monitor-e2e-'))
    db = join(dir, 'passage.db')
    const t = tenantNamed(s, 'contoso')
    tenant = t.snapshot.tenant.name
    const { connect: c } = await connectWithAppCert({
      s,
      tenant,
      dir,
      displayName: 'passage monitor e2e',
      common: ['--db', db],
      passage,
      json: true,
    })
    expect(c.code, c.stderr).toBe(0)
    await planAndApply(
      passage,
      ['--db', db],
      tenant,
      join(dir, 'cm.json'),
      'contactmonkey',
      '--mechanism',
      'recipe',
      '--param',
      'region=us',
      '--param',
      `dedicatedIp=${IP}`,
    )

    hook = await webhookReceiver(SECRET)
    if (PG) {
      const admin = new pg.Client({ connectionString: PG })
      await admin.connect()
      await admin.query(`create database ${dbName}`)
      await admin.end()
      const u = new URL(PG)
      u.pathname = `/${dbName}`
      fleetDb = u.toString()
    }
  }, 120_000)

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL')
    await hook?.close()
    await s?.close()
    if (PG) {
      const admin = new pg.Client({ connectionString: PG })
      await admin.connect()
      await admin.query(`drop database if exists ${dbName} with (force)`)
      await admin.end()
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('green the first time: exit 0, and no alert (nothing changed)', async () => {
    const r = await passage('--db', db, 'monitor', '--tenant', tenant, ...hookArgs(), '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as {
      tenants: { state: string; vendor: string; alert: unknown }[]
      green: boolean
    }
    expect(out.tenants).toHaveLength(1)
    expect(out.tenants[0]).toMatchObject({ vendor: 'contactmonkey', state: 'green', alert: null })
    expect(out.green).toBe(true)
    expect(hook.verified).toHaveLength(0)
  }, 60_000)

  it('drift: exit 3 and one signed alert saying what changed; the same drift again alerts nothing', async () => {
    const t = tenantNamed(s, 'contoso')
    const cf = t.snapshot.state.connectionFilter
    t.snapshot.state = {
      ...t.snapshot.state,
      connectionFilter: { ...cf, IPAllowList: cf.IPAllowList.filter((x) => x !== IP) },
    }
    const r = await passage('--db', db, 'monitor', '--tenant', tenant, ...hookArgs())
    expect(r.code, r.stderr).toBe(3)
    expect(r.stdout).toMatch(/drifted/)
    expect(r.stdout).toMatch(/fix: /)
    expect(hook.verified.map((a) => a.kind)).toEqual(['drifted'])
    expect(hook.verified[0]?.reasons.join(' ')).toContain(IP)
    expect(hook.refused()).toBe(0)

    const again = await passage('--db', db, 'monitor', '--tenant', tenant, ...hookArgs(), '--json')
    expect(again.code).toBe(3)
    const out = JSON.parse(again.stdout) as { tenants: { state: string; alert: unknown }[] }
    expect(out.tenants[0]).toMatchObject({ state: 'drifted', alert: null })
    expect(hook.verified).toHaveLength(1)
    // The secret is read from the environment and never printed.
    expect(r.stdout + r.stderr + again.stdout + again.stderr).not.toContain(SECRET)
  }, 60_000)

  it('refuses bad input with exit 2 and the catalogue code, before reading any tenant', async () => {
    const cases: [string[], RegExp][] = [
      [['monitor'], /--tenant <name\|guid> or --fleet/],
      [['monitor', '--tenant', tenant, '--fleet'], /not both/],
      [['monitor', '--tenant', tenant, '--webhook', hook.url], /signing secret/],
      [
        [
          'monitor',
          '--tenant',
          tenant,
          '--webhook',
          'http://hooks.example.com/x',
          '--webhook-secret-env',
          'PASSAGE_HOOK_SECRET',
        ],
        /must be https/,
      ],
      [
        [
          'monitor',
          '--tenant',
          tenant,
          '--webhook',
          hook.url,
          '--webhook-secret-env',
          'PASSAGE_NO_SUCH_VAR',
        ],
        /PASSAGE_NO_SUCH_VAR is not set/,
      ],
      [['monitor', '--tenant', tenant, '--within-days', '0'], /--within-days takes a whole number/],
      [['monitor', '--tenant', tenant, '--smtp', 'smtp.example.com'], /--mail-from/],
    ]
    const before = { ...s.sb.requests }
    for (const [args, message] of cases) {
      const r = await passage('--db', db, ...args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toMatch(/PASSAGE_E_INPUT/)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    expect(hook.verified).toHaveLength(1)
    // Refused before signing in or reading: the sandbox saw no request at all.
    expect(s.sb.requests).toEqual(before)
  }, 60_000)

  describe.skipIf(!PG)('schedules on PostgreSQL', () => {
    it('keeps a schedule, lists it, refuses a bad cron or zone (2), removes it; a second remove exits 2', async () => {
      const bad = await scheduleCheck('--cron', 'daily')
      expect(bad.code, bad.stderr).toBe(2)
      expect(bad.stderr).toMatch(/cron 'daily'/)
      const zone = await scheduleCheck('--cron', '0 6 * * *', '--tz', 'Mars/Base')
      expect(zone.code).toBe(2)
      expect(zone.stderr).toMatch(/not an IANA zone/)

      const add = await scheduleCheck('--cron', '0 6 * * *', ...hookArgs(), '--json')
      expect(add.code, add.stderr).toBe(0)
      const kept = JSON.parse(add.stdout) as { name: string; job: Record<string, unknown> }
      expect(kept.name).toBe('check-contoso')
      // Where the secret is, never the secret.
      expect(JSON.stringify(kept)).not.toContain(SECRET)
      expect(kept.job).toMatchObject({
        target: 'tenant',
        alerts: { webhook: { url: hook.url, secret: { env: 'PASSAGE_HOOK_SECRET' } } },
      })
      const list = await passage('schedule', 'list', '--json')
      expect(list.code, list.stderr).toBe(0)
      expect(JSON.parse(list.stdout)).toEqual([
        expect.objectContaining({ name: 'check-contoso', cron: '0 6 * * *', timezone: 'UTC' }),
      ])
      const rm = await passage('schedule', 'remove', 'check-contoso')
      expect(rm.code, rm.stderr).toBe(0)
      const rm2 = await passage('schedule', 'remove', 'check-contoso')
      expect(rm2.code).toBe(2)
      expect(rm2.stderr).toMatch(/No schedule is named 'check-contoso'/)
    }, 90_000)

    it('a worker runs the schedule when pg-boss fires it: one pass, no repeated alert, stops on SIGTERM with 0', async () => {
      // Every minute: it fired less than a minute ago when the worker's cron first looks.
      const add = await scheduleCheck(
        '--cron',
        '* * * * *',
        '--name',
        'every-minute',
        ...hookArgs(),
      )
      expect(add.code, add.stderr).toBe(0)
      const child = spawn(process.execPath, [CLI, 'worker', '--schedules-only'], {
        env: cliEnv(env()),
      })
      children.add(child)
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
      const end = Date.now() + 45_000
      while (!/schedule every-minute: /.test(stderr) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 250))
      expect(stderr).toMatch(/schedule every-minute: 1 drifted; 0 alert\(s\) sent/)
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      children.delete(child)
      expect(hook.verified).toHaveLength(1)
      expect(stderr).not.toContain(SECRET)
      expect((await passage('schedule', 'remove', 'every-minute')).code).toBe(0)
    }, 90_000)
  })
})
