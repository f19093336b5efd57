/**
 * The dashboard's reads give the same answers on both engines: their JSON functions differ
 * (SQLite's json_extract / json_each against PostgreSQL's ->> / jsonb ?), so each filter, sort,
 * count and the tenant history are compared between a SQLite file and, with PASSAGE_TEST_PG_URL, a
 * fresh PostgreSQL database; on SQLite alone, against what the seed wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DashboardQuery } from './fleet-dashboard.js'
import { seedDashboardFleet, seededState, seededTags } from './fleet-dashboard.fixtures.js'
import { openStore, type Store } from './index.js'

const PG_URL = process.env.PASSAGE_TEST_PG_URL
const N = 90
const NOW = new Date('2026-12-07T12:00:00Z')

type Opened = Store

async function seeded(location: string): Promise<Opened> {
  const store = await openStore(location)
  await seedDashboardFleet(store, N, NOW)
  return store
}

const QUERIES: DashboardQuery[] = [
  { offset: 0, limit: 20, sort: 'name' },
  { offset: 20, limit: 20, sort: '-name' },
  { offset: 0, limit: 200, sort: 'expiry' },
  { offset: 0, limit: 200, sort: '-vendor' },
  { offset: 0, limit: 200, sort: 'state', tag: 'pilot' },
  { offset: 0, limit: 200, sort: 'name', vendor: 'knowbe4', check: 'green' },
  { offset: 0, limit: 200, sort: 'name', state: 'removed' },
  { offset: 0, limit: 200, sort: 'name', q: '0_1' },
  { offset: 0, limit: 200, sort: 'name', q: 'tenant-004' },
]

/** A row without the times the store's clock set. */
const comparable = (rows: { updatedAt: string }[]) => rows.map(({ updatedAt: _u, ...rest }) => rest)

let dir: string
let lite: Opened

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'passage-fleet-dashboard-'))
  lite = await seeded(join(dir, 'fleet.db'))
}, 60_000)

afterAll(async () => {
  await lite?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('fleet dashboard reads (SQLite)', () => {
  it('a tag matches whole tags only, and a search treats % and _ as text', async () => {
    const pilot = await lite.tenantPage({ offset: 0, limit: 200, sort: 'name', tag: 'pilo' })
    expect(pilot.total).toBe(0)
    const wild = await lite.tenantPage({ offset: 0, limit: 200, sort: 'name', q: '0_1' })
    expect(wild.total).toBe(0)
    const tagged = await lite.tenantPage({ offset: 0, limit: 200, sort: 'name', tag: 'apac' })
    expect(tagged.total).toBe(
      Array.from({ length: N }, (_, i) => i).filter(
        (i) => seededState(i) !== 'removed' && seededTags(i).includes('apac'),
      ).length,
    )
  })

  it('a tenant’s history lists its items, newest plan first, with the plan’s vendor', async () => {
    const id = `00000000-0000-4000-8000-${String(21).padStart(12, '0')}`
    const h = await lite.history(id)
    expect(h.map((x) => x.action).sort()).toEqual(['apply', 'check', 'plan'])
    expect(new Set(h.map((x) => x.vendor))).toEqual(new Set(['knowbe4']))
    expect(await lite.tenantRow('nobody')).toBeNull()
  })
})

describe('actionProgress: each action of a fleet plan as the workers left it', () => {
  it('counts items by state per action, pending ones apart, with the newest update', async () => {
    const all = await lite.actionProgress(['fp-0000000a', 'fp-0000000b', 'fp-deadbeef'])
    expect(all.has('fp-deadbeef')).toBe(false)
    const a = all.get('fp-0000000a')!
    for (const action of ['plan', 'apply', 'check', 'rollback'] as const) {
      const counts = await lite.countFleetItems('fp-0000000a', action)
      expect(a[action]?.counts ?? {}, action).toEqual(counts)
    }
    expect(a.plan!.pending).toBe(0)
    const items = await lite.listFleetItems('fp-0000000a', 'plan')
    expect(a.plan!.lastUpdate).toBe(
      items
        .map((i) => i.updatedAt)
        .sort()
        .at(-1),
    )
    // A job queued and one taken by a worker are pending; a finished one is not.
    const [first, second] = items
    for (const [item, state] of [
      [first!, 'queued'],
      [second!, 'running'],
    ] as const) {
      const { updatedAt: _u, ...rest } = item
      await lite.putFleetItem({ ...rest, state })
    }
    const after = (await lite.actionProgress(['fp-0000000a'])).get('fp-0000000a')!
    expect(after.plan!.pending).toBe(2)
    expect(after.plan!.counts).toMatchObject({ queued: 1, running: 1 })
    for (const item of [first!, second!]) {
      const { updatedAt: _u, ...rest } = item
      await lite.putFleetItem(rest)
    }
    expect(await lite.actionProgress([])).toEqual(new Map())
  })
})

describe.skipIf(!PG_URL)('fleet dashboard reads: PostgreSQL answers as SQLite does', () => {
  const name = `passage_dashboard_test_${process.pid}`
  let admin: pg.Client
  let pgDash: Opened

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`create database ${name}`)
    const u = new URL(PG_URL!)
    u.pathname = `/${name}`
    pgDash = await seeded(u.toString())
  }, 60_000)

  afterAll(async () => {
    await pgDash?.close()
    await admin?.query(`drop database if exists ${name} with (force)`).catch(() => undefined)
    await admin?.end()
  })

  it.each(QUERIES.map((q) => [JSON.stringify(q), q] as const))('tenantPage %s', async (_, q) => {
    const a = await lite.tenantPage(q)
    const b = await pgDash.tenantPage(q)
    expect(b.total).toBe(a.total)
    expect(comparable(b.rows)).toEqual(comparable(a.rows))
  })

  it('counts, expiries and history', async () => {
    expect(await pgDash.counts()).toEqual(await lite.counts())
    expect(await pgDash.counts({ tag: 'pilot' })).toEqual(await lite.counts({ tag: 'pilot' }))
    expect(await pgDash.expiries({ vendor: 'trustifi' })).toEqual(
      await lite.expiries({ vendor: 'trustifi' }),
    )
    const id = `00000000-0000-4000-8000-${String(21).padStart(12, '0')}`
    expect(comparable(await pgDash.history(id))).toEqual(comparable(await lite.history(id)))
  })

  it('action progress, without the times the stores’ clocks set', async () => {
    const ids = ['fp-0000000a', 'fp-0000000b', 'fp-0000000c']
    const counts = (m: Awaited<ReturnType<Store['actionProgress']>>) =>
      [...m].map(([id, actions]) => [
        id,
        Object.fromEntries(
          Object.entries(actions).map(([a, p]) => [a, { counts: p.counts, pending: p.pending }]),
        ),
      ])
    expect(counts(await pgDash.actionProgress(ids))).toEqual(counts(await lite.actionProgress(ids)))
  })
})
