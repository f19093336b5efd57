/**
 * A fleet run end to end on pg-boss workers (issue 15): N generated sandbox tenants, already
 * consented with the operator app's service principal in Organization Management, at `latency`
 * ms per request with Exchange-like per-tenant throttling (the sandbox's own numbers: Microsoft
 * publishes none for the admin API), planned, applied with a canary wave, checked and rolled back
 * by `workers` separate `passage worker` processes sharing one PostgreSQL.
 *
 * Printed: each phase's wall time beside its lower bound, the jobs, duplicates and whether every
 * tenant ended where it should. The bound: each kind of job is first run alone in this process
 * (runFleetJob, what a worker runs, without the queue's pick-up; one tenant to warm up, a second
 * timed) at the same latency and throttles; a phase of n jobs on `slots` job loops (workers ×
 * concurrency) cannot end before ceil(n / slots) such jobs one after another, and the apply's
 * canary wave (apply, then check) comes before the rest. The workers' own request budget
 * (`--rps` each, passage's choice) is set high enough by default not to bind; a lower one makes
 * the bound an underestimate.
 *
 * With `--kill`: one worker is SIGKILLed in the middle of the apply wave and a new one started;
 * with `--restart-pg` (embedded PostgreSQL only) the database is stopped and started again in the
 * middle of the same wave. Then: every tenant done and green, or failed with a reason; no
 * duplicate (one apply run per tenant, no passage object twice in the tenant); the rollback
 * leaves every tenant as it was (canonical JSON of its surfaces, WhenChanged aside).
 *
 * Run: node --import tsx bench/fleet.ts [--tenants 1000] [--latency 300] [--workers 2]
 *        [--concurrency 16] [--rps 200] [--canary 10] [--seed 1] [--db postgres://...]
 *        [--kill] [--restart-pg]
 * Servers listen on loopback only (the sandbox on 127.0.0.1, PostgreSQL on a private socket).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runFleetJob } from '../src/app/fleet/job.js'
import { createFleetPlan, waitForItems } from '../src/app/fleet/orchestrate.js'
import { RequestBudget, TenantSessions } from '../src/app/fleet/tenant-sessions.js'
import { applyFleet, rollbackFleet } from '../src/app/fleet/waves.js'
import type { SandboxTenant } from '../src/sandbox/contracts.js'
import { fleetRegistration } from '../src/sandbox/fleet/index.js'
import { heldStateJson } from '../src/app/demo.js'
import { startSandbox } from '../src/sandbox/index.js'
import {
  ensureEmbeddedPostgres,
  openQueue,
  openStore,
  stopEmbeddedPostgres,
  type FleetAction,
  type FleetApp,
  type FleetItem,
  type FleetTenant,
  type JobQueue,
  type Store,
} from '../src/store/index.js'

const { values: flags } = parseArgs({
  options: {
    tenants: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '300' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
    rps: { type: 'string', default: '200' },
    canary: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    db: { type: 'string' },
    kill: { type: 'boolean', default: false },
    'restart-pg': { type: 'boolean', default: false },
  },
})
const N = Number(flags.tenants)
const LATENCY = Number(flags.latency)
const WORKERS = Number(flags.workers)
const CONCURRENCY = Number(flags.concurrency)
const RPS = Number(flags.rps)
const CANARY = Number(flags.canary)
const SEED = Number(flags.seed)
if (flags['restart-pg'] && flags.db) throw new Error('--restart-pg needs the embedded server')

const dir = mkdtempSync(join(tmpdir(), 'passage-bench-fleet-'))
// As root PostgreSQL runs as `postgres`, which must pass through to its folder inside.
chmodSync(dir, 0o711)
const children = new Set<ChildProcess>()
const cleanups: (() => Promise<unknown>)[] = []
const ms = (t0: number) => Date.now() - t0
const secs = (n: number) => `${(n / 1000).toFixed(1)} s`

/** Per-tenant throttling like Exchange's (our numbers: Microsoft publishes none). */
const FAULTS = `latency=${LATENCY},latencyModel=floor,scope=all,concurrency=3,budget=30/s`

async function main(): Promise<void> {
  // --- PostgreSQL: a fresh embedded server in a temp folder, or the URL given ---------------
  const pgDir = join(dir, 'pg')
  let url = flags.db ?? ''
  if (!url) {
    const t0 = Date.now()
    const pg = await ensureEmbeddedPostgres({ dataDir: pgDir })
    url = pg.url
    cleanups.push(() => stopEmbeddedPostgres(pgDir))
    console.log(`PostgreSQL (${pg.binaries} binaries) ready in ${secs(ms(t0))}`)
  }

  // --- the sandbox: N generated tenants, pre-enrolled ---------------------------------------
  const app = fleetRegistration({ seed: SEED })
  const t0 = Date.now()
  const sb = await startSandbox({
    certDir: join(dir, 'sandbox'),
    faults: FAULTS,
    fleet: { tenants: N, seed: SEED, preEnrolled: true, registration: app.registration },
  })
  cleanups.push(() => sb.close())
  const fleet = sb.world.tenants.filter((t) => t.fleet !== undefined)
  const ready = fleet.filter(
    (t) => t.fleet?.consented && t.fleet.roleGranted && !t.fleet.spDisabled,
  )
  console.log(
    `sandbox: ${fleet.length} generated tenants (${ready.length} consented with the role) in ${secs(ms(t0))}; ${FAULTS}`,
  )
  const original = new Map(fleet.map((t) => [t.snapshot.tenant.id, heldStateJson(t.snapshot)]))

  const certFile = join(dir, 'app.crt')
  const keyFile = join(dir, 'app.key')
  writeFileSync(certFile, app.certificatePem, { mode: 0o600 })
  writeFileSync(keyFile, app.privateKeyPem, { mode: 0o600 })
  const caFile = sb.caPath ?? join(dir, 'ca.pem')
  if (!sb.caPath) writeFileSync(caFile, sb.caPem)

  const store = await openStore(url)
  cleanups.push(() => store.close())
  await store.saveFleetApp({
    appId: app.registration.clientId,
    thumbprintSha256: app.thumbprintSha256,
    certificateFile: certFile,
    endpoints: { authority: sb.url, exchangeBase: sb.url, graphBase: sb.url },
    caFile,
    createdAt: new Date().toISOString(),
  })
  // The probe: two tenants that can be reached and that no co-manager reverts (timed alone first).
  const probeTenants = ready.filter((t) => !t.fleet?.coManager).slice(0, 2)
  for (const t of fleet)
    await store.upsertFleetTenant({
      tenantId: t.snapshot.tenant.id,
      name: t.snapshot.tenant.name,
      tags: probeTenants.includes(t) ? ['probe'] : ['bench'],
      state: 'enrolled',
      access: 'change',
      enrolledAt: new Date().toISOString(),
      lastErrorCode: null,
      lastErrorMessage: null,
    })
  // This process opens the queues first, so its options are theirs: with --kill a job whose
  // worker died expires after 20 s, and this process's pg-boss looks for expired jobs every 5 s
  // (pg-boss's default is 600 s and 120 s).
  const queue = await openQueue(url, {
    onError: () => {},
    ...(flags.kill ? { expireInSeconds: 20, maintenanceIntervalSeconds: 5 } : {}),
  })
  cleanups.push(() => queue.stop({ graceful: false }))

  // --- the workers: separate processes ------------------------------------------------------
  const env = {
    ...process.env,
    PASSAGE_FLEET_KEY_FILE: keyFile,
    PASSAGE_FLEET_JOB_EXPIRE_SECONDS: flags.kill ? '20' : '600',
    NO_COLOR: '1',
  }
  const startWorker = () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'worker',
        '--concurrency',
        String(CONCURRENCY),
        '--requests-per-second',
        String(RPS),
        '--db',
        url,
      ],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let err = ''
    child.stderr?.on('data', (c: Buffer) => {
      err = (err + c.toString()).slice(-4000)
    })
    child.on('exit', (code, signal) => {
      children.delete(child)
      if (code && code !== 0) console.error(`worker ${child.pid} exited ${code}: ${err}`)
      else if (signal && signal !== 'SIGKILL' && signal !== 'SIGTERM')
        console.error(`worker ${child.pid} ended by ${signal}`)
    })
    children.add(child)
    return child
  }
  for (let i = 0; i < WORKERS; i++) startWorker()
  const slots = WORKERS * CONCURRENCY
  const req = { vendor: 'trustifi', params: {}, mode: 'recommended' as const }

  // --- the probe: each job kind timed alone, in this process, on a warm path ---------------
  // The job itself (runFleetJob, what a worker runs), not the queue's pick-up: the first probe
  // tenant warms the code and the sign-in path, the second is timed.
  const probe: Record<FleetAction, number> = { plan: 0, apply: 0, check: 0, rollback: 0 }
  {
    const sessions = new TenantSessions({
      keyPem: app.privateKeyPem,
      caPem: sb.caPem,
      budget: new RequestBudget(RPS),
    })
    const deps = {
      session: (a: FleetApp, t: FleetTenant) => sessions.get(a, t.tenantId, t.name),
      evict: (id: string) => sessions.evict(id),
    }
    // The probe's fleet plan is made as `fleet plan` makes it; its jobs are run here, not queued.
    const noQueue: JobQueue = {
      send: async (_action, jobs) => jobs.map((_, i) => `probe-${i}`),
      work: async () => {},
      cancel: async () => {},
      deadLetters: async () => [],
      stop: async () => {},
    }
    const fp = await createFleetPlan(store, noQueue, req, 'tag:probe', 'bench')
    for (const action of ['plan', 'apply', 'check', 'rollback'] as const)
      for (const [i, t] of probeTenants.entries()) {
        const t0 = Date.now()
        const item = await runFleetJob(
          store,
          action,
          { fleetPlanId: fp.id, tenantId: t.snapshot.tenant.id, retryCount: 0 },
          deps,
        )
        if (item.state !== 'done')
          throw new Error(`probe ${action}: ${item.state} ${item.errorMessage}`)
        if (i === probeTenants.length - 1) probe[action] = ms(t0)
      }
    await sessions.closeAll()
  }
  console.log(
    `probe (one job alone, warm, ${LATENCY} ms per request): plan ${secs(probe.plan)}, apply ${secs(probe.apply)}, check ${secs(probe.check)}, rollback ${secs(probe.rollback)}`,
  )

  // --- the run ------------------------------------------------------------------------------
  const total = Date.now()
  const fp = await createFleetPlan(store, queue, req, 'tag:bench', 'bench')
  let t = Date.now()
  const planned = await waitForItems(store, fp.id, 'plan', { pollMs: 250 })
  const planMs = ms(t)
  const withChanges = planned.filter((i) => i.state === 'done').length
  console.log(`plan: ${planned.length} tenants in ${secs(planMs)}; ${countStates(planned)}`)

  t = Date.now()
  let disrupted = ''
  const disruption =
    flags.kill || flags['restart-pg']
      ? disruptMidway(store, fp.id, pgDir, startWorker).then((d) => (disrupted = d))
      : Promise.resolve()
  const applied = await applyFleet(store, queue, fp.id, {
    canary: CANARY,
    maxFailuresPct: 20,
    pollMs: 250,
  })
  await disruption
  const applyMs = ms(t)
  const applyItems = await store.listFleetItems(fp.id, 'apply')
  const checkItems = await store.listFleetItems(fp.id, 'check')
  console.log(
    `apply + check (canary ${CANARY}, then the rest): ${secs(applyMs)}; apply ${countStates(applyItems)}; check ${countStates(checkItems)}${applied.stopped ? `; STOPPED: ${applied.stopped}` : ''}${disrupted ? `; ${disrupted}` : ''}`,
  )
  const duplicates = await countDuplicates(store, fleet, applyItems)

  t = Date.now()
  await rollbackFleet(store, queue, fp.id, { pollMs: 250 })
  const rollbackMs = ms(t)
  const rollbackItems = await store.listFleetItems(fp.id, 'rollback')
  console.log(`rollback: ${secs(rollbackMs)}; ${countStates(rollbackItems)}`)
  const wall = ms(total)

  const notBack = fleet.filter(
    (x) => heldStateJson(x.snapshot) !== original.get(x.snapshot.tenant.id),
  )
  const dead = await queue.deadLetters(1000)

  // --- the bound ----------------------------------------------------------------------------
  const waves = (n: number) => Math.ceil(n / slots)
  const canary = Math.min(CANARY, withChanges)
  const bound =
    waves(planned.length) * probe.plan +
    (waves(canary) + waves(withChanges - canary)) * (probe.apply + probe.check) +
    waves(withChanges) * probe.rollback
  console.log('')
  console.log(
    `tenants ${N}, workers ${WORKERS} × ${CONCURRENCY} job loops, ${LATENCY} ms per request`,
  )
  console.log(
    `wall time ${secs(wall)}; lower bound ${secs(bound)} (per phase and wave: ceil(jobs / ${slots} loops) × the probe's time for that job); ratio ${(wall / bound).toFixed(2)}x`,
  )
  console.log(
    `jobs lost: ${lost(planned, applyItems, checkItems)}; duplicates: ${duplicates}; dead letters: ${dead.length}; tenants not back to their original state after rollback: ${notBack.length}${
      notBack.length
        ? ` (${notBack
            .slice(0, 5)
            .map((x) => x.snapshot.tenant.name)
            .join(', ')})`
        : ''
    }`,
  )
}

function countStates(items: readonly FleetItem[]): string {
  const n = new Map<string, number>()
  for (const i of items) n.set(i.state, (n.get(i.state) ?? 0) + 1)
  return [...n].map(([s, c]) => `${c} ${s}`).join(', ') || 'none'
}

/** Items still queued or running after their phase ended: a job the queue lost. */
function lost(...lists: FleetItem[][]): number {
  return lists.flat().filter((i) => i.state === 'queued' || i.state === 'running').length
}

/**
 * Duplicates: a tenant with more than one finished apply run of its plan, or a passage object
 * (a mail flow rule by name, a list entry by value) twice in the tenant.
 */
async function countDuplicates(
  store: Store,
  fleet: SandboxTenant[],
  applyItems: FleetItem[],
): Promise<number> {
  let dup = 0
  const byId = new Map(fleet.map((t) => [t.snapshot.tenant.id, t]))
  for (const item of applyItems) {
    const runs = (await store.listRuns(item.tenantId, 100)).filter(
      (r) => r.kind === 'apply' && r.status === 'done' && r.planHash === item.planHash,
    )
    const t = byId.get(item.tenantId)
    const names = (t?.snapshot.state.transportRules ?? []).map((r) => r.Name.toLowerCase())
    const values = (t?.snapshot.state.tabl.items ?? []).map((e) => `${e.ListType}:${e.Value}`)
    if (
      runs.length > 1 ||
      new Set(names).size < names.length ||
      new Set(values).size < values.length
    )
      dup++
  }
  return dup
}

/** Waits until a third of the apply jobs are done, then kills a worker and/or restarts PostgreSQL. */
async function disruptMidway(
  store: Store,
  fleetPlanId: string,
  pgDir: string,
  startWorker: () => ChildProcess,
): Promise<string> {
  const planned = (await store.listFleetItems(fleetPlanId, 'plan')).filter(
    (i) => i.state === 'done',
  )
  for (;;) {
    await new Promise((r) => setTimeout(r, 250))
    const done = (await store.listFleetItems(fleetPlanId, 'apply' as FleetAction)).filter(
      (i) => i.state !== 'queued' && i.state !== 'running',
    ).length
    if (done >= planned.length / 3) break
  }
  const said: string[] = []
  if (flags.kill) {
    const victim = [...children][0]
    if (victim?.pid) {
      victim.kill('SIGKILL')
      said.push(`worker ${victim.pid} SIGKILLed`)
      startWorker()
    }
  }
  if (flags['restart-pg']) {
    const t = Date.now()
    await stopEmbeddedPostgres(pgDir)
    await ensureEmbeddedPostgres({ dataDir: pgDir })
    said.push(`PostgreSQL restarted (${Date.now() - t} ms down)`)
  }
  return said.join(', ')
}

async function shutdown(): Promise<void> {
  for (const c of children) c.kill('SIGTERM')
  await Promise.all(
    [...children].map(
      (c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))),
    ),
  )
  for (const f of cleanups.reverse()) await f().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
}

let failed = false
try {
  await main()
} catch (e) {
  failed = true
  console.error(e)
} finally {
  await shutdown()
}
process.exit(failed ? 1 : 0)
