/**
 * The fleet dashboard with 1,000 tenants (issue 16, "Must hold": under 1 s on this machine).
 * Seeds a generated fleet (src/store/fleet-dashboard.fixtures.ts) into a SQLite file and, when
 * PASSAGE_TEST_PG_URL is set, into a fresh PostgreSQL database made beside it (dropped at the
 * end); starts the built server (`dist/server/main.js --fleet --db <store>`) on each; prints the
 * time to the first page of the tenant table through the API (the first call, and the median of
 * the next ones), and, with Chromium (/usr/bin/chromium, or PASSAGE_CHROMIUM), the time from
 * navigation to the table rendered with its 50 rows. Prints figures; asserts nothing.
 * Build first (`npm run build`). Run: node --import tsx bench/dashboard.ts [tenants]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { chromium } from 'playwright-core'
import { seedDashboardFleet } from '../src/store/fleet-dashboard.fixtures.js'
import { openStore } from '../src/store/index.js'

const root = join(import.meta.dirname, '..')
const entry = join(root, 'dist/server/main.js')
const TENANTS = Math.max(1, Number(process.argv[2] ?? 1000) || 1000)
const CHROMIUM = process.env.PASSAGE_CHROMIUM ?? '/usr/bin/chromium'
const TARGET_MS = 1000

if (!existsSync(entry) || !existsSync(join(root, 'web/dist/index.html'))) {
  console.error('dist/ or web/dist is missing: run `npm run build` first.')
  process.exit(1)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const ms = (x: number) => `${x.toFixed(0)} ms`
const verdict = (x: number) => (x < TARGET_MS ? 'under 1 s' : 'OVER 1 s')

/** Starts the built server on a store; resolves with its URL. */
async function serve(location: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [entry, '--fleet', '--db', location, '--port', '0', '--json'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  )
  let out = ''
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (!line) return
      const j = JSON.parse(line) as { ok: boolean; url?: string; error?: { message: string } }
      if (j.ok && j.url) resolve(j.url)
      else reject(new Error(j.error?.message ?? line))
    })
    child.on('exit', (c) => reject(new Error(`server exited ${c}: ${err}`)))
  })
  return { url, child }
}

async function measure(label: string, location: string): Promise<void> {
  const store = await openStore(location)
  const t0 = performance.now()
  await seedDashboardFleet(store, TENANTS)
  await store.close()
  console.log(`${label}: seeded ${TENANTS} tenants in ${ms(performance.now() - t0)}`)
  const { url, child } = await serve(location)
  try {
    const base = url.split('/#')[0]!
    const token = /#token=(.+)$/.exec(url)![1]!
    const headers = { authorization: `Bearer ${token}` }
    const page = async () => {
      const t = performance.now()
      const r = await fetch(`${base}/api/fleet/tenants?limit=50`, { headers })
      const body = (await r.json()) as { total: number; tenants: unknown[] }
      if (body.tenants.length !== Math.min(50, body.total)) throw new Error('short page')
      return performance.now() - t
    }
    const first = await page()
    const next: number[] = []
    for (let i = 0; i < 15; i++) next.push(await page())
    const filtered = performance.now()
    await fetch(`${base}/api/fleet/tenants?limit=50&state=enrolled&tag=pilot&vendor=trustifi`, {
      headers,
    })
    const filteredMs = performance.now() - filtered
    console.log(
      `${label}: API first page ${ms(first)} (${verdict(first)}), then median ${ms(median(next))}; filtered page ${ms(filteredMs)}`,
    )
    if (!existsSync(CHROMIUM)) {
      console.log(`${label}: browser: skipped (${CHROMIUM} is missing)`)
      return
    }
    const profile = mkdtempSync(join(tmpdir(), 'passage-bench-chromium-'))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    })
    try {
      const times: number[] = []
      for (let i = 0; i < 3; i++) {
        const p = await context.newPage()
        const t = performance.now()
        await p.goto(url)
        await p.locator('[data-testid="fleet-table"] tbody tr').nth(49).waitFor()
        times.push(performance.now() - t)
        await p.close()
      }
      console.log(
        `${label}: browser, navigation to the table rendered: first ${ms(times[0]!)} (${verdict(times[0]!)}), then ${times
          .slice(1)
          .map(ms)
          .join(', ')}`,
      )
    } finally {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  } finally {
    child.kill('SIGTERM')
  }
}

const dir = mkdtempSync(join(tmpdir(), 'passage-bench-dashboard-'))
try {
  await measure('SQLite', join(dir, 'fleet.db'))
  const pgUrl = process.env.PASSAGE_TEST_PG_URL
  if (pgUrl) {
    // A database of its own, so that the seeded fleet meets nothing already there.
    const name = `passage_bench_dashboard_${process.pid}`
    const admin = new pg.Client({ connectionString: pgUrl })
    await admin.connect()
    await admin.query(`create database ${name}`)
    const url = new URL(pgUrl)
    url.pathname = `/${name}`
    try {
      await measure('PostgreSQL', url.toString())
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined)
      await admin.end()
    }
  } else console.log('PostgreSQL: skipped (set PASSAGE_TEST_PG_URL to measure it too)')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
