/// <reference lib="dom" />
/**
 * The fleet dashboard in Chromium (`passage serve --fleet --database <store>`, the built CLI):
 * a seeded 1,000-tenant fleet loads with its first page, counts and expiry timeline; filtering by
 * state narrows the table through the server; a tenant's page shows its last plan, check findings
 * and history (SQLite, read only).
 *
 * With PASSAGE_TEST_PG_URL, the fleet actions for real: a sandbox with a generated fleet (tenants
 * already consented), the operator's app recorded and the tenants imported with the built CLI
 * (`passage fleet app set`, `passage fleet import`), a `passage worker` child process doing the
 * jobs, and the dashboard on the same PostgreSQL database. From the page: plan a vendor for five
 * tenants, apply with a canary, check, roll back, each showing its progress to the end; the
 * sandbox tenants' state objects change with the apply and are exactly as before after the
 * rollback. Progress is the store's: a check queued while no worker runs survives a restart of
 * the dashboard (the new one shows it running, then finishing when a worker is back).
 * Build first: `npm run build`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/core/hash.js'
import {
  fleetRegistration,
  startSandbox,
  type RunningSandbox,
  type SandboxTenant,
} from '../../src/sandbox/index.js'
import { seedDashboardFleet, type SeededFleet } from '../../src/store/fleet-dashboard.fixtures.js'
import { openStore, type Store } from '../../src/store/index.js'
import { cliEnv } from '../helpers/cli-env.js'
import { CHROMIUM, HAS_CHROMIUM, launch, ROOT, shot, type Browsing } from './harness.js'

const PG_URL = process.env.PASSAGE_TEST_PG_URL
const CLI = join(ROOT, 'dist', 'cli', 'main.js')

if (!HAS_CHROMIUM)
  console.warn(`Skipping the fleet dashboard's browser tests: ${CHROMIUM} is missing.`)

/** A child process, stopped with SIGTERM (SIGKILL after 10 s); resolves when it has exited. */
function stopper(child: ChildProcess): () => Promise<void> {
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  return () =>
    new Promise<void>((resolve) => {
      process.off('exit', kill)
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
    })
}

/** Runs the built CLI to its end without blocking this process (the sandbox answers from it). */
function passage(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(env) })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** `passage worker` as an operator runs it: the fleet database, the app key from a file. */
function startWorker(dbUrl: string, keyFile: string): { log: () => string; stop(): Promise<void> } {
  const child = spawn(
    process.execPath,
    [CLI, 'worker', '--db', dbUrl, '--key', keyFile, '--concurrency', '4', '--verbose'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv({ PASSAGE_DB: '' }) },
  )
  let log = ''
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()))
  return { log: () => log, stop: stopper(child) }
}

/** `passage serve --fleet --database <location>`, resolved with its URL. */
async function serveFleet(location: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'serve', '--fleet', '--database', location, '--port', '0'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv({ PASSAGE_DB: '' }) },
  )
  const kill = () => child.kill('SIGTERM')
  process.once('exit', kill)
  let out = ''
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL in 30 s:\n${out}\n${err}`)), 30_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /(https?:\/\/\S+#token=[A-Za-z0-9_-]+)/.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.on('exit', (c) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${c}:\n${out}\n${err}`))
    })
  })
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        process.off('exit', kill)
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      }),
  }
}

async function open(b: Browsing, url: string): Promise<Page> {
  const page = await b.context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  ;(page as Page & { errors?: string[] }).errors = errors
  await page.goto(url)
  return page
}

const range = (page: Page) => page.getByTestId('fleet-range').textContent()

describe.skipIf(!HAS_CHROMIUM)('fleet dashboard in Chromium (passage serve --fleet)', () => {
  let dir: string
  let b: Browsing
  let seeded: SeededFleet
  let served: Awaited<ReturnType<typeof serveFleet>>

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passage-fleet-e2e-'))
    const location = join(dir, 'fleet.db')
    const store = await openStore(location)
    seeded = await seedDashboardFleet(store, 1000)
    await store.close()
    ;[served, b] = await Promise.all([serveFleet(location), launch()])
  }, 120_000)

  afterAll(async () => {
    await Promise.allSettled([b?.close(), served?.stop()])
    rmSync(dir, { recursive: true, force: true })
  })

  it('loads 1,000 tenants a page at a time, filters by state on the server, opens a tenant', async () => {
    const page = await open(b, served.url)
    const notRemoved = 1000 - seeded.states.removed
    await page.getByRole('heading', { level: 2, name: 'Fleet' }).waitFor()
    await expect.poll(() => range(page)).toBe(`Tenants 1–50 of ${notRemoved}`)
    expect(await page.locator('[data-testid="fleet-table"] tbody tr').count()).toBe(50)
    // The chart's text equivalent carries the counts by state.
    await expect
      .poll(() =>
        page.getByTestId('fleet-counts').locator('svg').first().getAttribute('aria-label'),
      )
      .toContain(`Consent pending ${seeded.states['consent-pending']}`)
    await page.getByTestId('fleet-expiry').waitFor()
    await shot(page, 'fleet-1-dashboard')

    await page.getByLabel('State', { exact: true }).selectOption('consent-pending')
    await expect
      .poll(() => range(page))
      .toBe(`Tenants 1–${seeded.states['consent-pending']} of ${seeded.states['consent-pending']}`)
    const states = await page
      .locator('[data-testid="fleet-table"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))
    expect(new Set(states)).toEqual(new Set(['consent-pending']))

    // Paging keeps the filter; then a tenant with a red check, from the "Last check" filter.
    await page.getByLabel('State', { exact: true }).selectOption('')
    await page.getByLabel('Last check', { exact: true }).selectOption('red')
    await page.getByRole('button', { name: 'Next page' }).click()
    await expect.poll(() => range(page)).toMatch(/^Tenants 51–/)
    await page.locator('[data-testid="fleet-table"] tbody tr').first().locator('button').click()
    await page.getByTestId('fleet-tenant').waitFor()
    await expect.poll(() => page.getByTestId('fleet-tenant-check').textContent()).toContain('Red')
    await expect
      .poll(() => page.getByTestId('fleet-tenant-check').textContent())
      .toContain('Allowed IPs')
    expect(await page.getByRole('table').getByRole('row').count()).toBeGreaterThan(2)
    await shot(page, 'fleet-2-tenant')
    // Back to the table, with the filter as it was.
    await page.getByRole('button', { name: '← Back to the fleet' }).click()
    await expect.poll(() => range(page)).toMatch(/^Tenants 51–/)
    expect((page as Page & { errors?: string[] }).errors).toEqual([])
    await page.close()
  }, 90_000)
})

/** A tenant the app can manage: consented, role granted, enabled, no co-manager. */
const healthy = (t: SandboxTenant) =>
  Boolean(t.fleet?.consented && t.fleet.roleGranted && !t.fleet.spDisabled && !t.fleet.coManager)

/** Waits until the progress panel shows `action` finished; returns its text. */
async function finished(page: Page, action: string, timeout = 60_000): Promise<string> {
  const panel = page.getByTestId('fleet-progress')
  await expect
    .poll(
      async () =>
        `${await panel.getAttribute('data-action').catch(() => null)} ${await page
          .getByTestId('fleet-progress-status')
          .textContent()
          .catch(() => null)}`,
      { timeout, interval: 250 },
    )
    .toBe(`${action} done`)
  return (await panel.textContent()) ?? ''
}

describe.skipIf(!HAS_CHROMIUM || !PG_URL)('fleet dashboard actions on PostgreSQL, for real', () => {
  const name = `passage_fleet_dash_${randomBytes(4).toString('hex')}`
  let admin: pg.Client
  let url: string
  let dir: string
  let keyFile: string
  let sb: RunningSandbox
  let store: Store
  let b: Browsing
  let served: Awaited<ReturnType<typeof serveFleet>> | undefined
  let worker: ReturnType<typeof startWorker> | undefined
  let pilot: SandboxTenant[]
  const original = new Map<string, string>()

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`create database ${name}`)
    const u = new URL(PG_URL!)
    u.pathname = `/${name}`
    url = u.toString()
    dir = mkdtempSync(join(tmpdir(), 'passage-fleet-dash-'))
    const reg = fleetRegistration({ seed: 7 })
    sb = await startSandbox({
      port: 0,
      fleet: { tenants: 16, seed: 7, preEnrolled: true, registration: reg.registration },
    })
    writeFileSync(join(dir, 'ca.pem'), sb.caPem)
    writeFileSync(join(dir, 'app.pem'), reg.certificatePem)
    keyFile = join(dir, 'app.key')
    writeFileSync(keyFile, reg.privateKeyPem, { mode: 0o600 })
    pilot = sb.world.tenants.filter(healthy).slice(0, 5)
    expect(pilot.length, 'the generated fleet has five healthy tenants').toBe(5)
    for (const t of pilot) original.set(t.snapshot.tenant.id, canonicalJson(t.snapshot.state))
    writeFileSync(
      join(dir, 'tenants.csv'),
      [
        'tenant,name,tags,access',
        ...pilot.map((t) => `${t.snapshot.tenant.id},${t.snapshot.tenant.name},pilot,change`),
      ].join('\n'),
    )
    // The operator's set-up, through the built CLI as in test/cli/fleet.e2e.test.ts.
    const env = {
      PASSAGE_FLEET_DB: url,
      PASSAGE_FLEET_KEY_FILE: keyFile,
      PASSAGE_DB: join(dir, 'single.db'),
    }
    const app = await passage(
      env,
      'fleet',
      'app',
      'set',
      '--app-id',
      reg.registration.clientId,
      '--certificate',
      join(dir, 'app.pem'),
      '--sandbox',
      sb.url,
      '--ca',
      join(dir, 'ca.pem'),
    )
    expect(app.code, app.stderr).toBe(0)
    const imp = await passage(env, 'fleet', 'import', join(dir, 'tenants.csv'), '--json')
    expect(imp.code, imp.stderr + imp.stdout).toBe(0)
    store = await openStore(url)
    worker = startWorker(url, keyFile)
    ;[served, b] = await Promise.all([serveFleet(url), launch()])
  }, 120_000)

  afterAll(async () => {
    await Promise.allSettled([b?.close(), served?.stop(), worker?.stop()])
    await store?.close()
    await sb?.close()
    await admin?.query(`drop database if exists ${name} with (force)`).catch(() => undefined)
    await admin?.end()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const stateOf = (t: SandboxTenant) => canonicalJson(t.snapshot.state)

  it('plans, applies with a canary, checks (across a restart) and rolls back from the page', async () => {
    let page = await open(b, served!.url)
    await page.getByRole('heading', { name: 'Fleet actions' }).waitFor()

    // Plan: one plan job per tenant, done by the worker process.
    await page.getByLabel('Vendor for a new fleet plan').fill('trustifi')
    await page.getByLabel(/^Tenants \(all/).fill('tag:pilot')
    await page.getByRole('button', { name: 'Plan', exact: true }).click()
    expect(await finished(page, 'plan')).toMatch(/5 of 5 tenants finished/)
    const [fp] = await store.listFleetPlans()
    expect(fp?.selector).toBe('tag:pilot')
    const fleetPlanId = fp!.id
    const plans = await store.listFleetItems(fleetPlanId, 'plan')
    expect(plans.map((i) => i.state).sort()).toEqual(
      plans.map((i) => (i.state === 'nothing' ? 'nothing' : 'done')).sort(),
    )
    const changing = plans.filter((i) => i.state === 'done' && Number(i.detail?.changes) > 0)
    expect(changing.length, 'the vendor changes something in some tenant').toBeGreaterThan(0)
    await expect
      .poll(() => page.getByLabel('Fleet plan', { exact: true }).inputValue())
      .toBe(fleetPlanId)

    // Canary of 2, then the rest; each tenant applied is checked by the wave.
    await page.getByLabel('Canary tenants').fill('2')
    await page.getByRole('button', { name: 'Canary, then apply' }).click()
    const applied = await finished(page, 'apply', 90_000)
    expect(applied).toMatch(new RegExp(`${changing.length} of ${changing.length} tenants finished`))
    expect(applied).not.toMatch(/Stopped:/)
    // The canary went first, alone; then the rest (each wave's applies checked after it).
    const waves = await page
      .getByTestId('fleet-progress-waves')
      .locator('li')
      .evaluateAll((li) => li.map((l) => l.textContent))
    expect(waves[0]).toBe('canary wave: apply on 2 tenants')
    expect(waves).toContain(`rest wave: apply on ${changing.length - 2} tenants`)
    const canaryChecks = waves.findIndex((w) => w?.startsWith('canary wave: check on'))
    expect(canaryChecks).toBeGreaterThan(0)
    expect(canaryChecks).toBeLessThan(
      waves.indexOf(`rest wave: apply on ${changing.length - 2} tenants`),
    )
    for (const t of pilot) {
      const changed = changing.some((i) => i.tenantId === t.snapshot.tenant.id)
      expect(stateOf(t) !== original.get(t.snapshot.tenant.id), t.snapshot.tenant.name).toBe(
        changed,
      )
    }
    const afterApply = new Map(pilot.map((t) => [t.snapshot.tenant.id, stateOf(t)]))
    await shot(page, 'fleet-3-apply-progress')

    // Check, queued while no worker runs; the dashboard restarts; the new one shows the check
    // from the store, and its end once a worker is back.
    await worker!.stop()
    await page.getByRole('button', { name: 'Check', exact: true }).click()
    await expect
      .poll(() => page.getByTestId('fleet-progress').getAttribute('data-action'))
      .toBe('check')
    await expect
      .poll(async () => (await store.countFleetItems(fleetPlanId, 'check')).queued ?? 0)
      .toBe(changing.length)
    await page.close()
    await served!.stop()
    served = await serveFleet(url)
    page = await open(b, served.url)
    await expect
      .poll(() => page.getByTestId('fleet-progress-status').textContent(), { timeout: 15_000 })
      .toBe('running')
    expect(await page.getByTestId('fleet-progress').getAttribute('data-action')).toBe('check')
    expect(await page.getByTestId('fleet-progress').textContent()).toMatch(
      new RegExp(`0 of ${changing.length} tenants finished · ${changing.length} queued`),
    )
    await expect
      .poll(() => page.getByLabel('Fleet plan', { exact: true }).inputValue())
      .toBe(fleetPlanId)
    worker = startWorker(url, keyFile)
    const checked = await finished(page, 'check')
    expect(checked).toMatch(new RegExp(`${changing.length} of ${changing.length} tenants finished`))
    for (const i of await store.listFleetItems(fleetPlanId, 'check')) {
      expect(i.state, i.tenantId).toBe('done')
      expect(i.detail?.green, i.tenantId).toBe(true)
    }
    // A check reads; it changes nothing.
    for (const t of pilot) expect(stateOf(t)).toBe(afterApply.get(t.snapshot.tenant.id))

    // Roll back: every tenant exactly as it was before the apply.
    await page.getByLabel('I want to roll back every tenant of this plan').check()
    await page.getByRole('button', { name: 'Roll back' }).click()
    const rolled = await finished(page, 'rollback')
    expect(rolled).toMatch(new RegExp(`${changing.length} of ${changing.length} tenants finished`))
    for (const t of pilot)
      expect(stateOf(t), t.snapshot.tenant.name).toBe(original.get(t.snapshot.tenant.id))
    await shot(page, 'fleet-4-rollback-progress')
    expect((page as Page & { errors?: string[] }).errors).toEqual([])
    await page.close()
  }, 150_000)
})
