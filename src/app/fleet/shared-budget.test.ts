/**
 * The app's request budget shared by all workers (SharedRequestBudget over the database's bucket,
 * store/request-budget.ts). On PostgreSQL (PASSAGE_TEST_PG_URL, a database of this file's own):
 * two workers' budgets on one app never send more together than rate x time + burst, and both
 * progress. Without a database (a stand-in for the leases): chunks are handed out locally (one
 * round trip per chunk), a lost database falls back to the in-process bucket and says so once,
 * and the budget comes back when the database does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PassageError } from '../../core/errors/index.js'
import { openStore, type Store } from '../../store/index.js'
import { openBudgetLeases, type BudgetLeases } from '../../store/request-budget.js'
import { ownDatabase, PG_URL } from '../../store/test-fixtures.js'
import { SharedRequestBudget, type SharedBudgetEvent } from './tenant-sessions.js'

/** A clock whose sleep moves it (no real waiting). */
function fakeClock() {
  let now = 0
  return { now: () => now, sleep: async (ms: number) => void (now += ms) }
}

describe('sandbox.fleet-throttling: SharedRequestBudget (leases stood in for)', () => {
  it('leases a chunk and hands it out locally: one round trip per 10 requests', async () => {
    const c = fakeClock()
    const asked: number[] = []
    const store = {
      lease: async (_app: string, want: number) => {
        asked.push(want)
        return { granted: want, waitMs: 0 }
      },
    }
    const b = new SharedRequestBudget(store, 'app', {
      ratePerSecond: 20,
      now: c.now,
      sleep: c.sleep,
    })
    for (let i = 0; i < 30; i++) await b.take()
    expect(asked).toEqual([10, 10, 10])
    expect(b.leases).toBe(3)
  })

  it('an empty bucket: waits about as long as the database says (half to one and a half times, drawn at random), then leases again', async () => {
    const waited = async (draws: number[]) => {
      const c = fakeClock()
      const answers = [
        { granted: 0, waitMs: 50 },
        { granted: 0, waitMs: 50 },
        { granted: 3, waitMs: 0 },
      ]
      const b = new SharedRequestBudget(
        { lease: async () => answers.shift() ?? { granted: 10, waitMs: 0 } },
        'app',
        { now: c.now, sleep: c.sleep, random: () => draws.shift() ?? 0.5 },
      )
      await b.take()
      return c.now()
    }
    expect(await waited([0.5, 0.5])).toBe(100)
    expect(await waited([0, 0])).toBe(50)
    expect(await waited([0.99, 0.99])).toBe(150)
  })

  it('tokens of a chunk unused within a second are dropped, not saved for a burst', async () => {
    const c = fakeClock()
    let leases = 0
    const b = new SharedRequestBudget(
      {
        lease: async (_a: string, want: number) => {
          leases++
          return { granted: want, waitMs: 0 }
        },
      },
      'app',
      { now: c.now, sleep: c.sleep },
    )
    await b.take()
    await c.sleep(1500)
    await b.take()
    expect(leases).toBe(2)
  })

  it('a lost database: requests go on paced by the local bucket, said once; back when the database is', async () => {
    let t = 0
    const now = () => t
    let down = true
    let calls = 0
    const events: SharedBudgetEvent[] = []
    const b = new SharedRequestBudget(
      {
        lease: async (_a: string, want: number) => {
          calls++
          if (down) throw new PassageError('PASSAGE_E_STORE_IO', 'connection refused')
          return { granted: want, waitMs: 0 }
        },
      },
      'app-1',
      { ratePerSecond: 20, reconnectMs: 2000, now, onEvent: (e) => events.push(e) },
    )
    // The burst of the local bucket (20) passes at once, without a database.
    for (let i = 0; i < 20; i++) await b.take()
    expect(b.degraded).toBe(true)
    // Said once, not per request; and the database is not asked per request either.
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ shared: false })
    expect(events[0]?.message).toContain('paces itself alone at 20 requests/s')
    expect(calls).toBe(1)
    down = false
    t = 2500
    await b.take()
    expect(b.degraded).toBe(false)
    expect(events).toHaveLength(2)
    expect(events[1]).toMatchObject({ shared: true })
  })
})

if (!PG_URL)
  console.log('shared-budget.test.ts: PostgreSQL tests skipped (PASSAGE_TEST_PG_URL is unset)')

describe.skipIf(!PG_URL)('the shared budget over PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof ownDatabase>> | undefined
  let url = ''
  let store: Store
  const opened: BudgetLeases[] = []

  beforeAll(async () => {
    db = await ownDatabase('passage_sb')
    url = db.url
    store = await openStore(url)
  }, 60_000)
  afterAll(async () => {
    for (const l of opened) await l.close()
    await store?.close()
    await db?.drop()
  }, 60_000)

  it('two workers on one app send at most rate x time + burst together, both progressing', async () => {
    const rate = 20
    const burst = 20
    // Two workers: each its own pool (its own machine) and budget, 4 request loops each.
    const workers = [0, 1].map(() => {
      const leases = openBudgetLeases(url)
      opened.push(leases)
      return new SharedRequestBudget(leases, 'app-shared', { ratePerSecond: rate, burst })
    })
    const counts = [0, 0]
    const t0 = Date.now()
    const windowMs = 2000
    await Promise.all(
      workers.flatMap((b, w) =>
        [0, 1, 2, 3].map(async () => {
          for (;;) {
            await b.take()
            if (Date.now() - t0 >= windowMs) return
            counts[w] = (counts[w] ?? 0) + 1
          }
        }),
      ),
    )
    const elapsed = (Date.now() - t0) / 1000
    const total = (counts[0] ?? 0) + (counts[1] ?? 0)
    // Counted requests all started within the window, and the bucket was made after t0: the
    // database handed out at most burst + rate x window tokens by then (+1: the two clocks are
    // read a moment apart).
    const bound = burst + rate * (windowMs / 1000)
    console.log(
      `shared budget: ${total} requests in ${windowMs / 1000} s over 2 workers (${counts.join(' + ')}; ran ${elapsed.toFixed(2)} s); bound rate x time + burst = ${bound}; database round trips ${workers.map((b) => b.leases).join(' + ')}`,
    )
    expect(workers.some((b) => b.degraded)).toBe(false)
    expect(total).toBeLessThanOrEqual(bound + 1)
    // Most of the budget was used, and by both workers.
    expect(total).toBeGreaterThanOrEqual(Math.floor(0.7 * (burst + rate * (windowMs / 1000))))
    expect(Math.min(counts[0] ?? 0, counts[1] ?? 0)).toBeGreaterThanOrEqual(5)
  }, 30_000)

  it('the database stopped answering: the budget falls back at once and says so once', async () => {
    // A pool pointed at nothing stands for the database lost mid-run.
    const lost = openBudgetLeases('postgres://postgres@127.0.0.1:1/passage', { timeoutMs: 300 })
    opened.push(lost)
    const events: SharedBudgetEvent[] = []
    const b = new SharedRequestBudget(lost, 'app-lost', {
      ratePerSecond: 20,
      onEvent: (e) => events.push(e),
    })
    const t0 = Date.now()
    for (let i = 0; i < 20; i++) await b.take()
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(b.degraded).toBe(true)
    expect(events).toHaveLength(1)
    expect(events[0]?.shared).toBe(false)
  }, 30_000)
})
