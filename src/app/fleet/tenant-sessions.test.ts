import { describe, expect, it } from 'vitest'
import type { FleetApp } from '../../store/fleet.js'
import type { Session } from '../session.js'
import type { HttpClient } from '../../exchange/index.js'
import { PassageError } from '../../core/errors/index.js'
import { throttleWaitMs } from './job.js'
import {
  budgetedHttp,
  RequestBudget,
  TenantSessions,
  ThrottleMemo,
  throttleWatchingHttp,
} from './tenant-sessions.js'

/** A clock whose sleep moves it (no real waiting). */
function fakeClock() {
  let now = 0
  return { now: () => now, sleep: async (ms: number) => void (now += ms) }
}

describe('RequestBudget', () => {
  it('sandbox.fleet-throttling: lets a burst through at once, then one request per 1/rate seconds', async () => {
    const c = fakeClock()
    const b = new RequestBudget(20, 20, c.now, c.sleep)
    for (let i = 0; i < 20; i++) await b.take()
    expect(c.now()).toBe(0)
    for (let i = 0; i < 10; i++) await b.take()
    // 10 more at 20/s: half a second.
    expect(c.now()).toBeGreaterThanOrEqual(500)
    expect(c.now()).toBeLessThan(560)
  })

  it('an aborted wait gives up without holding up the next one', async () => {
    const c = fakeClock()
    const b = new RequestBudget(1, 1, c.now, c.sleep)
    await b.take()
    const ac = new AbortController()
    ac.abort(new Error('stop'))
    await expect(b.take(ac.signal)).rejects.toThrow('stop')
    await b.take()
    expect(c.now()).toBeGreaterThanOrEqual(1000)
  })

  it('budgetedHttp takes a token before each request', async () => {
    const c = fakeClock()
    const b = new RequestBudget(2, 1, c.now, c.sleep)
    const seen: number[] = []
    const http = budgetedHttp(
      {
        request: async () => {
          seen.push(c.now())
          return { status: 200, headers: {}, text: '' }
        },
        close: () => {},
      },
      b,
    )
    for (let i = 0; i < 3; i++) await http.request({ method: 'GET', url: 'https://x/' })
    expect(seen).toEqual([0, 500, 1000])
  })
})

const app = (over: Partial<FleetApp> = {}): FleetApp => ({
  appId: '11111111-1111-4111-8111-111111111111',
  thumbprintSha256: 'AB',
  certificateFile: '/cert.pem',
  endpoints: { authority: 'https://a', exchangeBase: 'https://e', graphBase: 'https://g' },
  caFile: null,
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
})

/** Sessions that count their opening and closing (the opener is the LRU's seam). */
function counting(max: number) {
  const opened: string[] = []
  const closed: string[] = []
  const sessions = new TenantSessions({
    keyPem: 'k',
    max,
    open: async (_app, tenantId) => {
      opened.push(tenantId)
      return { tenantId, close: () => closed.push(tenantId) } as unknown as Session
    },
  })
  return { opened, closed, sessions }
}

describe('TenantSessions', () => {
  it('reuses a tenant’s session across jobs, including jobs asking at once', async () => {
    const { opened, sessions } = counting(4)
    const [a, b] = await Promise.all([sessions.get(app(), 'T1'), sessions.get(app(), 't1')])
    a.release()
    b.release()
    ;(await sessions.get(app(), 'T1')).release()
    expect(opened).toEqual(['T1'])
  })

  it('closes the least recently used session beyond max, once no job uses it', async () => {
    const { closed, sessions } = counting(2)
    const one = await sessions.get(app(), 'a')
    ;(await sessions.get(app(), 'b')).release()
    ;(await sessions.get(app(), 'c')).release()
    // 'a' is evicted but still in use: closed when released.
    expect(sessions.size).toBe(2)
    await Promise.resolve()
    expect(closed).toEqual([])
    one.release()
    expect(closed).toEqual(['a'])
  })

  it('opens a new session when the fleet app changes, and after evict', async () => {
    const { opened, closed, sessions } = counting(4)
    ;(await sessions.get(app(), 'a')).release()
    ;(await sessions.get(app({ thumbprintSha256: 'CD' }), 'a')).release()
    sessions.evict('a')
    ;(await sessions.get(app({ thumbprintSha256: 'CD' }), 'a')).release()
    await Promise.resolve()
    expect(opened).toEqual(['a', 'a', 'a'])
    expect(closed).toEqual(['a', 'a'])
  })

  it('a failed sign-in is not kept; closeAll closes all and refuses new sessions', async () => {
    let fail = true
    const sessions = new TenantSessions({
      keyPem: 'k',
      open: async (_a, id) => {
        if (fail) throw new Error('refused')
        return { tenantId: id, close: () => {} } as unknown as Session
      },
    })
    await expect(sessions.get(app(), 'a')).rejects.toThrow('refused')
    await Promise.resolve()
    expect(sessions.size).toBe(0)
    fail = false
    ;(await sessions.get(app(), 'a')).release()
    await sessions.closeAll()
    expect(sessions.size).toBe(0)
    await expect(sessions.get(app(), 'a')).rejects.toMatchObject({
      code: 'PASSAGE_E_FLEET_STOPPED',
    })
  })
})

describe('the Retry-After a tenant asked for (ThrottleMemo)', () => {
  const answering = (status: number, headers: Record<string, string>, text = ''): HttpClient => ({
    request: async () => ({ status, headers, text }),
    close: () => {},
  })

  it("notes a 429's or the concurrency text's Retry-After; not a success's, nor a 429 without one", async () => {
    let now = 1000
    const memo = new ThrottleMemo(() => now)
    const req = { method: 'GET' as const, url: 'https://x/adminapi/beta/t/InvokeCommand' }
    await throttleWatchingHttp(answering(200, { 'retry-after': '9' }), memo).request(req)
    await throttleWatchingHttp(answering(429, {}), memo).request(req)
    expect(memo.remainingMs()).toBeNull()
    await throttleWatchingHttp(answering(429, { 'retry-after': '3' }), memo).request(req)
    expect(memo.remainingMs()).toBe(3000)
    const text = 'You have reached the maximum number of concurrent requests per tenant.'
    await throttleWatchingHttp(answering(400, { 'retry-after': '5' }, text), memo).request(req)
    expect(memo.remainingMs()).toBe(5000)
    // What is left of it, as time passes; none once it has passed.
    now += 4000
    expect(memo.remainingMs()).toBe(1000)
    now += 1000
    expect(memo.remainingMs()).toBeNull()
  })

  it("a throttled failure's wait is the longest of the error's own and the session's note", () => {
    const leased = (ms: number | null) => ({
      session: {} as Session,
      release: () => {},
      retryAfterMs: () => ms,
    })
    const plain = new PassageError('PASSAGE_E_THROTTLED', 'throttled')
    const carrying = new PassageError('PASSAGE_E_THROTTLED', 'throttled', {
      details: { retryAfterMs: 7000 },
    })
    expect(throttleWaitMs(plain, leased(2500))).toBe(2500)
    expect(throttleWaitMs(plain, leased(null))).toBeNull()
    expect(throttleWaitMs(plain, null)).toBeNull()
    expect(throttleWaitMs(carrying, leased(2500))).toBe(7000)
    expect(throttleWaitMs(carrying, null)).toBe(7000)
  })

  it('TenantSessions gives each tenant its own note', async () => {
    const notes: ThrottleMemo[] = []
    const sessions = new TenantSessions({
      keyPem: 'k',
      open: async (_a, id, o) => {
        if (o.throttle) notes.push(o.throttle)
        return { tenantId: id, close: () => {} } as unknown as Session
      },
    })
    const a = await sessions.get(app(), 'a')
    const b = await sessions.get(app(), 'b')
    notes[0]?.note(3000)
    expect(a.retryAfterMs?.()).toBeGreaterThan(2900)
    expect(b.retryAfterMs?.()).toBeNull()
    a.release()
    b.release()
    await sessions.closeAll()
  })
})
