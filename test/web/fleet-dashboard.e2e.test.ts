/// <reference lib="dom" />
/**
 * The fleet dashboard in Chromium (`passage serve --fleet --database <store>`, the built CLI):
 * a seeded 1,000-tenant fleet loads with its first page, counts and expiry timeline; filtering by
 * state narrows the table through the server; a tenant's page shows its last plan, check findings
 * and history. With PASSAGE_TEST_PG_URL, the same dashboard on PostgreSQL queues a fleet check
 * on the real job queue (pg-boss) and shows its progress to the end, while this test plays the
 * worker (it marks each job's item done, as a worker writes it: no tenant is read, since a
 * sandbox fleet's enrolment is the fleet demo's business). Build first: `npm run build`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDashboardFleet, type SeededFleet } from '../../src/store/fleet-dashboard.fixtures.js'
import { openQueue, openStore, type Store } from '../../src/store/index.js'
import { cliEnv } from '../helpers/cli-env.js'
import { CHROMIUM, HAS_CHROMIUM, launch, ROOT, shot, type Browsing } from './harness.js'

const PG_URL = process.env.PASSAGE_TEST_PG_URL

if (!HAS_CHROMIUM)
  console.warn(`Skipping the fleet dashboard's browser tests: ${CHROMIUM} is missing.`)

/** `passage serve --fleet --database <location>`, resolved with its URL. */
async function serveFleet(location: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['dist/cli/main.js', 'serve', '--fleet', '--database', location, '--port', '0'],
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

describe.skipIf(!HAS_CHROMIUM || !PG_URL)('fleet dashboard actions on PostgreSQL', () => {
  const name = `passage_fleet_e2e_${process.pid}`
  let admin: pg.Client
  let url: string
  let store: Store
  let b: Browsing
  let served: Awaited<ReturnType<typeof serveFleet>>
  let queue: Awaited<ReturnType<typeof openQueue>>

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`create database ${name}`)
    const u = new URL(PG_URL!)
    u.pathname = `/${name}`
    url = u.toString()
    store = await openStore(url)
    await seedDashboardFleet(store, 60)
    ;[served, b] = await Promise.all([serveFleet(url), launch()])
    // This test is the worker: each check job's item is marked done and green.
    queue = await openQueue(url, { pollingIntervalSeconds: 0.5 })
    await queue.work('check', 4, async (job) => {
      const item = await store.getFleetItem(job.fleetPlanId, job.tenantId, 'check')
      if (!item) return
      const { updatedAt: _u, ...rest } = item
      await store.putFleetItem({ ...rest, state: 'done', detail: { green: true, findings: 0 } })
    })
  }, 120_000)

  afterAll(async () => {
    await queue?.stop({ graceful: false }).catch(() => undefined)
    await Promise.allSettled([b?.close(), served?.stop()])
    await store?.close()
    await admin?.query(`drop database if exists ${name} with (force)`).catch(() => undefined)
    await admin?.end()
  })

  it('queues a fleet check from the button and shows its progress to the end', async () => {
    const page = await open(b, served.url)
    await page.getByRole('heading', { name: 'Fleet actions' }).waitFor()
    await page.getByLabel('Fleet plan', { exact: true }).selectOption('fp-0000000a')
    await page.getByRole('button', { name: 'Check', exact: true }).click()
    await page.getByTestId('fleet-progress').waitFor()
    await expect
      .poll(() => page.getByTestId('fleet-progress-status').textContent(), { timeout: 60_000 })
      .toBe('done')
    const text = await page.getByTestId('fleet-progress').textContent()
    expect(text).toMatch(/(\d+) of \1 tenants finished/)
    expect(text).toContain('done')
    await shot(page, 'fleet-3-check-progress')
    await page.close()
  }, 90_000)
})
