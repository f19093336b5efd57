// The fleet's job queue against a real PostgreSQL (PASSAGE_TEST_PG_URL); each run of this file
// uses a database of its own (pg-boss's schema name is fixed), dropped afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { DEAD_LETTER_QUEUE, openQueue, QUEUE_NAMES, type JobQueueForTests } from './queue.js'
import { ownDatabase, PG_URL } from './test-fixtures.js'

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmNkZWYifQ.c2lnbmF0dXJl'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await ok()) return
    await sleep(100)
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('openQueue without a database', () => {
  it('refuses with PASSAGE_E_FLEET_QUEUE, never showing the URL password', async () => {
    const url = 'postgres://passage:s3cret-Pw@127.0.0.1:1/passage'
    const errors: Error[] = []
    try {
      await openQueue(url, { onError: (e) => errors.push(e) })
      throw new Error('expected a refusal')
    } catch (e) {
      expect(isPassageError(e) && e.code).toBe('PASSAGE_E_FLEET_QUEUE')
      expect((e as Error).message).toContain('127.0.0.1:1')
      expect((e as Error).message).not.toContain('s3cret-Pw')
    }
    for (const e of errors) expect(e.message).not.toContain('s3cret-Pw')
  })
})

if (!PG_URL) console.log('queue.test.ts: PostgreSQL tests skipped (PASSAGE_TEST_PG_URL is unset)')

describe.skipIf(!PG_URL)('the fleet job queue on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof ownDatabase>> | undefined
  let url = ''
  const open: JobQueueForTests[] = []
  const errors: Error[] = []
  const queue = async (o: Parameters<typeof openQueue>[1] = {}) => {
    const q = await openQueue(url, {
      retryDelaySeconds: 1,
      pollingIntervalSeconds: 0.5,
      onError: (e) => errors.push(e),
      ...o,
    })
    open.push(q)
    return q
  }
  beforeAll(async () => {
    db = await ownDatabase('passage_q')
    url = db.url
  })
  afterAll(async () => {
    for (const q of open) await q.stop({ graceful: false }).catch(() => {})
    await db?.drop()
  })

  it('two processes opening at once both succeed and create the four queues and the dead letter', async () => {
    const [a, b] = await Promise.all([queue(), queue()])
    const names = (await a.boss.getQueues()).map((q) => q.name).sort()
    expect(names).toEqual([...Object.values(QUEUE_NAMES), DEAD_LETTER_QUEUE].sort())
    const apply = await b.boss.getQueue(QUEUE_NAMES.apply)
    expect(apply).toMatchObject({ policy: 'standard', deadLetter: DEAD_LETTER_QUEUE })
    await a.stop()
    await b.stop()
  })

  it('sends jobs with their ids only; concurrent loops complete each once', async () => {
    const q = await queue()
    const jobs = [1, 2, 3, 4].map((i) => ({ fleetPlanId: 'fp-1', tenantId: `t${i}` }))
    const ids = await q.send('plan', jobs)
    expect(ids).toHaveLength(4)
    const runs = new Map<string, number>()
    let inFlight = 0
    let maxInFlight = 0
    await q.work('plan', 2, async (job) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1)
      expect(job.fleetPlanId).toBe('fp-1')
      expect(job.retryCount).toBe(0)
      await sleep(300)
      inFlight--
    })
    await until('4 completed', async () => {
      const states = await Promise.all(ids.map((id) => q.boss.getJobById(QUEUE_NAMES.plan, id)))
      return states.every((j) => j?.state === 'completed')
    })
    expect([...runs.values()]).toEqual([1, 1, 1, 1])
    expect(maxInFlight).toBe(2)
    const stored = await q.boss.getJobById(QUEUE_NAMES.plan, ids[0] ?? '')
    expect(stored?.data).toEqual({ fleetPlanId: 'fp-1', tenantId: 't1' })
    await q.stop()
  })

  it('sends a thousand jobs in bulk, each with its own id, in a few statements', async () => {
    const q = await queue()
    const jobs = Array.from({ length: 1000 }, (_, i) => ({
      fleetPlanId: 'fp-9',
      tenantId: `b${i}`,
    }))
    const t0 = Date.now()
    const ids = await q.send('plan', jobs)
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(new Set(ids).size).toBe(1000)
    const last = await q.boss.getJobById(QUEUE_NAMES.plan, ids[999] ?? '')
    expect(last?.data).toEqual({ fleetPlanId: 'fp-9', tenantId: 'b999' })
    expect(last).toMatchObject({ retryLimit: 3, deadLetter: DEAD_LETTER_QUEUE })
    await q.cancel('plan', ids)
    await q.stop()
  })

  it('a loop takes the next queued job at once (it polls only when idle)', async () => {
    const q = await queue({ pollingIntervalSeconds: 2 })
    const ids = await q.send(
      'check',
      Array.from({ length: 10 }, (_, i) => ({ fleetPlanId: 'fp-7', tenantId: `n${i}` })),
    )
    let done = 0
    const t0 = Date.now()
    await q.work('check', 1, async (job) => {
      if (job.fleetPlanId === 'fp-7') done++
    })
    await until('10 run', () => done === 10)
    // pg-boss's own work() would wait a polling interval (2 s) after each job: 18 s or more.
    expect(Date.now() - t0).toBeLessThan(4000)
    expect(ids).toHaveLength(10)
    await q.stop()
  })

  it('idle loops of a queue poll it once per interval between them; the one that finds jobs wakes the others', async () => {
    const q = await queue({ pollingIntervalSeconds: 0.5 })
    const name = QUEUE_NAMES.plan
    let fetches = 0
    const fetch = q.boss.fetch.bind(q.boss)
    q.boss.fetch = ((queueName: string, o: unknown) => {
      if (queueName === name) fetches++
      return fetch(queueName, o as Parameters<typeof fetch>[1])
    }) as typeof q.boss.fetch
    let running = 0
    let most = 0
    let ran = 0
    await q.work('plan', 8, async () => {
      running++
      most = Math.max(most, running)
      await sleep(400)
      running--
      ran++
    })
    await sleep(2600)
    // Each of the 8 loops asked once, then one of them every 0.5 s (8 loops each polling would
    // have asked 40 times).
    expect(fetches).toBeLessThanOrEqual(8 + 7)
    // Jobs inserted without a send's notification: the poller finds one and wakes the others,
    // who take the rest at once rather than at the next poll (or one after another).
    const t0 = Date.now()
    await q.boss.insert(
      Array.from({ length: 8 }, (_, i) => ({
        name,
        data: { fleetPlanId: 'fp-idle', tenantId: `i${i}` },
      })),
    )
    await until('8 run', () => ran === 8, 20_000)
    expect(most).toBeGreaterThanOrEqual(4)
    expect(Date.now() - t0).toBeLessThan(3000)
    await q.stop()
  })

  it('idle loops in another process wake when jobs are sent, not at their next poll', async () => {
    // A 60 s polling interval: only the send's notification can start the job within the bound.
    const worker = await queue({ pollingIntervalSeconds: 60 })
    let ran = 0
    await worker.work('apply', 2, async (job) => {
      if (job.fleetPlanId === 'fp-wake') ran++
    })
    await sleep(1500) // the loops have polled once, found nothing, and sleep
    const sender = await queue()
    const t0 = Date.now()
    await sender.send('apply', [{ fleetPlanId: 'fp-wake', tenantId: 'w1' }])
    await until('the job to run', () => ran === 1, 30_000)
    expect(Date.now() - t0).toBeLessThan(20_000)
    await worker.stop()
    await sender.stop()
  })

  it('a send pg-boss refuses (null: the queue is gone) throws PASSAGE_E_FLEET_QUEUE; reopening recreates it', async () => {
    const q = await queue()
    await q.boss.deleteQueue(QUEUE_NAMES.rollback)
    await expect(q.send('rollback', [{ fleetPlanId: 'fp-2', tenantId: 't1' }])).rejects.toSatisfy(
      (e: unknown) => isPassageError(e) && e.code === 'PASSAGE_E_FLEET_QUEUE',
    )
    await q.stop()
    const again = await queue()
    expect(await again.send('rollback', [{ fleetPlanId: 'fp-2', tenantId: 't1' }])).toHaveLength(1)
    await again.stop()
  })

  it('a throwing handler is retried, then the job lands in the dead letter with its message (secrets removed)', async () => {
    const q = await queue({ retryLimit: 1 })
    const [id] = await q.send('apply', [{ fleetPlanId: 'fp-3', tenantId: 'tenant-dead' }])
    const seen: number[] = []
    await q.work('apply', 1, async (job) => {
      seen.push(job.retryCount)
      throw new Error(`Exchange said no (Bearer ${JWT})`)
    })
    await until('the job failed for good', async () => {
      const j = await q.boss.getJobById(QUEUE_NAMES.apply, id ?? '')
      return j?.state === 'failed'
    })
    expect(seen).toEqual([0, 1])
    const dead = await q.deadLetters()
    const mine = dead.filter((d) => d.job.tenantId === 'tenant-dead')
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({ action: 'apply', job: { fleetPlanId: 'fp-3' } })
    expect(mine[0]?.error).toContain('Exchange said no')
    expect(mine[0]?.error).not.toContain(JWT)
    await q.stop()
  })

  it('a graceful stop hands a running job back; it runs again after a restart', async () => {
    const q = await queue({ retryLimit: 3 })
    const [id] = await q.send('check', [{ fleetPlanId: 'fp-4', tenantId: 't1' }])
    let release: () => void = () => {}
    const started: number[] = []
    await q.work('check', 1, async (job) => {
      started.push(job.retryCount)
      await new Promise<void>((r) => (release = r))
    })
    await until('the first run', () => started.length === 1)
    const t0 = Date.now()
    await q.stop({ graceful: true, timeoutMs: 1000 })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900)
    release()
    const next = await queue({ retryLimit: 3 })
    const again: number[] = []
    await next.work('check', 1, async (job) => {
      again.push(job.retryCount)
    })
    await until('the second run', async () => {
      const j = await next.boss.getJobById(QUEUE_NAMES.check, id ?? '')
      return j?.state === 'completed'
    })
    expect(again).toEqual([1])
    await next.stop()
  })

  it('a graceful stop waits for a handler that ends in time: its job completes', async () => {
    const q = await queue()
    const [id] = await q.send('check', [{ fleetPlanId: 'fp-8', tenantId: 't1' }])
    let began = false
    await q.work('check', 1, async (job) => {
      if (job.fleetPlanId !== 'fp-8') return
      began = true
      await sleep(400)
    })
    await until('the run', () => began)
    await q.stop({ graceful: true, timeoutMs: 5000 })
    const reader = await queue()
    expect((await reader.boss.getJobById(QUEUE_NAMES.check, id ?? ''))?.state).toBe('completed')
    await reader.stop()
  })

  it('a job whose worker vanished is run by another process exactly once after it expires', async () => {
    const dead = await queue({ expireInSeconds: 1, retryLimit: 2 })
    const jobs = [1, 2, 3].map((i) => ({ fleetPlanId: 'fp-5', tenantId: `v${i}` }))
    const ids = await dead.send('rollback', jobs)
    // The vanished worker: takes the jobs and never completes them.
    const taken = await dead.boss.fetch(QUEUE_NAMES.rollback, { batchSize: 10 })
    expect(taken.map((j) => j.id)).toEqual(expect.arrayContaining(ids))
    const other = await queue({ expireInSeconds: 1, retryLimit: 2 })
    const runs = new Map<string, number>()
    await other.work('rollback', 2, async (job) => {
      // (An earlier test left a rollback job queued: only this test's jobs are counted.)
      if (job.fleetPlanId === 'fp-5') runs.set(job.id, (runs.get(job.id) ?? 0) + 1)
    })
    await sleep(1500)
    // Nothing ran while the jobs were active elsewhere.
    expect(runs.size).toBe(0)
    // Maintenance (every 120 s by default) fails timed-out jobs; the test runs it now.
    await other.boss.expire()
    await until('3 completed', async () => {
      const js = await Promise.all(ids.map((id) => other.boss.getJobById(QUEUE_NAMES.rollback, id)))
      return js.every((j) => j?.state === 'completed')
    })
    await other.boss.expire()
    await sleep(1500)
    expect([...runs.keys()].sort()).toEqual([...ids].sort())
    expect([...runs.values()]).toEqual([1, 1, 1])
    await dead.stop({ graceful: false })
    await other.stop()
  })

  it('cancels queued jobs: they are not run', async () => {
    const q = await queue()
    const ids = await q.send('apply', [
      { fleetPlanId: 'fp-6', tenantId: 'c1' },
      { fleetPlanId: 'fp-6', tenantId: 'c2' },
    ])
    await q.cancel('apply', ids)
    const js = await Promise.all(ids.map((id) => q.boss.getJobById(QUEUE_NAMES.apply, id)))
    expect(js.map((j) => j?.state)).toEqual(['cancelled', 'cancelled'])
    await q.stop()
  })

  it('a lost connection reaches onError (password removed) and the queue carries on', async () => {
    const withPassword = new URL(url)
    withPassword.username = 'postgres'
    withPassword.password = 'S3cret-pw' // the test server trusts loopback: it is not checked
    const seen: Error[] = []
    const q = await openQueue(withPassword.toString(), {
      pollingIntervalSeconds: 0.5,
      onError: (e) => seen.push(e),
    })
    open.push(q)
    const runs: string[] = []
    await q.work('plan', 1, async (job) => {
      if (job.fleetPlanId === 'fp-10') runs.push(job.tenantId)
    })
    // Until the loss is seen: on a busy machine the queue may hold no connection at the first
    // try (its pool opens them as the loops poll), and then nothing is terminated.
    await until('an error event', async () => {
      await db!.admin(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${db!.name}' and application_name = 'passage-fleet-queue' and pid <> pg_backend_pid()`,
      )
      return seen.length > 0
    })
    for (const e of seen) expect(`${e.message} ${e.stack ?? ''}`).not.toContain('S3cret-pw')
    await q.send('plan', [{ fleetPlanId: 'fp-10', tenantId: 'after' }])
    await until('the job after the loss', () => runs.includes('after'))
    await q.stop()
  })

  it('a handler answering `again` has the job sent again to start no sooner than asked, counting one attempt; the old job completes', async () => {
    const q = await queue()
    const [first] = await q.send('rollback', [{ fleetPlanId: 'fp-again', tenantId: 'ra' }])
    const runs: { id: string; retryCount: number; at: number }[] = []
    let askedAt = 0
    await q.work('rollback', 1, async (job) => {
      if (job.fleetPlanId !== 'fp-again') return
      runs.push({ id: job.id, retryCount: job.retryCount, at: Date.now() })
      if (runs.length === 1) {
        askedAt = Date.now()
        return { again: { afterMs: 2000 } }
      }
    })
    await until('the second run', () => runs.length >= 2)
    const [one, two] = runs
    // Not before the wait asked for (the start is the database's now() + 2 s, taken after askedAt).
    expect((two?.at ?? 0) - askedAt).toBeGreaterThanOrEqual(2000)
    expect(one).toMatchObject({ id: first, retryCount: 0 })
    // A new job for the same item, its attempt counted; the old one completed, naming it.
    expect(two?.id).not.toBe(first)
    expect(two?.retryCount).toBe(1)
    const old = await q.boss.getJobById(QUEUE_NAMES.rollback, first ?? '')
    expect(old?.state).toBe('completed')
    expect(old?.output).toMatchObject({ again: two?.id, afterSeconds: 2 })
    const again = await q.boss.getJobById(QUEUE_NAMES.rollback, two?.id ?? '')
    expect(again?.data).toEqual({ fleetPlanId: 'fp-again', tenantId: 'ra', retries: 1 })
    // The retry limit holds over the chain: 3 in all, 1 used.
    expect(again?.retryLimit).toBe(2)
    await until('the second job completed', async () => {
      const j = await q.boss.getJobById(QUEUE_NAMES.rollback, two?.id ?? '')
      return j?.state === 'completed'
    })
    expect(runs).toHaveLength(2)
    await q.stop()
  }, 30_000)

  it('`again` with no attempt left fails the job for good: it lands in the dead letter, not run again', async () => {
    const q = await queue({ retryLimit: 1 })
    const [first] = await q.send('rollback', [{ fleetPlanId: 'fp-again-last', tenantId: 'rl' }])
    const runs: number[] = []
    await q.work('rollback', 1, async (job) => {
      if (job.fleetPlanId !== 'fp-again-last') return
      runs.push(job.retryCount)
      return { again: { afterMs: 1000 } }
    })
    await until('the dead letter', async () =>
      (await q.deadLetters()).some((d) => d.job.tenantId === 'rl'),
    )
    // Once as sent, once more as sent again (its retry limit 0): no third run.
    expect(runs).toEqual([0, 1])
    const dead = (await q.deadLetters()).find((d) => d.job.tenantId === 'rl')
    expect(dead?.error).toBe('asked to run again with no attempt left')
    expect((await q.boss.getJobById(QUEUE_NAMES.rollback, first ?? ''))?.state).toBe('completed')
    await sleep(1500)
    expect(runs).toEqual([0, 1])
    await q.stop()
  }, 30_000)

  it('a schedule is kept by name with its cron, time zone and data, replaced in place, and removed', async () => {
    const q = await queue()
    await q.schedule('check-contoso', '0 6 * * *', { kind: 'monitor', n: 1 }, 'Europe/Paris')
    await q.schedule('check-contoso', '30 5 * * *', { kind: 'monitor', n: 2 }, 'Europe/Paris')
    expect(await q.schedules()).toEqual([
      {
        name: 'check-contoso',
        cron: '30 5 * * *',
        timezone: 'Europe/Paris',
        data: { kind: 'monitor', n: 2 },
      },
    ])
    expect(await q.unschedule('check-contoso')).toBe(true)
    expect(await q.unschedule('check-contoso')).toBe(false)
    expect(await q.schedules()).toEqual([])
    await q.stop()
  })

  it('refuses a bad cron, time zone or name as invalid input (exit 2), keeping nothing', async () => {
    const q = await queue()
    for (const [name, cron, tz] of [
      ['bad-cron', 'every morning', 'UTC'],
      ['bad-zone', '0 6 * * *', 'Mars/Olympus'],
      ['Not A Slug', '0 6 * * *', 'UTC'],
    ] as const) {
      const e = await q.schedule(name, cron, {}, tz).then(
        () => null,
        (x: unknown) => x,
      )
      expect(isPassageError(e) && e.code, `${name}`).toBe('PASSAGE_E_INPUT')
    }
    expect(await q.schedules()).toEqual([])
    await q.stop()
  })

  it("pg-boss's cron sends a schedule's job when it fires, and workSchedules runs it once", async () => {
    // '* * * * *' fired less than a minute ago whenever the timekeeper looks, and it looks as it
    // starts: the schedule is kept first (by a process without cron), then a worker starts.
    const keeper = await queue()
    await keeper.schedule('every-minute', '* * * * *', { kind: 'monitor', tag: 'x' })
    const q = await queue({ schedule: true })
    const ran: { name: string; data: unknown }[] = []
    await q.workSchedules(async (name, data) => {
      ran.push({ name, data })
    })
    await until('the scheduled job ran', () => ran.length > 0, 25_000)
    await sleep(1500)
    // Sent once for this minute (pg-boss keys the send on the schedule's name for 60 s).
    expect(ran).toEqual([{ name: 'every-minute', data: { kind: 'monitor', tag: 'x' } }])
    await q.unschedule('every-minute')
    await q.stop()
  }, 40_000)

  it('reported no background error holding a secret', () => {
    for (const e of errors) expect(e.message).not.toContain(JWT)
  })
})
