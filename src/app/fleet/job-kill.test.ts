/**
 * A worker killed mid-apply loses nothing and makes nothing twice: the job runs in a process of
 * its own (test-helpers.ts) against a store file and the sandbox (with latency, so that the kill
 * lands while writes are in flight), is killed with SIGKILL once the run has journaled a change,
 * and the same job then runs again here, as another worker would when pg-boss hands the expired
 * job back. Apply resumes the run from its journal (the dead holder's lease is taken over): the
 * run ends done, the tenant holds exactly one copy of each object, and check is green.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openStore, type Store } from '../../store/index.js'
import { runFleetJob, type FleetJobDeps } from './job.js'
import { TenantSessions } from './tenant-sessions.js'
import type { ChildJob } from './test-helpers.js'
import {
  fleetSandbox,
  fleetTenantOf,
  QUICK_RETRY,
  seedFleet,
  type FleetSandbox,
} from './test-fixtures.js'

let fs: FleetSandbox
let dir: string
let store: Store
let sessions: TenantSessions
let deps: FleetJobDeps

beforeAll(async () => {
  // Every admin API request waits 400 ms first: the apply takes seconds, time to kill it.
  fs = await fleetSandbox('latency=400')
  dir = mkdtempSync(join(tmpdir(), 'passage-fleet-kill-'))
  store = await openStore(join(dir, 'passage.db'))
  sessions = new TenantSessions({ keyPem: fs.keyPem, caPem: fs.sb.caPem, retry: QUICK_RETRY })
  deps = { session: (app, t) => sessions.get(app, t.tenantId, t.name) }
}, 60_000)

afterAll(async () => {
  await sessions?.closeAll()
  await store?.close()
  await fs?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** Identities of a surface state's objects that occur more than once. */
function duplicates(state: Record<string, unknown>): string[] {
  const out: string[] = []
  for (const [surface, v] of Object.entries(state)) {
    if (!Array.isArray(v)) continue
    const seen = new Set<string>()
    for (const o of v as Record<string, unknown>[]) {
      const id = [o.ListType, o.Name ?? o.Identity ?? o.Value].map((x) => String(x ?? '')).join(':')
      if (seen.has(id)) out.push(`${surface} ${id}`)
      seen.add(id)
    }
  }
  return out
}

it('a SIGKILLed apply job is resumed by the next worker: run done, one copy of each object, check green', async () => {
  const t = fs.tenant('contoso')
  fs.register(t)
  const tenantId = t.snapshot.tenant.id
  const fp = await seedFleet(store, fs, [fleetTenantOf(t)])
  const planned = await runFleetJob(store, 'plan', { fleetPlanId: fp, tenantId }, deps)
  expect(planned.state).toBe('done')
  const plan = await store.getPlan(planned.planHash ?? '')
  expect(plan?.changes.length).toBeGreaterThan(1)

  const jobFile = join(dir, 'job.json')
  const job: ChildJob = {
    storePath: join(dir, 'passage.db'),
    caPem: fs.sb.caPem,
    keyPem: fs.keyPem,
    action: 'apply',
    fleetPlanId: fp,
    tenantId,
  }
  writeFileSync(jobFile, JSON.stringify(job), { mode: 0o600 })
  const script = fileURLToPath(new URL('./test-helpers.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script, jobFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (b: Buffer) => (output += b.toString()))
  child.stderr.on('data', (b: Buffer) => (output += b.toString()))
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))

  // Kill it as soon as its run has journaled a change (a write begun), before the run ends.
  let killedAt: { journaled: number; steps: number } | null = null
  const deadline = Date.now() + 60_000
  while (!killedAt && Date.now() < deadline) {
    const run = (await store.listRuns(tenantId, 10)).find((r) => r.kind === 'apply')
    if (run) {
      const journaled = (await store.getJournal(run.id)).length
      if (journaled > 0) {
        child.kill('SIGKILL')
        killedAt = { journaled, steps: (await store.listSteps(run.id)).length }
      }
    }
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 20))
  }
  await exited
  expect(killedAt, `the child ended before it could be killed: ${output}`).not.toBeNull()
  const runs = (await store.listRuns(tenantId, 10)).filter((r) => r.kind === 'apply')
  expect(runs).toHaveLength(1)
  expect(runs[0]?.status).toBe('running')
  expect((await store.getFleetItem(fp, tenantId, 'apply'))?.state).toBe('running')

  // The next worker: the same job again.
  const again = await runFleetJob(
    store,
    'apply',
    { fleetPlanId: fp, tenantId, retryCount: 1 },
    deps,
  )
  expect(again.errorMessage).toBeNull()
  expect(again.state).toBe('done')
  expect(again.attempts).toBe(2)
  expect(again.detail?.resumed).toBe(true)
  expect(again.runId).toBe(runs[0]?.id)
  expect((await store.getRun(again.runId ?? 0))?.status).toBe('done')
  expect(duplicates(t.snapshot.state as unknown as Record<string, unknown>)).toEqual([])
  const checked = await runFleetJob(store, 'check', { fleetPlanId: fp, tenantId }, deps)
  expect(checked.detail).toMatchObject({ green: true, findings: 0 })
  console.info(
    `killed after ${killedAt?.journaled} journaled change(s), ${killedAt?.steps} step(s) recorded, of ${plan?.changes.length}`,
  )
}, 120_000)
