/**
 * The fleet worker end to end: pg-boss on PostgreSQL (PASSAGE_TEST_PG_URL, a database of this
 * file's own), the store on the same database, the sandbox over HTTPS. Jobs sent to the queue are
 * run by the worker's loops and their items written; a worker stopped without grace hands its
 * job back and another worker finishes it, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../store/index.js'
import type { FleetAction, FleetItem } from '../../store/fleet.js'
import { openQueue, type JobQueueForTests } from '../../store/queue.js'
import { ownDatabase, PG_URL } from '../../store/test-fixtures.js'
import {
  fleetSandbox,
  fleetTenantOf,
  QUICK_RETRY,
  seedFleet,
  type FleetSandbox,
} from './test-fixtures.js'
import { startFleetWorker, type FleetWorker, type FleetWorkerEvent } from './worker.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

if (!PG_URL)
  console.log(
    'worker.test.ts: skipped (PASSAGE_TEST_PG_URL is unset; scripts/pg-test-server.sh starts one)',
  )

describe.skipIf(!PG_URL)('startFleetWorker on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof ownDatabase>> | undefined
  let url = ''
  let fs: FleetSandbox
  let store: Store
  const queues: JobQueueForTests[] = []
  const workers: FleetWorker[] = []
  const sandboxes: FleetSandbox[] = []
  const queue = async () => {
    const q = await openQueue(url, {
      retryDelaySeconds: 1,
      pollingIntervalSeconds: 0.5,
      maintenanceIntervalSeconds: 1,
      expireInSeconds: 60,
    })
    queues.push(q)
    return q
  }
  const until = async (fp: string, action: FleetAction, ids: string[], ms = 60_000) => {
    const end = Date.now() + ms
    for (;;) {
      const items = await store.listFleetItems(fp, action)
      const finished = items.filter((i) => !['queued', 'running'].includes(i.state))
      if (ids.every((id) => finished.some((i) => i.tenantId === id))) return items
      if (Date.now() > end)
        throw new Error(
          `timed out: ${JSON.stringify(items.map((i) => [i.tenantId, i.state, i.errorCode]))}`,
        )
      await sleep(100)
    }
  }

  beforeAll(async () => {
    db = await ownDatabase('passage_w')
    url = db.url
    store = await openStore(url)
    fs = await fleetSandbox('latency=100')
  }, 60_000)

  afterAll(async () => {
    for (const w of workers) await w.stop({ graceful: false }).catch(() => {})
    for (const q of queues) await q.stop({ graceful: false }).catch(() => {})
    await store?.close()
    await fs?.close()
    for (const x of sandboxes) await x.close()
    await db?.drop()
  }, 60_000)

  it('plans, applies and checks two tenants through the queue; items done, events said', async () => {
    const tenants = [fs.tenant('contoso'), fs.tenant('fabrikam')]
    for (const t of tenants) fs.register(t)
    const ids = tenants.map((t) => t.snapshot.tenant.id)
    const fp = await seedFleet(
      store,
      fs,
      tenants.map((t) => fleetTenantOf(t)),
      'fp-0000work',
    )
    const q = await queue()
    const events: FleetWorkerEvent[] = []
    const w = await startFleetWorker(store, q, {
      concurrency: 2,
      keyPem: fs.keyPem,
      caPem: fs.sb.caPem,
      retry: QUICK_RETRY,
      onEvent: (e) => events.push(e),
    })
    workers.push(w)
    const run = async (action: FleetAction): Promise<FleetItem[]> => {
      await q.send(
        action,
        ids.map((tenantId) => ({ fleetPlanId: fp, tenantId })),
      )
      return until(fp, action, ids)
    }
    const plans = await run('plan')
    expect(plans.map((i) => i.state)).toEqual(['done', 'done'])
    const applied = await run('apply')
    expect(applied.map((i) => [i.state, i.errorMessage])).toEqual([
      ['done', null],
      ['done', null],
    ])
    const checked = await run('check')
    expect(checked.map((i) => i.detail?.green)).toEqual([true, true])
    // The event follows the item's write: wait for the last one.
    for (let i = 0; i < 50 && events.filter((e) => e.kind === 'done').length < 6; i++)
      await sleep(100)
    expect(events.filter((e) => e.kind === 'done')).toHaveLength(6)
    expect(events.filter((e) => e.kind === 'start')).toHaveLength(6)
    await w.stop({ graceful: true, timeoutMs: 5000 })
  }, 120_000)

  it('a worker stopped mid-apply without grace hands the job back; another worker finishes the run once', async () => {
    // A sandbox of its own, slower (500 ms a request), so that the stop lands mid-run.
    const slow = await fleetSandbox('latency=500')
    sandboxes.push(slow)
    const t = slow.sb.world.tenants[2]
    if (!t) throw new Error('no third sandbox tenant')
    slow.register(t)
    const tenantId = t.snapshot.tenant.id
    const fp = await seedFleet(store, slow, [fleetTenantOf(t)], 'fp-0000stop')
    const q1 = await queue()
    const w1 = await startFleetWorker(store, q1, {
      concurrency: 1,
      keyPem: slow.keyPem,
      caPem: slow.sb.caPem,
      retry: QUICK_RETRY,
      // A short lease: the first worker's run, cut off, frees the tenant soon.
      leaseTtlMs: 3000,
    })
    workers.push(w1)
    await q1.send('plan', [{ fleetPlanId: fp, tenantId }])
    await until(fp, 'plan', [tenantId])
    await q1.send('apply', [{ fleetPlanId: fp, tenantId }])
    // Stop as soon as the run has journaled a change.
    const end = Date.now() + 60_000
    for (;;) {
      const run = (await store.listRuns(tenantId, 5)).find((r) => r.kind === 'apply')
      if (run && (await store.getJournal(run.id)).length > 0) break
      if (Date.now() > end) throw new Error('the apply never started')
      await sleep(20)
    }
    await w1.stop({ graceful: false })
    // The precondition: stopped mid-run, not after it.
    expect((await store.getFleetItem(fp, tenantId, 'apply'))?.state).toBe('running')
    const q2 = await queue()
    const w2 = await startFleetWorker(store, q2, {
      concurrency: 1,
      keyPem: slow.keyPem,
      caPem: slow.sb.caPem,
      retry: QUICK_RETRY,
      leaseTtlMs: 3000,
    })
    workers.push(w2)
    const [item] = await until(fp, 'apply', [tenantId], 90_000)
    expect(item?.state).toBe('done')
    // Handed back: a second attempt, which resumed the run the first one began.
    expect(item?.attempts).toBeGreaterThanOrEqual(2)
    expect(item?.detail?.resumed).toBe(true)
    const runs = (await store.listRuns(tenantId, 10)).filter((r) => r.kind === 'apply')
    expect(runs).toHaveLength(1)
    expect(runs[0]?.status).toBe('done')
  }, 150_000)
})
