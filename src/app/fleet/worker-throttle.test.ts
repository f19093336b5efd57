/**
 * Exchange's Retry-After across job retries, end to end: pg-boss on PostgreSQL
 * (PASSAGE_TEST_PG_URL, a database of this file's own), the store on it, the sandbox over HTTPS
 * behind a stand-in that answers the tenant's admin API calls 429 with Retry-After for a while
 * (Exchange's "maximum number of concurrent requests per tenant" answer, reference §1.8 (6)).
 * The clients make one attempt only, so that the job itself fails on the throttle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HttpClient } from '../../exchange/index.js'
import { openStore, type Store } from '../../store/index.js'
import type { FleetAction, FleetItem } from '../../store/fleet.js'
import { openQueue, type JobQueueForTests } from '../../store/queue.js'
import { ownDatabase, PG_URL } from '../../store/test-fixtures.js'
import { fleetSandbox, fleetTenantOf, seedFleet, type FleetSandbox } from './test-fixtures.js'
import { startFleetWorker, type FleetWorker, type FleetWorkerEvent } from './worker.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const THROTTLE_TEXT =
  'You have reached the maximum number of concurrent requests per tenant. Please wait and try again'

/**
 * Answers every admin API call for `tenantId` with 429 + Retry-After: `seconds` from its first
 * call until `seconds` later (forever when `forever`); records when the throttle began.
 */
function throttling(tenantId: string, seconds: number, forever = false) {
  const seen = { since: 0, answered429: 0 }
  const wrap = (inner: HttpClient): HttpClient => ({
    async request(req) {
      if (req.url.includes('/adminapi/') && req.url.includes(tenantId)) {
        const now = Date.now()
        if (seen.since === 0) seen.since = now
        if (forever || now < seen.since + seconds * 1000) {
          seen.answered429++
          return {
            status: 429,
            headers: { 'retry-after': String(seconds), 'content-type': 'application/json' },
            text: JSON.stringify({ error: { code: 'TooManyRequests', message: THROTTLE_TEXT } }),
          }
        }
      }
      return inner.request(req)
    },
    close: () => inner.close(),
  })
  return { seen, wrap }
}

if (!PG_URL)
  console.log(
    'worker-throttle.test.ts: skipped (PASSAGE_TEST_PG_URL is unset; scripts/pg-test-server.sh starts one)',
  )

describe.skipIf(!PG_URL)(
  'sandbox.fleet-throttling: a throttled job and Retry-After, on PostgreSQL',
  () => {
    let db: Awaited<ReturnType<typeof ownDatabase>> | undefined
    let url = ''
    let fs: FleetSandbox
    let store: Store
    const queues: JobQueueForTests[] = []
    const workers: FleetWorker[] = []
    const until = async (fp: string, action: FleetAction, id: string, ms = 60_000) => {
      const end = Date.now() + ms
      for (;;) {
        const item = await store.getFleetItem(fp, id, action)
        if (item && !['queued', 'running'].includes(item.state)) return item
        if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify(item)}`)
        await sleep(100)
      }
    }

    beforeAll(async () => {
      db = await ownDatabase('passage_wt')
      url = db.url
      store = await openStore(url)
      fs = await fleetSandbox()
    }, 60_000)

    afterAll(async () => {
      for (const w of workers) await w.stop({ graceful: false }).catch(() => {})
      for (const q of queues) await q.stop({ graceful: false }).catch(() => {})
      await store?.close()
      await fs?.close()
      await db?.drop()
    }, 60_000)

    const start = async (wrap: (h: HttpClient) => HttpClient, retryLimit: number) => {
      const q = await openQueue(url, {
        retryLimit,
        retryDelaySeconds: 1,
        pollingIntervalSeconds: 0.5,
        maintenanceIntervalSeconds: 1,
        expireInSeconds: 60,
      })
      queues.push(q)
      const events: (FleetWorkerEvent & { t: number })[] = []
      const w = await startFleetWorker(store, q, {
        concurrency: 1,
        keyPem: fs.keyPem,
        caPem: fs.sb.caPem,
        // One attempt per request: the throttle fails the job, not just a request.
        retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 20 },
        retryLimit,
        retryDelaySeconds: 1,
        databaseUrl: url,
        wrapHttp: wrap,
        onEvent: (e) => events.push({ ...e, t: Date.now() }),
      })
      workers.push(w)
      return { q, w, events }
    }

    it('a job throttled with Retry-After 3 s is not run again before 3 s, then succeeds', async () => {
      const t = fs.tenant('contoso')
      fs.register(t)
      const tenantId = t.snapshot.tenant.id
      const fp = await seedFleet(store, fs, [fleetTenantOf(t)], 'fp-throttle-ok')
      const th = throttling(tenantId, 3)
      const { q, w, events } = await start(th.wrap, 3)
      await q.send('plan', [{ fleetPlanId: fp, tenantId }])
      const item: FleetItem = await until(fp, 'plan', tenantId)
      expect(item.state).toBe('done')
      expect(item.attempts).toBe(2)
      const jobEvents = events.filter((e) => e.kind !== 'budget')
      const starts = jobEvents.filter((e) => e.kind === 'start')
      expect(starts).toHaveLength(2)
      const retry = jobEvents.find((e) => e.kind === 'retry')
      // The retry says when, and the error: the throttle.
      expect(retry && 'at' in retry && retry.at).toBeTruthy()
      expect(retry && 'error' in retry && retry.error).toMatch(/^PASSAGE_E_THROTTLED: /)
      // Not again before the 3 s the tenant asked for (counted from its first 429).
      expect(th.seen.answered429).toBeGreaterThan(0)
      expect((starts[1]?.t ?? 0) - th.seen.since).toBeGreaterThanOrEqual(3000)
      // Nor much later: a second or two for the queue to pick it up.
      expect((starts[1]?.t ?? 0) - th.seen.since).toBeLessThan(8000)
      // The shared budget was in use all along (no fallback said).
      expect(events.filter((e) => e.kind === 'budget')).toEqual([])
      await w.stop({ graceful: true, timeoutMs: 5000 })
    }, 90_000)

    it('a throttled job on its last attempt goes to the failed state with the reason, and is not run again', async () => {
      const t = fs.tenant('fabrikam')
      fs.register(t)
      const tenantId = t.snapshot.tenant.id
      const fp = await seedFleet(store, fs, [fleetTenantOf(t)], 'fp-throttle-last')
      const th = throttling(tenantId, 3, true)
      // No retry left from the start: the first attempt is the last.
      const { q, w, events } = await start(th.wrap, 0)
      await q.send('plan', [{ fleetPlanId: fp, tenantId }])
      const item = await until(fp, 'plan', tenantId)
      expect(item.state).toBe('failed')
      expect(item.errorCode).toBe('PASSAGE_E_THROTTLED')
      expect(item.errorMessage).toMatch(/throttling/i)
      expect(item.attempts).toBe(1)
      // Dead-lettered, not sent again: after the Retry-After, still one start.
      await sleep(4000)
      expect(events.filter((e) => e.kind === 'start')).toHaveLength(1)
      expect(events.some((e) => e.kind === 'retry' && 'at' in e && e.at)).toBe(false)
      const dead = await q.deadLetters()
      expect(dead.some((d) => d.job.tenantId === tenantId && d.action === 'plan')).toBe(true)
      await w.stop({ graceful: true, timeoutMs: 5000 })
    }, 90_000)
  },
)
