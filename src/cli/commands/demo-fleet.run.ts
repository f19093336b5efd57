/**
 * `passage demo --fleet`: the fleet flow end to end on an embedded sandbox of generated tenants
 * and an embedded PostgreSQL, with separate `passage worker` processes: enrol every tenant
 * (consent URL, one device code, the Exchange role group), plan, a canary wave, apply, check,
 * roll back, and compare every tenant with how it started. Everything lives in a temporary folder
 * that is removed at the end; nothing listens beyond loopback (the sandbox on 127.0.0.1,
 * PostgreSQL on a private socket).
 *
 * The generated fleet holds problems on purpose (sandbox/fleet/generate.ts): tenants whose admin
 * never consented, a service principal without a role or disabled, a co-manager that reverts the
 * IP allow list. The demo passes (exit 0) when passage reports each of them for what it is and
 * every tenant it changed is back to its original state; anything else exits 3.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { enrolTenant } from '../../app/fleet/enrol.js'
import { createFleetPlan, waitForItems } from '../../app/fleet/orchestrate.js'
import { fleetPlanSummary } from '../../app/fleet/summary.js'
import { applyFleet, rollbackFleet } from '../../app/fleet/waves.js'
import { heldStateJson } from '../../app/demo.js'
import type { SandboxTenant } from '../../sandbox/contracts.js'
import { fleetRegistration } from '../../sandbox/fleet/index.js'
import { approveDeviceCode, startSandbox } from '../../sandbox/index.js'
import {
  ensureEmbeddedPostgres,
  openQueue,
  openStore,
  stopEmbeddedPostgres,
  type FleetItem,
} from '../../store/index.js'
import { paint } from '../output.js'

const say = (line = '') => process.stdout.write(`${line}\n`)
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** Options of the fleet demo. */
export interface FleetDemoOptions {
  tenants: number
  workers: number
  json?: boolean
}

/** A tenant whose admin consented and whose app's service principal is enabled. */
const reachable = (t: SandboxTenant) => t.fleet?.consented === true && !t.fleet.spDisabled

/** Runs `items` with at most `n` at a time. */
async function pool<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!)
    }),
  )
}

function counts(items: readonly FleetItem[]): string {
  const n = new Map<string, number>()
  for (const i of items) n.set(i.state, (n.get(i.state) ?? 0) + 1)
  return [...n].map(([s, c]) => `${c} ${s}`).join(', ')
}

/** Runs the fleet demo; returns the exit code (0 as designed, 3 otherwise). */
export async function runFleetDemo(opts: FleetDemoOptions): Promise<number> {
  const started = performance.now()
  const phases: { name: string; ms: number }[] = []
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now()
    try {
      return await f()
    } finally {
      phases.push({ name, ms: Math.round(performance.now() - t) })
    }
  }
  const log = (line: string) => (opts.json ? undefined : say(line))
  const dir = mkdtempSync(join(tmpdir(), 'passage-demo-fleet-'))
  // Others may pass through (not list): as root the PostgreSQL server runs as `postgres` and must
  // reach its folder inside; the key file itself stays 0600.
  chmodSync(dir, 0o711)
  const pgDir = join(dir, 'pg')
  const workers = new Set<ChildProcess>()
  const closers: (() => Promise<unknown>)[] = []
  const problems: string[] = []
  try {
    const pgServer = await timed('PostgreSQL start', () =>
      ensureEmbeddedPostgres({ dataDir: pgDir, onProgress: (l) => log(`  ${l}`) }),
    )
    closers.push(() => stopEmbeddedPostgres(pgDir))
    const url = pgServer.url
    log(`PostgreSQL (${pgServer.binaries} binaries) on a private socket in ${pgDir}`)

    const app = fleetRegistration({ seed: 1 })
    const sb = await timed('sandbox start', () =>
      startSandbox({
        certDir: join(dir, 'sandbox'),
        pollIntervalSeconds: 0.05,
        fleet: { tenants: opts.tenants, seed: 1, registration: app.registration },
      }),
    )
    closers.push(() => sb.close())
    const fleet = sb.world.tenants.filter((t) => t.fleet !== undefined)
    const original = new Map(fleet.map((t) => [t.snapshot.tenant.id, heldStateJson(t.snapshot)]))
    log(`Sandbox at ${sb.url}: ${fleet.length} generated tenants (seed 1).`)

    const keyFile = join(dir, 'app-key.pem')
    const certFile = join(dir, 'app-cert.pem')
    const caFile = join(dir, 'ca.pem')
    writeFileSync(keyFile, app.privateKeyPem, { mode: 0o600 })
    writeFileSync(certFile, app.certificatePem, { mode: 0o600 })
    writeFileSync(caFile, sb.caPem)
    const store = await openStore(url)
    closers.push(() => store.close())
    await store.saveFleetApp({
      appId: app.registration.clientId,
      thumbprintSha256: app.thumbprintSha256,
      certificateFile: certFile,
      endpoints: { authority: sb.url, exchangeBase: sb.url, graphBase: sb.url },
      caFile,
      createdAt: new Date().toISOString(),
    })

    // --- enrol: the customer's admin approves one device code per tenant ---------------------
    let enrolled = 0
    const notEnrolled = new Map<string, string[]>()
    await timed('enrol', () =>
      pool(fleet, 8, async (t) => {
        const admin = t.admins.find(
          (a) =>
            a.exchangeApiEnabled &&
            a.roles.some((r) => r === 'Global Administrator' || r === 'Exchange Administrator'),
        )
        try {
          await enrolTenant(store, {
            tenant: t.snapshot.tenant.id,
            access: 'change',
            tags: ['demo'],
            keyPem: app.privateKeyPem,
            caPem: sb.caPem,
            onCode: (p) => approveDeviceCode(sb, p.userCode, admin?.upn ?? ''),
            // A tenant whose admin never consents (or whose app is disabled: its token is refused
            // too) is given up on quickly in the demo.
            waitForConsentMs: reachable(t) ? 60_000 : 1_000,
            pollMs: 250,
          })
          enrolled++
        } catch (e) {
          const code = (e as { code?: string }).code ?? 'error'
          notEnrolled.set(code, [...(notEnrolled.get(code) ?? []), t.snapshot.tenant.name])
        }
      }),
    )
    log(
      `Enrolled ${enrolled} of ${fleet.length} tenants; not enrolled: ${[...notEnrolled].map(([c, n]) => `${n.length} (${c})`).join(', ') || 'none'}.`,
    )
    // Every tenant the app can reach must be enrolled; the others must not be.
    const missed = fleet.filter((t) => reachable(t)).length - enrolled
    if (missed) problems.push(`${missed} reachable tenants not enrolled`)

    // --- workers: separate processes on the same database ---------------------------------
    const env = { ...process.env, PASSAGE_FLEET_KEY_FILE: keyFile, NO_COLOR: '1' }
    // The app's budget is shared by all workers through the database: 20 requests a second per
    // worker against the sandbox (passage's own number; Microsoft publishes none).
    const appRate = String(20 * opts.workers)
    for (let i = 0; i < opts.workers; i++) {
      const child = spawn(
        process.execPath,
        [
          ...process.execArgv,
          process.argv[1]!,
          'worker',
          '--concurrency',
          '8',
          '--app-requests-per-second',
          appRate,
          '--db',
          url,
        ],
        { env, stdio: ['ignore', 'ignore', 'ignore'] },
      )
      workers.add(child)
      child.once('exit', () => workers.delete(child))
    }
    log(`${opts.workers} worker processes started (8 jobs at a time per action each).`)
    const queue = await openQueue(url, { onError: () => {} })
    closers.push(() => queue.stop({ graceful: false }))

    // --- plan ---------------------------------------------------------------------------
    const req = {
      vendor: 'contactmonkey',
      params: { region: 'us', dedicatedIp: '167.89.10.20' },
      mode: 'recommended' as const,
    }
    const fp = await createFleetPlan(store, queue, req, 'tag:demo', 'passage demo')
    const planned = await timed('plan', () =>
      waitForItems(store, fp.id, 'plan', { queue, pollMs: 200 }),
    )
    const summary = await fleetPlanSummary(store, fp.id)
    log(
      `\n${paint('bold', `== fleet plan ${fp.id}: ContactMonkey (region us) on ${summary.total} tenants`)}`,
    )
    for (const g of summary.groups)
      log(
        `  ${g.tenants.length} tenants: these ${g.changes.length} changes (e.g. ${g.example.name})`,
      )
    if (summary.nothing.length) log(`  ${summary.nothing.length} already done`)
    for (const r of [...summary.refused, ...summary.noAccess])
      log(`  ${r.tenants.length} ${r.code ?? ''}: ${r.reason}`.slice(0, 160))
    const noAccess = planned.filter((i) => i.state === 'no-access').length

    // --- apply: a canary wave, then the rest -------------------------------------------------
    const applied = await timed('apply + check', () =>
      applyFleet(store, queue, fp.id, {
        canary: 5,
        maxFailuresPct: 20,
        pollMs: 200,
        onWave: (w) => log(`  ${w.kind} wave: ${w.action} on ${w.tenants} tenants`),
      }),
    )
    log(`\n${paint('bold', '== apply and check')}`)
    for (const w of applied.waves)
      log(`  ${w.kind}: ${w.applied} applied, ${w.green} green, ${w.failed} failed`)
    if (applied.stopped) problems.push(`the apply stopped itself: ${applied.stopped}`)
    const checks = await store.listFleetItems(fp.id, 'check')
    log(`  checks: ${counts(checks)}`)
    const coManaged = new Set(
      fleet.filter((t) => t.fleet?.coManager).map((t) => t.snapshot.tenant.id),
    )
    const red = checks.filter((i) => i.state !== 'done')
    const unexplained = red.filter((i) => !coManaged.has(i.tenantId))
    if (unexplained.length)
      problems.push(`${unexplained.length} checks not green without a co-manager`)
    if (red.length) log(`  not green: ${red.length} (a co-manager reverted them, as planted)`)

    // --- rollback and compare ------------------------------------------------------------
    const rolled = await timed('rollback', () =>
      rollbackFleet(store, queue, fp.id, { pollMs: 200 }),
    )
    log(`\n${paint('bold', '== rollback')}`)
    log(`  ${rolled.done} tenants rolled back, ${rolled.failed} failed`)
    const touched = new Set((await store.listFleetItems(fp.id, 'apply')).map((i) => i.tenantId))
    const differ = fleet.filter(
      (t) =>
        touched.has(t.snapshot.tenant.id) &&
        heldStateJson(t.snapshot) !== original.get(t.snapshot.tenant.id),
    )
    if (differ.length)
      problems.push(
        `${differ.length} tenants differ from their original state (${differ
          .slice(0, 3)
          .map((t) => t.snapshot.tenant.name)
          .join(', ')})`,
      )
    else log(`  every tenant is equal to its original state (canonical JSON of its surfaces)`)

    const wallMs = Math.round(performance.now() - started)
    if (opts.json)
      say(
        JSON.stringify({
          type: 'done',
          tenants: fleet.length,
          enrolled,
          noAccess,
          waves: applied.waves.map((w) => ({
            kind: w.kind,
            applied: w.applied,
            green: w.green,
            failed: w.failed,
          })),
          rolledBack: rolled.done,
          equal: differ.length === 0,
          problems,
          wallMs,
          phases,
        }),
      )
    else {
      say(`\nWall time ${secs(wallMs)}; where it went:`)
      for (const p of phases) say(`  ${p.name.padEnd(18)} ${String(p.ms).padStart(7)} ms`)
      say(
        problems.length
          ? paint('red', `Not everything went as it should: ${problems.join('; ')}.`)
          : paint(
              'green',
              `Done: ${fleet.length} tenants, every planted problem reported for what it is, every changed tenant back to its original state.`,
            ),
      )
    }
    return problems.length ? 3 : 0
  } finally {
    for (const w of workers) w.kill('SIGTERM')
    await Promise.all(
      [...workers].map(
        (w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r))),
      ),
    )
    for (const close of closers.reverse()) await close().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  }
}
