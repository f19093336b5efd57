// The fleet's job queue: pg-boss 10.4.2 (pinned) in its own PostgreSQL schema, behind a small
// interface so that the rest of passage never touches pg-boss itself. Standard queues only: the
// singleton and stately policies of 10.x stall every other key's jobs while one key is active
// (pg-boss issue #535), so "one job per tenant" is kept by the store's lease instead.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import PgBoss from 'pg-boss'
import { PassageError } from '../core/errors/index.js'
import { redactUrl } from './errors.js'
import type { FleetAction } from './fleet.js'
import { redactSecrets } from './secrets.js'

/** What a fleet job carries: ids only (never a secret, never a plan). */
export interface FleetJob {
  fleetPlanId: string
  tenantId: string
}

/** Options of openQueue (tests and the demo shorten the times). */
export interface QueueOptions {
  /** How long a job may stay active before pg-boss fails it (default 600). */
  expireInSeconds?: number
  /** How many times a failed job is tried again (default 3). */
  retryLimit?: number
  /** The first retry's delay; later ones back off exponentially (default 5). */
  retryDelaySeconds?: number
  /** How often pg-boss looks for expired jobs (default 120; at least 1). */
  maintenanceIntervalSeconds?: number
  /** How often an idle worker loop polls (default 2; at least 0.5). */
  pollingIntervalSeconds?: number
  /** Where the queue's background errors go (the URL's password is never in them). */
  onError?: (e: Error) => void
  /**
   * Run pg-boss's cron (its timekeeper) in this process, so that schedules send their jobs
   * (default false: only `passage worker` does; any number of processes may, pg-boss sends each
   * schedule's job once per minute whichever process sees it first).
   */
  schedule?: boolean
}

/** A schedule as `schedules()` lists it: passage's name, pg-boss's cron and time zone, its data. */
export interface QueueSchedule {
  name: string
  cron: string
  timezone: string
  data: unknown
}

/**
 * One job, as a worker handler sees it. `retryCount` counts every earlier attempt of the item's
 * job: pg-boss's own retries plus those of the jobs it was sent again from (`again`).
 */
export type FleetJobRun = FleetJob & { id: string; retryCount: number }

/**
 * What a handler may answer instead of finishing: run the item again no sooner than `afterMs`
 * (Exchange's Retry-After), an attempt like pg-boss's own retries (the retry limit counts it).
 */
export interface JobAgain {
  again: { afterMs: number }
}

/** A job's data in the queue: the item's ids, and the attempts made before this job was sent. */
interface FleetJobData extends FleetJob {
  retries?: number
}

export interface JobQueue {
  /** Sends one job per item; returns job ids in order. Throws if pg-boss refuses one. */
  send(action: FleetAction, jobs: FleetJob[]): Promise<string[]>
  /**
   * Runs `concurrency` loops taking jobs of `action`; a handler that throws fails the job (pg-boss
   * retries it with its backoff); one that answers JobAgain has it sent again for later.
   */
  work(
    action: FleetAction,
    concurrency: number,
    handler: (job: FleetJobRun) => Promise<void | JobAgain>,
  ): Promise<void>
  cancel(action: FleetAction, jobIds: string[]): Promise<void>
  /** Jobs in the dead-letter queue: what failed for good, with the last error message. */
  deadLetters(limit?: number): Promise<
    {
      id: string
      action: FleetAction | null
      job: FleetJob
      error: string | null
      at: string
    }[]
  >
  /**
   * Creates or replaces the schedule `name` (pg-boss cron: one queue per schedule, its job sent
   * when `cron` fires in `timezone`). Throws PASSAGE_E_INPUT for a bad name, cron or time zone.
   */
  schedule(name: string, cron: string, data: object, timezone?: string): Promise<void>
  /** Removes a schedule and its waiting jobs; false when there was none of that name. */
  unschedule(name: string): Promise<boolean>
  /** passage's schedules, by name. */
  schedules(): Promise<QueueSchedule[]>
  /**
   * One loop that takes the jobs of every schedule (listed again at each idle poll) and runs
   * `handler` on each, one at a time. A job that throws is failed, not retried: the schedule's
   * next run is the retry.
   */
  workSchedules(handler: (name: string, data: unknown) => Promise<void>): Promise<void>
  /** Stops taking jobs; graceful waits up to timeoutMs for running handlers, then hands them back (pg-boss failWip). */
  stop(opts?: { graceful?: boolean; timeoutMs?: number }): Promise<void>
}

/** The PostgreSQL schema pg-boss keeps its tables in (beside passage's, never inside them). */
export const QUEUE_SCHEMA = 'passage_jobs'
/** The queue of each action, and the dead-letter queue of all four. */
export const QUEUE_NAMES: Record<FleetAction, string> = {
  plan: 'passage-fleet-plan',
  apply: 'passage-fleet-apply',
  check: 'passage-fleet-check',
  rollback: 'passage-fleet-rollback',
}
export const DEAD_LETTER_QUEUE = 'passage-fleet-dead'

/** Jobs per insert statement. */
const SEND_CHUNK = 500

const DEFAULTS = {
  expireInSeconds: 600,
  retryLimit: 3,
  retryDelaySeconds: 5,
  maintenanceIntervalSeconds: 120,
  pollingIntervalSeconds: 2,
}

/** A lock key of our own, so that two processes starting at once create the queues in turn. */
const CREATE_LOCK_SQL = `select pg_advisory_lock(hashtext('passage.fleet.queues'))`
const CREATE_UNLOCK_SQL = `select pg_advisory_unlock(hashtext('passage.fleet.queues'))`

const ACTIONS = Object.keys(QUEUE_NAMES) as FleetAction[]

/** True for the name of a fleet action (a wake-up's payload names one). */
function isAction(a: string | undefined): a is FleetAction {
  return a !== undefined && (ACTIONS as string[]).includes(a)
}

function actionOf(queue: string): FleetAction | null {
  return ACTIONS.find((a) => QUEUE_NAMES[a] === queue) ?? null
}

/** An error as it may leave the queue: the URL's password and token-like text removed. */
function cleanError(e: unknown, url: string): Error {
  // pg-boss emits worker errors as plain objects ({ message, stack, queue, worker }).
  const m = (e as { message?: unknown } | null)?.message
  const raw = typeof m === 'string' ? m : String(e)
  let message = raw
  try {
    const u = new URL(url)
    if (u.password !== '') message = message.split(decodeURIComponent(u.password)).join('***')
    if (u.password !== '') message = message.split(u.password).join('***')
  } catch {
    // not a URL: nothing to remove
  }
  message = message.split(url).join(redactUrl(url))
  const out = new Error(redactSecrets(message) ?? '')
  out.name = e instanceof Error ? e.name : 'Error'
  return out
}

function queueError(message: string, e?: unknown): PassageError {
  return new PassageError('PASSAGE_E_FLEET_QUEUE', message, { cause: e })
}

/** Attempts made before this job was sent (0 for a job `send` made). */
function retriesOf(data: unknown): number {
  const r = (data as Partial<FleetJobData> | null)?.retries
  return typeof r === 'number' && Number.isInteger(r) && r > 0 ? r : 0
}

function jobOf(data: unknown): FleetJob {
  const d = (data ?? {}) as Partial<Record<string, unknown>>
  return {
    fleetPlanId: typeof d.fleetPlanId === 'string' ? d.fleetPlanId : '',
    tenantId: typeof d.tenantId === 'string' ? d.tenantId : '',
  }
}

function messageOf(output: unknown): string | null {
  if (output === null || typeof output !== 'object') return null
  const o = output as { message?: unknown; value?: { message?: unknown } }
  if (typeof o.message === 'string') return o.message
  if (typeof o.value?.message === 'string') return o.value.message
  return null
}

/** Test hooks: not part of the product's interface. */
export interface JobQueueForTests extends JobQueue {
  /** pg-boss itself (fetch without completing, expire, getJobById...). */
  readonly boss: PgBoss
}

/**
 * Opens the fleet's job queue on a PostgreSQL URL: starts pg-boss in the `passage_jobs` schema
 * (created or migrated as needed) and creates the four queues and the dead-letter queue when
 * missing; two processes starting at once both succeed. Throws PASSAGE_E_FLEET_QUEUE when the
 * database cannot be reached (the message never holds the URL's password).
 */
export async function openQueue(url: string, opts: QueueOptions = {}): Promise<JobQueueForTests> {
  const cfg = { ...DEFAULTS, ...definedOnly(opts) }
  const onError = opts.onError ?? (() => {})
  const boss = new PgBoss({
    connectionString: url,
    schema: QUEUE_SCHEMA,
    application_name: 'passage-fleet-queue',
    max: 4,
    supervise: true,
    schedule: opts.schedule ?? false,
    maintenanceIntervalSeconds: Math.max(1, Math.round(cfg.maintenanceIntervalSeconds)),
    retryLimit: cfg.retryLimit,
    retryDelay: cfg.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: cfg.expireInSeconds,
  })
  // Without a listener, an 'error' event would crash the process; with one, pg-boss carries on
  // (a restarted database, a lost connection) and passage reports it, password removed.
  boss.on('error', (e) => onError(cleanError(e, url)))
  try {
    await boss.start()
    await createQueues(url, boss, cfg)
  } catch (e) {
    await boss.stop({ graceful: false, wait: true }).catch(() => {})
    throw queueError(
      `Cannot open the job queue at ${redactUrl(url)}: ${cleanError(e, url).message}`,
      e,
    )
  }

  const queueOpts = {
    retryLimit: cfg.retryLimit,
    retryDelay: cfg.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: cfg.expireInSeconds,
    deadLetter: DEAD_LETTER_QUEUE,
  }

  // Our own loops over fetch/complete/fail rather than pg-boss's work(): in 10.4.2 work() does
  // not await its complete/fail (a database lost at that moment becomes an unhandled rejection,
  // which ends a Node process) and waits a full polling interval after every job, even when more
  // are queued. Here each loop takes one job, awaits its outcome, and polls only when idle.
  let stopping = false
  let stopped: Promise<void> | undefined
  const loops: Promise<void>[] = []
  /** Jobs being handled now: id -> queue name. */
  const running = new Map<string, string>()
  const fetching = new Set<Promise<unknown>>()
  const wakers = new Set<() => void>()
  const pollMs = Math.max(500, Math.round(cfg.pollingIntervalSeconds * 1000))
  /** Idle loops (the poller among them), per queue name, the longest waiting first. */
  const followers = new Map<string, Set<() => void>>()
  /** Queues that have an idle loop polling them (the others of that queue follow it). */
  const polling = new Set<string>()
  /**
   * Waits `ms` or until woken: by stop() (every loop), or, when `queue` is given, by a send's
   * notification for that queue or one of its loops finding a job (wakeIdle).
   */
  const idle = (ms = pollMs, queue?: string) =>
    new Promise<void>((done) => {
      const mine = queue === undefined ? undefined : (followers.get(queue) ?? new Set())
      if (queue !== undefined && mine && !followers.has(queue)) followers.set(queue, mine)
      const wake = () => {
        clearTimeout(timer)
        wakers.delete(wake)
        mine?.delete(wake)
        done()
      }
      const timer = setTimeout(wake, ms)
      wakers.add(wake)
      mine?.add(wake)
    })
  /**
   * An idle loop's wait: one loop per queue polls it every polling interval; the others wait for
   * it to find a job (or a send's notification), so an idle worker asks the database once per
   * interval per queue rather than once per loop (64 loops: 32 queries a second for nothing).
   */
  const idleLoop = async (name: string) => {
    if (polling.has(name)) return idle(FOLLOWER_MAX_MS, name)
    polling.add(name)
    try {
      // The poller is an idle loop of its queue too: a send's notification may wake it first.
      await idle(pollMs, name)
    } finally {
      polling.delete(name)
    }
  }
  /**
   * Wakes up to `n` of the queue's idle loops (the ones waiting longest first). A loop that finds
   * a job wakes one more (there may be more jobs), so a queue fills its idle loops one fetch at a
   * time, and a job sent alone costs one fetch, not one per idle loop of the worker (every loop
   * woken by every send was five fetches per job in bench/fleet.ts, nearly all of them empty).
   */
  const wakeIdle = (name: string, n = 1) => {
    for (const w of [...(followers.get(name) ?? [])].slice(0, n)) w()
  }

  // Idle loops are woken as soon as jobs are sent, from any process: `send` notifies a channel
  // that every working queue listens on (PostgreSQL LISTEN/NOTIFY, a wake-up only: the jobs are
  // still taken from pg-boss). Without it a loop waits out its polling interval at the start of
  // every wave; the poll stays as the fallback while the listener reconnects.
  let listener: pg.Client | null = null
  let listening = false
  async function listen(): Promise<void> {
    if (listening || stopping) return
    listening = true
    const client = new pg.Client({ connectionString: url, application_name: 'passage-fleet-wake' })
    const retry = () => {
      if (listener === client) listener = null
      listening = false
      client.end().catch(() => undefined)
      if (!stopping) setTimeout(() => void listen(), 1000).unref()
    }
    client.on('error', (e) => {
      onError(cleanError(e, url))
      retry()
    })
    client.on('notification', (m) => {
      // `<action>:<jobs sent>`: as many of that queue's idle loops as there are new jobs. Any
      // other payload (an older sender) wakes every idle loop, as it always did.
      const [action, count] = (m.payload ?? '').split(':')
      const n = Number(count)
      if (isAction(action) && Number.isInteger(n) && n > 0) wakeIdle(QUEUE_NAMES[action], n)
      else for (const w of [...wakers]) w()
    })
    try {
      await client.connect()
      await client.query(`LISTEN ${WAKE_CHANNEL}`)
      listener = client
      if (stopping) retry()
    } catch (e) {
      onError(cleanError(e, url))
      retry()
    }
  }

  /**
   * Sends the item's job again to start in `afterMs` (the database's clock: a relative start, so
   * no machine's clock matters), its attempts so far in its data and the retry limit lowered by
   * them, so that the limit holds over the whole chain; then completes the old job. Send then
   * complete: a crash between the two leaves at most a duplicate job, which the store's tenant
   * lease and the apply journal make harmless (a second run resumes or finds nothing to do).
   * If the send fails, the old job is failed instead: pg-boss retries it with its own backoff.
   */
  async function sendAgain(
    name: string,
    job: PgBoss.JobWithMetadata<FleetJob>,
    attempts: number,
    afterMs: number,
  ): Promise<void> {
    const id = randomUUID()
    const seconds = Math.max(1, Math.ceil(afterMs / 1000))
    try {
      const data: FleetJobData = { ...jobOf(job.data), retries: attempts }
      await boss.insert([
        {
          id,
          name,
          data,
          // A number of seconds: pg-boss adds it to the database's now().
          startAfter: String(seconds),
          ...queueOpts,
          retryLimit: Math.max(0, cfg.retryLimit - attempts),
        },
      ])
      const { rows } = (await boss
        .getDb()
        .executeSql(
          `select count(*)::int as n from ${QUEUE_SCHEMA}.job where name = $1 and id = $2`,
          [name, id],
        )) as { rows: { n: number }[] }
      if ((rows[0]?.n ?? 0) !== 1) throw new Error(`queue ${name} did not take the job`)
    } catch (e) {
      onError(cleanError(e, url))
      await boss.fail(name, job.id, {
        message: `could not send the job again after Retry-After: ${cleanError(e, url).message}`,
      })
      return
    }
    await boss.complete(name, job.id, { again: id, afterSeconds: seconds })
  }

  async function loop(
    action: FleetAction,
    handler: (job: FleetJobRun) => Promise<void | JobAgain>,
  ) {
    const name = QUEUE_NAMES[action]
    while (!stopping) {
      let job: PgBoss.JobWithMetadata<FleetJob> | undefined
      const f = boss.fetch<FleetJob>(name, { batchSize: 1, includeMetadata: true })
      fetching.add(f)
      try {
        ;[job] = await f
      } catch (e) {
        onError(cleanError(e, url))
      } finally {
        fetching.delete(f)
      }
      if (job === undefined) {
        await idleLoop(name)
        continue
      }
      wakeIdle(name)
      if (stopping) {
        // Taken as the queue was stopping: straight back.
        await boss
          .fail(name, job.id, { message: HANDED_BACK })
          .catch((e: unknown) => onError(cleanError(e, url)))
        return
      }
      running.set(job.id, name)
      let failure: Error | undefined
      let again: number | undefined
      const retryCount = retriesOf(job.data) + job.retryCount
      try {
        const r = await handler({ ...jobOf(job.data), id: job.id, retryCount })
        if (r && typeof r.again?.afterMs === 'number') again = r.again.afterMs
      } catch (e) {
        // What the queue keeps as the job's output (and copies to the dead letter): the message
        // only, secrets removed, no stack.
        failure = cleanError(e, url)
      }
      // Handed back by stop() meanwhile: the queue owns it again.
      if (!running.delete(job.id)) continue
      try {
        if (failure) await boss.fail(name, job.id, { message: failure.message })
        else if (again !== undefined && retryCount < cfg.retryLimit)
          await sendAgain(name, job, retryCount + 1, again)
        else if (again !== undefined)
          // No attempt left: it fails for good (dead-lettered), as a last pg-boss retry would.
          await boss.fail(name, job.id, { message: 'asked to run again with no attempt left' })
        else await boss.complete(name, job.id)
      } catch (e) {
        // The job stays active until it expires, then is retried (the store makes reruns safe).
        onError(cleanError(e, url))
      }
    }
  }

  return {
    boss,
    async send(action, jobs) {
      const name = QUEUE_NAMES[action]
      const ids: string[] = []
      // In chunks, one statement each (a fleet of 1000 tenants is 2 round trips, not 1000).
      // pg-boss's insert() drops jobs of a missing queue silently, as send() returns null: the
      // ids are ours, and each chunk is counted back.
      for (let at = 0; at < jobs.length; at += SEND_CHUNK) {
        const chunk = jobs.slice(at, at + SEND_CHUNK).map((j) => ({
          id: randomUUID(),
          name,
          // Ids only: a job's data is visible to anyone reading the queue's tables.
          data: { fleetPlanId: j.fleetPlanId, tenantId: j.tenantId } satisfies FleetJob,
          ...queueOpts,
        }))
        let stored: number
        try {
          await boss.insert(chunk)
          const { rows } = (await boss
            .getDb()
            .executeSql(
              `select count(*)::int as n from ${QUEUE_SCHEMA}.job where name = $1 and id = any($2::uuid[])`,
              [name, chunk.map((c) => c.id)],
            )) as { rows: { n: number }[] }
          stored = rows[0]?.n ?? 0
        } catch (e) {
          throw queueError(`The job queue refused ${action} jobs: ${cleanError(e, url).message}`, e)
        }
        if (stored !== chunk.length)
          throw queueError(
            `The job queue took ${stored} of ${chunk.length} ${action} jobs (is queue ${name} missing?).`,
          )
        ids.push(...chunk.map((c) => c.id))
      }
      // Wake idle workers everywhere (best effort: they poll anyway).
      if (jobs.length)
        await boss
          .getDb()
          .executeSql('select pg_notify($1, $2)', [WAKE_CHANNEL, `${action}:${jobs.length}`])
          .catch((e: unknown) => onError(cleanError(e, url)))
      return ids
    },
    async work(action, concurrency, handler) {
      if (stopping) throw queueError('The job queue is stopped: it takes no more work.')
      const n = Math.max(1, Math.floor(concurrency))
      void listen()
      for (let i = 0; i < n; i++) loops.push(loop(action, handler))
    },
    async cancel(action, jobIds) {
      if (jobIds.length === 0) return
      try {
        await boss.cancel(QUEUE_NAMES[action], jobIds)
      } catch (e) {
        throw queueError(`Cannot cancel ${action} jobs: ${cleanError(e, url).message}`, e)
      }
    },
    async deadLetters(limit = 100) {
      const n = Math.max(1, Math.min(1000, Math.floor(limit)))
      const names = ACTIONS.map((a) => QUEUE_NAMES[a])
      // The dead-letter copy has the data and the last output; the queue it came from is the
      // failed job with the same data (the newest one).
      const sql = `
        select d.id, d.data, d.output, d.created_on,
          (select f.name from ${QUEUE_SCHEMA}.job f
             where f.name = any($2::text[]) and f.state = 'failed' and f.data = d.data
             order by f.completed_on desc nulls last limit 1) as source
        from ${QUEUE_SCHEMA}.job d
        where d.name = $1
        order by d.created_on desc
        limit ${n}`
      let rows: {
        id: string
        data: unknown
        output: unknown
        created_on: Date
        source: string | null
      }[]
      try {
        ;({ rows } = (await boss.getDb().executeSql(sql, [DEAD_LETTER_QUEUE, names])) as {
          rows: typeof rows
        })
      } catch (e) {
        throw queueError(`Cannot read the dead-letter queue: ${cleanError(e, url).message}`, e)
      }
      return rows.map((r) => ({
        id: r.id,
        action: r.source === null ? null : actionOf(r.source),
        job: jobOf(r.data),
        error: messageOf(r.output),
        at: new Date(r.created_on).toISOString(),
      }))
    },
    async schedule(name, cron, data, timezone = 'UTC') {
      const queue = scheduleQueue(name)
      // pg-boss's cron-parser takes an unknown zone without a word; the runtime's IANA data does not.
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: timezone })
      } catch {
        throw new PassageError(
          'PASSAGE_E_INPUT',
          `The time zone '${timezone.slice(0, 40)}' is not an IANA zone name (such as UTC or Europe/Paris).`,
        )
      }
      try {
        await withCreateLock(url, async () => {
          if (!(await boss.getQueue(queue)))
            await boss.createQueue(queue, {
              name: queue,
              policy: 'standard',
              // A missed run is not retried: the next one is the retry.
              retryLimit: 0,
              expireInSeconds: cfg.expireInSeconds,
            })
        })
      } catch (e) {
        throw queueError(`Cannot create the schedule's queue: ${cleanError(e, url).message}`, e)
      }
      try {
        await boss.schedule(queue, cron, data, { tz: timezone })
      } catch (e) {
        const m = cleanError(e, url).message
        // pg-boss checks the cron and the time zone with cron-parser before writing anything.
        if (!/connect|terminat|ECONN|timeout/i.test(m))
          throw new PassageError(
            'PASSAGE_E_INPUT',
            `The schedule's cron '${cron.slice(0, 60)}' or time zone '${timezone.slice(0, 40)}' is not valid: ${m}`,
          )
        throw queueError(`Cannot save the schedule: ${m}`, e)
      }
    },
    async unschedule(name) {
      const queue = scheduleQueue(name)
      try {
        const had = (await boss.getSchedules()).some((x) => x.name === queue)
        await boss.unschedule(queue)
        // Its waiting jobs go; the empty queue stays (pg-boss 10's delete_queue can trip over its
        // own partition's foreign key once jobs have run in it), ready if the name comes back.
        if (await boss.getQueue(queue)) await boss.purgeQueue(queue)
        return had
      } catch (e) {
        throw queueError(`Cannot remove the schedule: ${cleanError(e, url).message}`, e)
      }
    },
    async schedules() {
      let rows: PgBoss.Schedule[]
      try {
        rows = await boss.getSchedules()
      } catch (e) {
        throw queueError(`Cannot read the schedules: ${cleanError(e, url).message}`, e)
      }
      return rows
        .filter((x) => x.name.startsWith(SCHEDULE_PREFIX))
        .map((x) => ({
          name: x.name.slice(SCHEDULE_PREFIX.length),
          cron: x.cron,
          timezone: (x as { timezone?: string }).timezone ?? 'UTC',
          data: x.data ?? null,
        }))
        .sort((a, b) => a.name.localeCompare(b.name))
    },
    async workSchedules(handler) {
      if (stopping) throw queueError('The job queue is stopped: it takes no more work.')
      loops.push(
        (async () => {
          while (!stopping) {
            let took = false
            let names: string[] = []
            try {
              names = (await boss.getSchedules())
                .map((x) => x.name)
                .filter((n) => n.startsWith(SCHEDULE_PREFIX))
            } catch (e) {
              onError(cleanError(e, url))
            }
            for (const queue of names) {
              if (stopping) break
              let job: PgBoss.Job<unknown> | undefined
              try {
                ;[job] = await boss.fetch<unknown>(queue, { batchSize: 1 })
              } catch (e) {
                onError(cleanError(e, url))
              }
              if (!job) continue
              took = true
              running.set(job.id, queue)
              let failure: Error | undefined
              try {
                await handler(queue.slice(SCHEDULE_PREFIX.length), job.data)
              } catch (e) {
                failure = cleanError(e, url)
              }
              if (!running.delete(job.id)) continue
              try {
                if (failure) await boss.fail(queue, job.id, { message: failure.message })
                else await boss.complete(queue, job.id)
              } catch (e) {
                onError(cleanError(e, url))
              }
            }
            if (!took) await idle()
          }
        })(),
      )
    },
    async stop(o = {}) {
      if (stopping && stopped) return stopped
      stopping = true
      for (const w of [...wakers]) w()
      await listener?.end().catch(() => undefined)
      listener = null
      stopped = (async () => {
        const timeoutMs = Math.max(0, o.timeoutMs ?? 30_000)
        if (o.graceful ?? true) {
          const end = Date.now() + timeoutMs
          while (running.size > 0 && Date.now() < end) await pause(50)
        }
        // Whatever still runs is handed back: failed with retries left, pg-boss runs it again
        // (here after a restart, or in another worker). Its handler is not interrupted: the
        // store's lease keeps a second run off the tenant while the first finishes.
        const handBack = [...running.entries()]
        running.clear()
        for (const [id, name] of handBack)
          await boss
            .fail(name, id, { message: HANDED_BACK })
            .catch((e: unknown) => onError(cleanError(e, url)))
        await Promise.all([...fetching])
        await boss.stop({ graceful: false, close: true, wait: true })
      })()
      return stopped
    },
  }
}

/**
 * Whether an error is the database going away (a restart, a dropped connection), which pg-boss's
 * own timekeeper may let escape as an unhandled rejection: in 10.4.2 its cron worker (work())
 * does not await complete/fail. The worker process treats these as the queue's background errors
 * and carries on (the job expires and is run again); anything else still ends the process.
 */
export function isDatabaseLoss(e: unknown): boolean {
  const x = e as { code?: unknown; message?: unknown } | null
  const code = typeof x?.code === 'string' ? x.code : ''
  // PostgreSQL SQLSTATE 08xxx (connection exception), 57P01-57P03 (shutdown, cannot connect now).
  if (
    /^(08\d{3}|57P0[123])$/.test(code) ||
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)$/.test(code)
  )
    return true
  const m = typeof x?.message === 'string' ? x.message : ''
  return /Connection terminated|connection (?:is )?closed|Client has encountered a connection error/i.test(
    m,
  )
}

/** The prefix of every schedule's queue (one pg-boss queue per schedule: its cron keys on it). */
export const SCHEDULE_PREFIX = 'passage-schedule-'

/** A schedule's queue name, or PASSAGE_E_INPUT for a name that is not a short lower-case slug. */
export function scheduleQueue(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `A schedule's name is 1 to 63 lower-case letters, digits and dashes, got '${name.slice(0, 70)}'.`,
    )
  return `${SCHEDULE_PREFIX}${name}`
}

/** Runs `fn` holding passage's queue-creation lock (see createQueues). */
async function withCreateLock(url: string, fn: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'passage-fleet-queue' })
  client.on('error', () => {})
  await client.connect()
  try {
    await client.query(CREATE_LOCK_SQL)
    try {
      await fn()
    } finally {
      await client.query(CREATE_UNLOCK_SQL)
    }
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * The longest an idle loop waits for its queue's poller (queue.ts `idleLoop`): a safety net only,
 * the poller wakes it as soon as it finds a job.
 */
const FOLLOWER_MAX_MS = 30_000

/** The PostgreSQL channel `send` notifies so that idle loops in every process wake at once. */
const WAKE_CHANNEL = 'passage_fleet_jobs'

/** The output of a job a stopping worker handed back (it is retried). */
const HANDED_BACK = 'passage stopped while the job ran; handed back to the queue'

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

async function createQueues(url: string, boss: PgBoss, cfg: typeof DEFAULTS): Promise<void> {
  // pg-boss's create_queue is insert-or-nothing, but two processes creating different queues at
  // once can deadlock on the partitioned job table; an advisory lock of our own serialises them.
  await withCreateLock(url, async () => {
    const common = {
      policy: 'standard' as const,
      retryLimit: cfg.retryLimit,
      retryDelay: cfg.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: cfg.expireInSeconds,
    }
    // The dead-letter queue first: the others reference it (a foreign key).
    if (!(await boss.getQueue(DEAD_LETTER_QUEUE)))
      await boss.createQueue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE, policy: 'standard' })
    for (const a of ACTIONS) {
      const name = QUEUE_NAMES[a]
      if (!(await boss.getQueue(name)))
        await boss.createQueue(name, { name, ...common, deadLetter: DEAD_LETTER_QUEUE })
    }
  })
}
