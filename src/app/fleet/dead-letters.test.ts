// Items whose job the queue failed for good, against a real PostgreSQL store and queue
// (PASSAGE_TEST_PG_URL; a database of this file's own, dropped afterwards). A "worker" takes the
// job and dies (never answers): with no retry left pg-boss expires it into the dead letter, and
// the wait that would have lasted for ever marks the item failed instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openQueue, openStore, QUEUE_NAMES, type Store } from '../../store/index.js'
import type { JobQueueForTests } from '../../store/queue.js'
import { settleDeadLettered } from './dead-letters.js'
import { createFleetPlan, waitForItems } from './orchestrate.js'
import { ownDatabase, PG_URL } from '../../store/test-fixtures.js'

if (!PG_URL) console.log('dead-letters.test.ts: skipped (PASSAGE_TEST_PG_URL is unset; CI sets it)')

const TENANT = '00000000-0000-4000-8000-000000000077'

describe.skipIf(!PG_URL)('a job dead-lettered while its item still runs', () => {
  let db: Awaited<ReturnType<typeof ownDatabase>> | undefined
  let store: Store
  let queue: JobQueueForTests

  beforeAll(async () => {
    db = await ownDatabase('passage_dead')
    const url = db.url
    store = await openStore(url)
    // No retry, a 1 s expiry looked for every second: a dead worker's job fails for good at once.
    queue = await openQueue(url, {
      retryLimit: 0,
      expireInSeconds: 1,
      maintenanceIntervalSeconds: 1,
    })
    await store.upsertFleetTenant({
      tenantId: TENANT,
      name: 'golf.onmicrosoft.com',
      tags: [],
      state: 'enrolled',
      access: 'change',
      enrolledAt: '2026-12-06T00:00:00Z',
      lastErrorCode: null,
      lastErrorMessage: null,
    })
  })
  afterAll(async () => {
    await queue?.stop({ graceful: false }).catch(() => {})
    await store?.close()
    await db?.drop()
  })

  it('the wait marks the item failed with the dead letter’s reason instead of waiting for ever', async () => {
    const fp = await createFleetPlan(
      store,
      queue,
      { vendor: 'trustifi', params: {}, mode: 'recommended' },
      'all',
      'test',
    )
    // A worker takes the job, marks the item running, and is killed (it never answers).
    const [job] = await queue.boss.fetch(QUEUE_NAMES.plan)
    expect(job).toBeDefined()
    const item = (await store.getFleetItem(fp.id, TENANT, 'plan'))!
    await store.putFleetItem({ ...item, state: 'running' })
    const t0 = Date.now()
    const items = await waitForItems(store, fp.id, 'plan', { queue, pollMs: 100 })
    expect(Date.now() - t0).toBeLessThan(30_000)
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ state: 'failed', errorCode: 'PASSAGE_E_FLEET_QUEUE' })
    expect(items[0]?.errorMessage).toMatch(/failed for good in the queue/)
  }, 60_000)

  it('leaves an item alone when the dead letter is older than its last change (an earlier wave)', async () => {
    const [fp] = await store.listFleetPlans()
    const item = (await store.getFleetItem(fp!.id, TENANT, 'plan'))!
    // Queued again after the dead letter was written: that dead letter is not about this run.
    await new Promise((r) => setTimeout(r, 20))
    await store.putFleetItem({ ...item, state: 'queued', errorCode: null, errorMessage: null })
    expect(await settleDeadLettered(store, queue, fp!.id, 'plan')).toBe(0)
    expect((await store.getFleetItem(fp!.id, TENANT, 'plan'))?.state).toBe('queued')
    // Nor does it touch another action's items.
    expect(await settleDeadLettered(store, queue, fp!.id, 'apply')).toBe(0)
  })
})
