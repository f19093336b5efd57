// How the orchestrator feeds the queue (no worker runs here: the test plays the workers by
// writing items): each job's item is written before its job is sent, in chunks so that the first
// jobs go out while later items are written; and in an apply wave each tenant's check is sent as
// soon as its own apply is done, not once the whole wave's applies are.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  openStore,
  type FleetAction,
  type FleetItem,
  type FleetJob,
  type JobQueue,
  type Store,
} from '../../store/index.js'
import { createFleetPlan, emptyItem, SEND_CHUNK } from './orchestrate.js'
import { applyFleet } from './waves.js'

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const req = { vendor: 'trustifi', params: {}, mode: 'recommended' as const }

/** A queue that records what is sent (and which items existed then), and runs nothing. */
function recordingQueue(store: Store) {
  const sends: { action: FleetAction; tenants: string[]; itemsQueued: boolean }[] = []
  const cancelled: string[] = []
  let n = 0
  const queue: JobQueue = {
    async send(action, jobs: FleetJob[]) {
      const items = await store.listFleetItems(jobs[0]!.fleetPlanId, action)
      const queued = new Set(items.filter((i) => i.state === 'queued').map((i) => i.tenantId))
      sends.push({
        action,
        tenants: jobs.map((j) => j.tenantId),
        itemsQueued: jobs.every((j) => queued.has(j.tenantId)),
      })
      return jobs.map(() => `job-${++n}`)
    },
    work: async () => {},
    cancel: async (_a, ids) => void cancelled.push(...ids),
    deadLetters: async () => [],
    schedule: async () => {},
    unschedule: async () => false,
    schedules: async () => [],
    workSchedules: async () => {},
    stop: async () => {},
  }
  return { queue, sends, cancelled }
}

async function until(what: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('fleet orchestration: feeding the queue', () => {
  let store: Store

  beforeEach(async () => {
    store = await openStore(':memory:')
  })
  afterEach(async () => {
    await store.close()
  })

  async function enrol(count: number): Promise<void> {
    for (let i = 1; i <= count; i++)
      await store.upsertFleetTenant({
        tenantId: guid(i),
        name: `t${String(i).padStart(4, '0')}.onmicrosoft.com`,
        tags: ['pilot'],
        state: 'enrolled',
        access: 'change',
        enrolledAt: '2026-12-06T00:00:00Z',
        lastErrorCode: null,
        lastErrorMessage: null,
      })
  }

  /** A worker's outcome for one item. */
  async function finish(fleetPlanId: string, tenantId: string, action: FleetAction, extra = {}) {
    const item: Omit<FleetItem, 'updatedAt'> = {
      ...emptyItem(fleetPlanId, tenantId, action),
      state: 'done',
      planHash: 'h'.repeat(64),
      changeKey: 'k',
      ...extra,
    }
    await store.putFleetItem(item)
  }

  it('writes each plan item queued before its job is sent, in chunks of SEND_CHUNK', async () => {
    await enrol(SEND_CHUNK * 2 + 5)
    const { queue, sends } = recordingQueue(store)
    const fp = await createFleetPlan(store, queue, req, 'tag:pilot', 'test')
    expect(sends.map((s) => s.tenants.length)).toEqual([SEND_CHUNK, SEND_CHUNK, 5])
    expect(sends.every((s) => s.action === 'plan' && s.itemsQueued)).toBe(true)
    expect(new Set(sends.flatMap((s) => s.tenants)).size).toBe(SEND_CHUNK * 2 + 5)
    expect((await store.listFleetItems(fp.id, 'plan')).length).toBe(SEND_CHUNK * 2 + 5)
  })

  it('sends a tenant’s check as soon as its apply is done, while the wave’s other applies still run', async () => {
    await enrol(3)
    const { queue, sends } = recordingQueue(store)
    const fp = await createFleetPlan(store, queue, req, 'tag:pilot', 'test')
    for (let i = 1; i <= 3; i++) await finish(fp.id, guid(i), 'plan')
    const waves: string[] = []
    const running = applyFleet(store, queue, fp.id, {
      canary: 0,
      maxFailuresPct: 50,
      pollMs: 5,
      onWave: (w) => waves.push(`${w.kind} ${w.action} ${w.tenants}`),
    })
    await until(() => sends.some((s) => s.action === 'apply'))
    expect(sends.filter((s) => s.action === 'apply').flatMap((s) => s.tenants)).toHaveLength(3)
    await finish(fp.id, guid(2), 'apply')
    await until(() => sends.some((s) => s.action === 'check'))
    // Only the tenant whose apply is done is checked; its item was queued before its job.
    expect(sends.filter((s) => s.action === 'check')).toEqual([
      { action: 'check', tenants: [guid(2)], itemsQueued: true },
    ])
    const applies = await store.listFleetItems(fp.id, 'apply')
    expect(
      applies
        .filter((i) => i.state === 'queued')
        .map((i) => i.tenantId)
        .sort(),
    ).toEqual([guid(1), guid(3)])
    // The wave's checks are announced once its applies are all done.
    expect(waves).toEqual(['rest apply 3'])
    await finish(fp.id, guid(2), 'check', { detail: { green: true } })
    await finish(fp.id, guid(1), 'apply')
    await finish(fp.id, guid(3), 'apply')
    await until(
      () => sends.filter((s) => s.action === 'check').flatMap((s) => s.tenants).length === 3,
    )
    expect(waves).toEqual(['rest apply 3', 'rest check 3'])
    await finish(fp.id, guid(1), 'check', { detail: { green: true } })
    await finish(fp.id, guid(3), 'check', { detail: { green: true } })
    const r = await running
    expect(r.stopped).toBeNull()
    expect(r.waves).toHaveLength(1)
    expect(r.waves[0]).toMatchObject({ kind: 'rest', applied: 3, green: 3, failed: 0 })
    // One check per tenant, never twice.
    expect(
      sends
        .filter((s) => s.action === 'check')
        .flatMap((s) => s.tenants)
        .sort(),
    ).toEqual([guid(1), guid(2), guid(3)])
  })

  it('past --max-failures, cancels the queued applies and checks and sends no more checks', async () => {
    await enrol(4)
    const { queue, sends, cancelled } = recordingQueue(store)
    const fp = await createFleetPlan(store, queue, req, 'tag:pilot', 'test')
    for (let i = 1; i <= 4; i++) await finish(fp.id, guid(i), 'plan')
    const running = applyFleet(store, queue, fp.id, { canary: 0, maxFailuresPct: 10, pollMs: 5 })
    await until(() => sends.some((s) => s.action === 'apply'))
    await finish(fp.id, guid(1), 'apply')
    await until(() => sends.some((s) => s.action === 'check'))
    // Tenant 2's apply fails: 1 failed of 2 finished passes 10%.
    await finish(fp.id, guid(2), 'apply', { state: 'failed', errorCode: 'PASSAGE_E_EXO_FAILED' })
    const r = await running
    expect(r.stopped).toMatch(/more than --max-failures 10%/)
    // The queued applies of tenants 3 and 4 and the queued check of tenant 1 were cancelled.
    expect(cancelled).toHaveLength(3)
    expect(r.cancelled).toBe(3)
    const checks = await store.listFleetItems(fp.id, 'check')
    expect(checks.map((i) => `${i.tenantId} ${i.state}`)).toEqual([`${guid(1)} cancelled`])
    expect(sends.filter((s) => s.action === 'check').flatMap((s) => s.tenants)).toEqual([guid(1)])
  })
})
