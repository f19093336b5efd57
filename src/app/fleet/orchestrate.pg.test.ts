// The orchestrator against a real PostgreSQL store and job queue (PASSAGE_TEST_PG_URL): a
// database of this file's own, dropped afterwards. No worker runs here: these tests pin what the
// orchestrator itself records and sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openQueue, openStore, type JobQueue, type Store } from '../../store/index.js'
import { createFleetPlan, resolveSelector, waitForItems } from './orchestrate.js'
import { applyFleet, rollbackFleet } from './waves.js'
import { ownDatabase, PG_URL } from '../../store/test-fixtures.js'

if (!PG_URL)
  console.log('orchestrate.pg.test.ts: skipped (PASSAGE_TEST_PG_URL is unset; CI sets it)')

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

describe.skipIf(!PG_URL)('fleet orchestration on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof ownDatabase>> | undefined
  let store: Store
  let queue: JobQueue
  const req = { vendor: 'trustifi', params: {}, mode: 'recommended' as const }

  beforeAll(async () => {
    db = await ownDatabase('passage_orch')
    const url = db.url
    store = await openStore(url)
    queue = await openQueue(url, { pollingIntervalSeconds: 0.5 })
    const base = {
      access: 'change' as const,
      enrolledAt: '2026-12-06T00:00:00Z',
      lastErrorCode: null,
      lastErrorMessage: null,
    }
    await store.upsertFleetTenant({
      ...base,
      tenantId: guid(1),
      name: 'bravo.onmicrosoft.com',
      tags: ['pilot'],
      state: 'enrolled',
    })
    await store.upsertFleetTenant({
      ...base,
      tenantId: guid(2),
      name: 'alpha.onmicrosoft.com',
      tags: ['pilot'],
      state: 'enrolled',
    })
    await store.upsertFleetTenant({
      ...base,
      tenantId: guid(3),
      name: 'charlie.onmicrosoft.com',
      tags: ['pilot'],
      state: 'consent-pending',
      enrolledAt: null,
    })
    await store.upsertFleetTenant({
      ...base,
      tenantId: guid(4),
      name: 'delta.onmicrosoft.com',
      tags: [],
      state: 'removed',
    })
  }, 60_000)

  afterAll(async () => {
    await queue?.stop({ graceful: false })
    await store?.close()
    await db?.drop()
  })

  it('resolves all, tag:, a comma list of names or ids; removed tenants are never selected', async () => {
    const names = async (sel: string) => (await resolveSelector(store, sel)).map((t) => t.name)
    expect(await names('all')).toEqual([
      'alpha.onmicrosoft.com',
      'bravo.onmicrosoft.com',
      'charlie.onmicrosoft.com',
    ])
    expect(await names('tag:pilot')).toHaveLength(3)
    expect(await names(`BRAVO.onmicrosoft.com,${guid(2)}`)).toEqual([
      'alpha.onmicrosoft.com',
      'bravo.onmicrosoft.com',
    ])
    await expect(resolveSelector(store, 'delta.onmicrosoft.com')).rejects.toMatchObject({
      code: 'PASSAGE_E_FLEET_TENANT_UNKNOWN',
    })
    await expect(resolveSelector(store, 'tag:nobody')).rejects.toMatchObject({
      code: 'PASSAGE_E_INPUT',
    })
  })

  it('queues one plan job per enrolled tenant; a tenant not enrolled gets no-access and no job', async () => {
    const fp = await createFleetPlan(store, queue, req, 'tag:pilot', 'tester@host')
    expect(fp.id).toMatch(/^fp-[0-9a-f]{8}$/)
    const items = await store.listFleetItems(fp.id, 'plan')
    const state = Object.fromEntries(items.map((i) => [i.tenantId, i.state]))
    expect(state).toEqual({ [guid(1)]: 'queued', [guid(2)]: 'queued', [guid(3)]: 'no-access' })
    expect(items.find((i) => i.tenantId === guid(3))?.errorMessage).toMatch(/consent pending/)
    // The jobs: exactly the two enrolled tenants, with their ids and nothing else.
    const seen: unknown[] = []
    await queue.work('plan', 1, async (job) => {
      seen.push({ fleetPlanId: job.fleetPlanId, tenantId: job.tenantId })
      await store.putFleetItem({
        ...(await store.getFleetItem(job.fleetPlanId, job.tenantId, 'plan'))!,
        state: 'nothing',
      })
    })
    const done = await waitForItems(store, fp.id, 'plan', { pollMs: 100 })
    expect(done.map((i) => i.state).sort()).toEqual(['no-access', 'nothing', 'nothing'])
    expect(seen).toHaveLength(2)
    expect(seen).toEqual(
      expect.arrayContaining([
        { fleetPlanId: fp.id, tenantId: guid(1) },
        { fleetPlanId: fp.id, tenantId: guid(2) },
      ]),
    )
  }, 60_000)

  it('refuses a typo in the vendor before recording anything', async () => {
    const before = (await store.listFleetPlans()).length
    await expect(
      createFleetPlan(store, queue, { ...req, vendor: 'trustifee' }, 'all', 'me'),
    ).rejects.toMatchObject({ kind: 'user' })
    expect((await store.listFleetPlans()).length).toBe(before)
  })

  it('applies nothing and rolls back nothing when every tenant already had nothing to change', async () => {
    const [fp] = await store.listFleetPlans()
    const r = await applyFleet(store, queue, fp!.id, { canary: 2, maxFailuresPct: 0, pollMs: 50 })
    expect(r).toMatchObject({ waves: [], stopped: null })
    expect((await rollbackFleet(store, queue, fp!.id, { pollMs: 50 })).tenants).toEqual([])
  })
})
