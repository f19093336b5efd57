// The shared request budget's row on a real PostgreSQL (PASSAGE_TEST_PG_URL; a database of this
// file's own, dropped afterwards): leases in chunks from a bucket refilled by the database's
// clock, a wait when it is empty, and a refusal (no hang) when the database cannot be reached.
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { openStore } from './open.js'
import { openBudgetLeases, type BudgetLeases } from './request-budget.js'
import type { Store } from './store.js'
import { ownDatabase, PG_URL } from './test-fixtures.js'

describe('openBudgetLeases without a database', () => {
  it('a lease fails within its time-out with PASSAGE_E_STORE_IO, never showing the password', async () => {
    const leases = openBudgetLeases('postgres://passage:s3cret-Pw@127.0.0.1:1/passage', {
      timeoutMs: 500,
    })
    const t0 = Date.now()
    try {
      await leases.lease('app-x', 10, { ratePerSecond: 20, burst: 20 })
      throw new Error('expected a refusal')
    } catch (e) {
      expect(isPassageError(e) && e.code).toBe('PASSAGE_E_STORE_IO')
      expect((e as Error).message).not.toContain('s3cret-Pw')
    }
    expect(Date.now() - t0).toBeLessThan(3000)
    await leases.close()
  })
})

if (!PG_URL) console.log('request-budget.test.ts: skipped (PASSAGE_TEST_PG_URL is unset)')

describe.skipIf(!PG_URL)('the shared request budget on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof ownDatabase>> | undefined
  let url = ''
  let store: Store
  let leases: BudgetLeases
  const query = async <T extends pg.QueryResultRow>(sql: string, args: unknown[] = []) => {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    try {
      return (await c.query<T>(sql, args)).rows
    } finally {
      await c.end()
    }
  }
  const shape = { ratePerSecond: 20, burst: 20 }

  beforeAll(async () => {
    db = await ownDatabase('passage_rb')
    url = db.url
    // The store's migrations make the table.
    store = await openStore(url)
    leases = openBudgetLeases(url)
  }, 60_000)
  afterEach(() => {
    vi.useRealTimers()
  })
  afterAll(async () => {
    await leases?.close()
    await store?.close()
    await db?.drop()
  }, 60_000)

  it('a new bucket starts full; leases take up to the chunk asked, then none with the wait for one token', async () => {
    expect(await leases.lease('app-a', 10, shape)).toEqual({ granted: 10, waitMs: 0 })
    expect(await leases.lease('app-a', 10, shape)).toEqual({ granted: 10, waitMs: 0 })
    const empty = await leases.lease('app-a', 10, shape)
    expect(empty.granted).toBe(0)
    // The wait is for the chunk asked for: 10 tokens at 20/s, at most 500 ms away.
    expect(empty.waitMs).toBeGreaterThan(400)
    expect(empty.waitMs).toBeLessThanOrEqual(500)
    // Whole tokens only: after ~120 ms, 2 are there, not 10.
    await new Promise((r) => setTimeout(r, 120))
    const some = await leases.lease('app-a', 10, shape)
    expect(some.granted).toBeGreaterThanOrEqual(2)
    expect(some.granted).toBeLessThan(10)
  })

  it("refills by the database's clock, not the client's: a client clock a day ahead changes nothing", async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 24 * 3600_000)
    expect((await leases.lease('app-clock', 20, shape)).granted).toBe(20)
    // Were the client's clock used, a day of refill would fill the bucket again.
    expect((await leases.lease('app-clock', 20, shape)).granted).toBe(0)
    vi.useRealTimers()
    const [row] = await query<{ lag: number }>(
      `select extract(epoch from (clock_timestamp() - updated_at))::float8 as lag from fleet_request_budget where app_id = $1`,
      ['app-clock'],
    )
    expect(Math.abs(row?.lag ?? 99)).toBeLessThan(5)
    // The database's time moving on is what refills it: a second ago in its clock, 20 tokens.
    await query(
      `update fleet_request_budget set tokens = 0, updated_at = clock_timestamp() - interval '1 second' where app_id = $1`,
      ['app-clock'],
    )
    expect((await leases.lease('app-clock', 20, shape)).granted).toBe(20)
  })

  it('concurrent leases from two pools (two machines) never hand out the same tokens', async () => {
    const other = openBudgetLeases(url)
    try {
      const got = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? other : leases).lease('app-race', 5, shape)),
      )
      const total = got.reduce((n, g) => n + g.granted, 0)
      // 20 at the start, plus what the database's clock refilled while they ran (20/s).
      expect(total).toBeGreaterThanOrEqual(20)
      expect(total).toBeLessThanOrEqual(25)
    } finally {
      await other.close()
    }
  })
})
