/**
 * The fleet dashboard's routes through fastify's inject: the token and security headers as on
 * every /api route, filters and paging done by the database, bad input refused with the
 * catalogue's code, a tenant's page, and the actions queued as jobs with their progress (a queue
 * double whose "worker" finishes each job, since the real queue needs PostgreSQL; the waves and
 * the store are the real ones).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  seedDashboardFleet,
  seededState,
  seededTags,
  type SeededFleet,
} from '../../store/fleet-dashboard.fixtures.js'
import type { FleetAction, FleetItem, FleetJob, JobQueue, Store } from '../../store/index.js'
import { openStore } from '../../store/index.js'
import { buildServer } from '../app.js'
import { parseServeArgs } from '../args.js'
import { CONTENT_SECURITY_POLICY } from '../security.js'
import { createState } from '../state.js'
import { currentAction, expiryTimeline, weekStart } from './fleet.js'

const TOKEN = 'fleet-token-0123456789abcdefghijklmnopqrstuvwxyz'
const auth = { authorization: `Bearer ${TOKEN}` }
const json = { ...auth, 'content-type': 'application/json' }
const N = 120
const NOW = new Date('2026-12-07T12:00:00Z') // a Monday

/** A job queue whose jobs a pretend worker finishes after a tick, as a real worker would. */
function fakeQueue(store: Store): JobQueue & { sent: { action: FleetAction; jobs: FleetJob[] }[] } {
  const sent: { action: FleetAction; jobs: FleetJob[] }[] = []
  let n = 0
  return {
    sent,
    async send(action, jobs) {
      sent.push({ action, jobs })
      setTimeout(() => {
        void (async () => {
          for (const j of jobs) {
            const item = await store.getFleetItem(j.fleetPlanId, j.tenantId, action)
            if (!item) continue
            const { updatedAt: _u, ...rest } = item
            await store.putFleetItem({
              ...rest,
              state: 'done',
              detail:
                action === 'check'
                  ? { green: true, findings: 0, checked: 1 }
                  : action === 'plan'
                    ? { changes: 1 }
                    : {},
            })
          }
        })()
      }, 20)
      return jobs.map(() => `job-${++n}`)
    },
    async work() {},
    async cancel() {},
    async deadLetters() {
      return []
    },
    async schedule() {},
    async unschedule() {
      return false
    },
    async schedules() {
      return []
    },
    async workSchedules() {},
    async stop() {},
  }
}

let app: FastifyInstance
let store: Store
let dir: string
let seeded: SeededFleet
let queue: ReturnType<typeof fakeQueue>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passage-fleet-routes-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>wizard</title>')
  const location = join(dir, 'fleet.db')
  store = await openStore(location)
  seeded = await seedDashboardFleet(store, N, NOW)
  queue = fakeQueue(store)
  app = buildServer({
    state: createState(store, null),
    token: TOKEN,
    webRoot: dir,
    fleet: { store, dashboard: store, queue, actor: 'test', now: () => NOW, pollMs: 20 },
  })
  await app.ready()
}, 60_000)

afterAll(async () => {
  await app.close()
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

const get = (url: string, headers: Record<string, string> = auth) =>
  app.inject({ method: 'GET', url, headers })
const post = (url: string, body: unknown) =>
  app.inject({ method: 'POST', url, headers: json, payload: JSON.stringify(body) })

/** Tenants seeded with this predicate, not removed. */
const seededCount = (f: (i: number) => boolean) =>
  Array.from({ length: N }, (_, i) => i).filter((i) => seededState(i) !== 'removed' && f(i)).length

describe('fleet routes: token and headers', () => {
  it('refuses every fleet route without the token (401, PASSAGE_E_API_TOKEN)', async () => {
    for (const url of [
      '/api/fleet/tenants',
      '/api/fleet/counts',
      '/api/fleet/expiry',
      `/api/fleet/tenants/${seeded.tenantIds[11]}`,
      '/api/fleet/progress/fp-0000000a',
    ]) {
      const r = await get(url, {})
      expect(r.statusCode, url).toBe(401)
      expect(r.json().error.code).toBe('PASSAGE_E_API_TOKEN')
    }
    const p = await app.inject({
      method: 'POST',
      url: '/api/fleet/check',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ fleetPlanId: 'fp-0000000a' }),
    })
    expect(p.statusCode).toBe(401)
    expect(queue.sent).toHaveLength(0)
  })

  it('answers with the wizard’s CSP and no caching', async () => {
    const r = await get('/api/fleet/tenants')
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(r.headers['cache-control']).toBe('no-store')
  })
})

describe('passage serve --fleet', () => {
  it('takes --fleet and the fleet database as --database (or --db)', () => {
    expect(parseServeArgs(['--fleet', '--database', 'postgres://h/db'])).toMatchObject({
      fleet: true,
      db: 'postgres://h/db',
    })
    expect(parseServeArgs(['--db=f.db']).fleet).toBe(false)
  })

  it('has no /api/fleet routes without --fleet (404, PASSAGE_E_API_NOT_FOUND)', async () => {
    const plain = buildServer({ state: createState(store, null), token: TOKEN, webRoot: dir })
    try {
      const r = await plain.inject({ method: 'GET', url: '/api/fleet/info', headers: auth })
      expect(r.statusCode).toBe(404)
      expect(r.json().error.code).toBe('PASSAGE_E_API_NOT_FOUND')
      // The page learns it from /api/info instead (a 404 would be an error in its console).
      const info = await plain.inject({ method: 'GET', url: '/api/info', headers: auth })
      expect(info.json().fleet).toBeNull()
    } finally {
      await plain.close()
    }
  })

  it('refuses actions on a SQLite dashboard (PASSAGE_E_FLEET_DB) and says it only reads', async () => {
    const readOnly = buildServer({
      state: createState(store, null),
      token: TOKEN,
      webRoot: dir,
      fleet: { store, dashboard: store, queue: null, actor: 'test' },
    })
    try {
      const info = await readOnly.inject({ method: 'GET', url: '/api/fleet/info', headers: auth })
      expect(info.json()).toMatchObject({ fleet: true, actions: false, dialect: 'sqlite' })
      const general = await readOnly.inject({ method: 'GET', url: '/api/info', headers: auth })
      expect(general.json().fleet).toEqual({ actions: false })
      const r = await readOnly.inject({
        method: 'POST',
        url: '/api/fleet/check',
        headers: json,
        payload: JSON.stringify({ fleetPlanId: 'fp-0000000a' }),
      })
      expect(r.statusCode).toBe(400)
      expect(r.json().error.code).toBe('PASSAGE_E_FLEET_DB')
    } finally {
      await readOnly.close()
    }
  })
})

describe('GET /api/fleet/tenants: filters and paging in the database', () => {
  it('pages by name; total counts every tenant not removed', async () => {
    const a = (await get('/api/fleet/tenants?limit=10')).json()
    const b = (await get('/api/fleet/tenants?limit=10&offset=10')).json()
    expect(a.total).toBe(seededCount(() => true))
    expect(a.tenants).toHaveLength(10)
    expect(a.tenants[0].name).toBe('tenant-0000.onmicrosoft.com')
    expect(b.tenants[0].name > a.tenants[9].name).toBe(true)
    const past = (await get('/api/fleet/tenants?offset=5000')).json()
    expect(past.tenants).toEqual([])
    expect(past.total).toBe(a.total)
  })

  it('filters by state, tag, vendor and search, and they combine', async () => {
    const s = (await get('/api/fleet/tenants?state=consent-pending&limit=200')).json()
    expect(s.total).toBe(seededCount((i) => seededState(i) === 'consent-pending'))
    expect(s.tenants.every((t: { state: string }) => t.state === 'consent-pending')).toBe(true)

    const tag = (await get('/api/fleet/tenants?tag=pilot&limit=200')).json()
    expect(tag.total).toBe(seededCount((i) => seededTags(i).includes('pilot')))

    const vendor = (await get('/api/fleet/tenants?vendor=knowbe4&limit=200')).json()
    expect(vendor.total).toBe(seededCount((i) => i % 2 === 1))
    expect(vendor.tenants.every((t: { vendor: string }) => t.vendor === 'knowbe4')).toBe(true)

    const both = (await get('/api/fleet/tenants?vendor=trustifi&tag=pilot&state=enrolled')).json()
    expect(both.total).toBe(
      seededCount((i) => i % 2 === 0 && i % 10 === 0 && seededState(i) === 'enrolled'),
    )
    const q = (await get('/api/fleet/tenants?q=TENANT-001')).json()
    expect(q.tenants.map((t: { name: string }) => t.name)).toContain('tenant-0011.onmicrosoft.com')
    expect(q.total).toBe(seededCount((i) => String(i).padStart(4, '0').startsWith('001')))
  })

  it('shows removed tenants only when asked for, and an empty filter is no filter', async () => {
    const removed = (await get('/api/fleet/tenants?state=removed')).json()
    expect(removed.total).toBe(seeded.states.removed)
    const empty = (await get('/api/fleet/tenants?vendor=&tag=&state=&q=')).json()
    expect(empty.total).toBe(seededCount(() => true))
  })

  it('filters by the last check’s verdict, as `fleet status` computes it', async () => {
    const red = (await get('/api/fleet/tenants?check=red&limit=200')).json()
    expect(red.total).toBe(
      seededCount((i) => seededState(i) === 'enrolled' && i % 3 !== 2 && i % 7 === 0),
    )
    expect(red.tenants[0].lastError).toMatch(/^check: PASSAGE_E_PLAN_DRIFT/)
  })

  it('sorts by soonest expiry, tenants without one last', async () => {
    const r = (await get('/api/fleet/tenants?sort=expiry&limit=200')).json()
    const expiries = r.tenants.map((t: { soonestExpiry: string | null }) => t.soonestExpiry)
    const known = expiries.filter((e: string | null) => e !== null)
    expect(known).toEqual([...known].sort())
    expect(expiries.slice(known.length).every((e: string | null) => e === null)).toBe(true)
  })

  it.each([
    ['limit above the page size', '?limit=1000'],
    ['negative offset', '?offset=-1'],
    ['unknown state', '?state=green'],
    ['unknown sort', '?sort=password'],
    ['unknown field', '?vendr=trustifi'],
    ['tag with a quote', `?tag=${encodeURIComponent('a"b')}`],
    ['vendor not an id', '?vendor=Trust%20ifi'],
  ])('refuses %s with 400 PASSAGE_E_INPUT naming the field', async (_, query) => {
    const r = await get(`/api/fleet/tenants${query}`)
    expect(r.statusCode).toBe(400)
    const e = r.json().error
    expect(e.code).toBe('PASSAGE_E_INPUT')
    expect(e.issues.length).toBeGreaterThan(0)
  })
})

describe('counts, expiry and a tenant’s page', () => {
  it('counts tenants by state and by check verdict', async () => {
    const c = (await get('/api/fleet/counts')).json()
    expect(c.byState.enrolled).toBe(seeded.states.enrolled)
    expect(c.byState['consent-pending']).toBe(seeded.states['consent-pending'])
    expect(c.byState.removed).toBeUndefined()
    expect(c.total).toBe(seededCount(() => true))
    expect(Object.values(c.byCheck as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(
      c.total,
    )
    expect(c.vendors).toEqual(['knowbe4', 'trustifi'])
    expect(c.tags).toContain('pilot')
  })

  it('buckets soonest expiries by week from now', async () => {
    const e = (await get('/api/fleet/expiry')).json()
    expect(e.weeks).toHaveLength(12)
    expect(e.weeks[0].start).toBe('2026-12-07')
    const checked = seededCount((i) => seededState(i) === 'enrolled' && i % 3 !== 2)
    expect(e.weeks.reduce((n: number, w: { count: number }) => n + w.count, 0) + e.later).toBe(
      checked,
    )
  })

  it('expiryTimeline: past expiries apart, weeks start on Monday', () => {
    expect(weekStart(new Date('2026-12-13T23:00:00Z')).toISOString()).toBe(
      '2026-12-07T00:00:00.000Z',
    )
    const t = expiryTimeline(
      [
        { soonestExpiry: '2026-12-01T00:00:00Z' },
        { soonestExpiry: '2026-12-14T00:00:00Z' },
        { soonestExpiry: '2027-06-01T00:00:00Z' },
      ],
      NOW,
    )
    expect(t.expired).toBe(1)
    expect(t.weeks[1]).toEqual({ start: '2026-12-14', count: 1 })
    expect(t.later).toBe(1)
  })

  it('shows a tenant: last plan, check findings and history', async () => {
    const id = seeded.tenantIds[21]! // enrolled, in plan B, applied, checked red (21 % 7 === 0)
    const r = (await get(`/api/fleet/tenants/${id}`)).json()
    expect(r.tenant.name).toBe('tenant-0021.onmicrosoft.com')
    expect(r.lastPlan.fleetPlanId).toBe('fp-0000000b')
    expect(r.lastPlan.vendor).toBe('knowbe4')
    expect(r.check.verdict).toBe('red')
    expect(r.check.problems[0]).toMatch(/Allowed IPs/)
    expect(r.history.map((h: { action: string }) => h.action).sort()).toEqual([
      'apply',
      'check',
      'plan',
    ])
  })

  it('refuses an unknown tenant (PASSAGE_E_FLEET_TENANT_UNKNOWN) and a malformed id (400)', async () => {
    const u = await get('/api/fleet/tenants/not-a-tenant')
    expect(u.json().error.code).toBe('PASSAGE_E_FLEET_TENANT_UNKNOWN')
    const bad = await get('/api/fleet/tenants/a%20b')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('PASSAGE_E_INPUT')
  })
})

describe('fleet actions: queued as jobs, with progress', () => {
  it('refuses bad bodies before queuing anything', async () => {
    const before = queue.sent.length
    for (const [url, body] of [
      ['/api/fleet/check', { fleetPlanId: 'not-a-plan' }],
      ['/api/fleet/rollback', { fleetPlanId: 'fp-0000000a' }],
      ['/api/fleet/apply', { fleetPlanId: 'fp-0000000a', canary: -1 }],
      ['/api/fleet/plan', { vendor: { id: 'trustifi' }, tenants: 'file:/etc/passwd' }],
    ] as const) {
      const r = await post(url, body)
      expect(r.statusCode, url).toBe(400)
      expect(r.json().error.code).toBe('PASSAGE_E_INPUT')
    }
    const unknown = await post('/api/fleet/check', { fleetPlanId: 'fp-deadbeef' })
    expect(unknown.json().error.code).toBe('PASSAGE_E_FLEET_PLAN_UNKNOWN')
    expect(queue.sent.length).toBe(before)
  })

  it('checks a fleet plan: one job per applied tenant, progress until all are done', async () => {
    const r = await post('/api/fleet/check', { fleetPlanId: 'fp-0000000a' })
    expect(r.statusCode).toBe(202)
    expect(r.json().fleetPlanId).toBe('fp-0000000a')
    const applied = seededCount((i) => i % 2 === 0 && seededState(i) === 'enrolled' && i % 3 !== 2)
    let p: {
      finished: boolean
      run: { status: string; action: string }
      counts: { check: Record<string, number> }
    }
    const started = Date.now()
    do {
      await new Promise((res) => setTimeout(res, 50))
      p = (await get('/api/fleet/progress/fp-0000000a')).json()
    } while (!p.finished && Date.now() - started < 20_000)
    expect(p.run).toMatchObject({ action: 'check', status: 'done' })
    expect(p.counts.check.done).toBe(applied)
    expect(queue.sent.at(-1)).toMatchObject({ action: 'check' })
    expect(queue.sent.at(-1)!.jobs).toHaveLength(applied)
    // The verdicts the jobs wrote are what the table shows now.
    const red = (await get('/api/fleet/tenants?check=red&vendor=trustifi')).json()
    expect(red.total).toBe(0)
  })

  it('makes a fleet plan for a tag and counts its plan jobs to the end', async () => {
    const r = await post('/api/fleet/plan', { vendor: { id: 'trustifi' }, tenants: 'tag:pilot' })
    expect(r.statusCode).toBe(202)
    const id = r.json().fleetPlanId as string
    expect(id).toMatch(/^fp-[0-9a-f]{8}$/)
    let p: { finished: boolean; counts: { plan: Record<string, number> }; tenants: number }
    do {
      await new Promise((res) => setTimeout(res, 50))
      p = (await get(`/api/fleet/progress/${id}`)).json()
    } while (!p.finished)
    expect(p.tenants).toBe(seededCount((i) => seededTags(i).includes('pilot')))
    expect(p.counts.plan.done).toBe(
      seededCount((i) => seededTags(i).includes('pilot') && seededState(i) === 'enrolled'),
    )
  })

  it('undoes one tenant: one rollback job for its apply run, refused when nothing is applied', async () => {
    const id = seeded.tenantIds[27]! // in plan B, applied
    const none = await post(`/api/fleet/tenants/${id}/rollback`, {
      fleetPlanId: 'fp-0000000b',
      confirm: true,
    })
    expect(none.json().error.code).toBe('PASSAGE_E_NOTHING_APPLIED')
    const apply = (await store.getFleetItem('fp-0000000b', id, 'apply'))!
    const { updatedAt: _u, ...rest } = apply
    await store.putFleetItem({ ...rest, runId: 7 })
    const unconfirmed = await post(`/api/fleet/tenants/${id}/rollback`, {
      fleetPlanId: 'fp-0000000b',
    })
    expect(unconfirmed.statusCode).toBe(400)
    const r = await post(`/api/fleet/tenants/${id}/rollback`, {
      fleetPlanId: 'fp-0000000b',
      confirm: true,
    })
    expect(r.statusCode).toBe(202)
    expect(queue.sent.at(-1)).toEqual({
      action: 'rollback',
      jobs: [{ fleetPlanId: 'fp-0000000b', tenantId: id }],
    })
    await expect
      .poll(async () => (await store.getFleetItem('fp-0000000b', id, 'rollback'))?.state)
      .toBe('done')
    // Done once: a second undo finds nothing left to undo.
    const again = await post(`/api/fleet/tenants/${id}/rollback`, {
      fleetPlanId: 'fp-0000000b',
      confirm: true,
    })
    expect(again.json().error.code).toBe('PASSAGE_E_NOTHING_APPLIED')
  })

  it('shows an action another process started, from the store, and refuses a second one', async () => {
    // Another dashboard (or `passage fleet check`) on the same database queues a check; no worker
    // has taken its jobs yet. This server never ran anything for that plan.
    const idle = {
      ...fakeQueue(store),
      send: async (_a: FleetAction, jobs: FleetJob[]) => jobs.map((_, i) => `idle-${i}`),
    }
    const other = buildServer({
      state: createState(store, null),
      token: TOKEN,
      webRoot: dir,
      fleet: {
        store,
        dashboard: store,
        queue: idle,
        actor: 'elsewhere',
        now: () => NOW,
        pollMs: 20,
      },
    })
    await other.ready()
    try {
      const started = await other.inject({
        method: 'POST',
        url: '/api/fleet/check',
        headers: json,
        payload: JSON.stringify({ fleetPlanId: 'fp-0000000b' }),
      })
      expect(started.statusCode).toBe(202)
      let queued: FleetItem[] = []
      await expect
        .poll(async () => {
          queued = (await store.listFleetItems('fp-0000000b', 'check')).filter(
            (i) => i.state === 'queued',
          )
          return queued.length
        })
        .toBeGreaterThan(0)
      const p = (await get('/api/fleet/progress/fp-0000000b')).json()
      expect(p).toMatchObject({
        action: 'check',
        run: null,
        finished: false,
        pending: queued.length,
      })
      expect(p.counts.check.queued).toBe(queued.length)
      const plans = (await get('/api/fleet/plans')).json().plans as {
        id: string
        running: boolean
        action: string
      }[]
      expect(plans.find((x) => x.id === 'fp-0000000b')).toMatchObject({
        running: true,
        action: 'check',
      })
      // One action at a time, whoever started the first.
      const before = queue.sent.length
      const refused = await post('/api/fleet/apply', { fleetPlanId: 'fp-0000000b', canary: 0 })
      expect(refused.statusCode).toBe(400)
      expect(refused.json().error.code).toBe('PASSAGE_E_INPUT')
      expect(refused.json().error.message).toMatch(
        /already running its check: one action at a time/,
      )
      expect(queue.sent.length).toBe(before)
      // A worker finishes the jobs: this server sees the check end.
      for (const i of queued) {
        const { updatedAt: _u, ...rest } = i
        await store.putFleetItem({ ...rest, state: 'done', detail: { green: true, findings: 0 } })
      }
      const done = (await get('/api/fleet/progress/fp-0000000b')).json()
      expect(done).toMatchObject({ action: 'check', run: null, finished: true, pending: 0 })
    } finally {
      await other.close()
    }
  })
})

describe('currentAction: what a fleet plan is doing, from its items', () => {
  const p = (pending: number, lastUpdate: string) => ({ counts: {}, pending, lastUpdate })
  it('is an action with jobs pending, an apply before the checks it queues', () => {
    expect(
      currentAction({ check: p(2, '2026-12-07T10:00:02Z'), apply: p(1, '2026-12-07T10:00:01Z') }),
    ).toBe('apply')
    expect(
      currentAction({ plan: p(0, '2026-12-07T10:00:09Z'), rollback: p(3, '2026-12-07T10:00:01Z') }),
    ).toBe('rollback')
  })
  it('else the action whose items changed last; null without items', () => {
    expect(
      currentAction({
        plan: p(0, '2026-12-07T10:00:00Z'),
        check: p(0, '2026-12-07T11:00:00Z'),
        rollback: p(0, '2026-12-07T10:30:00Z'),
      }),
    ).toBe('check')
    expect(currentAction({})).toBeNull()
  })
})
