/** `passage schedule`: the implementation, loaded when the command runs (see ./schedule.ts). */
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { sinksOf } from '../../app/monitor/alert-spec.js'
import { parseMonitorJob, type MonitorJob } from '../../app/monitor/scheduled.js'
import { PassageError } from '../../core/errors/index.js'
import {
  isPostgresUrl,
  openQueue,
  openStore,
  resolveFleetDatabase,
  type JobQueue,
} from '../../store/index.js'
import { progress } from '../connection.js'
import { globals } from '../fleet-context.js'
import { printable, printJson } from '../output.js'
import { table } from '../table.js'
import { wholeNumber } from '../numbers.js'
import { alertSpecOf, renewWindow, target } from './monitor.run.js'
import type { ScheduleCheckOptions, ScheduleListOptions } from './schedule.js'

/** A name made of a tenant's or tag's name: lower case, dashes, at most 40 characters. */
function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/\.onmicrosoft\.com$/, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'tenant'
  )
}

/**
 * The program's --db split in two: a postgres:// URL is where the schedules are kept (else
 * PASSAGE_FLEET_DB, else the embedded server); anything else is the single-tenant store.
 */
function databases(cmd: Command): { queueDb?: string; tenantStore?: string } {
  const db = globals(cmd).db?.trim()
  if (!db) return {}
  return isPostgresUrl(db) ? { queueDb: db } : { tenantStore: db === ':memory:' ? db : resolve(db) }
}

/** Opens the schedules' queue and runs `fn`, stopping it afterwards. */
async function withQueue<T>(cmd: Command, fn: (q: JobQueue) => Promise<T>): Promise<T> {
  const { queueDb } = databases(cmd)
  const where = await resolveFleetDatabase({
    ...(queueDb ? { db: queueDb } : {}),
    env: process.env,
    onProgress: (line: string) => {
      if (!/^reusing/i.test(line)) progress(line)
    },
  })
  const q = await openQueue(where.url, { onError: () => {} })
  try {
    return await fn(q)
  } finally {
    await q.stop({ graceful: false }).catch(() => undefined)
  }
}

/** `schedule check`: keeps a monitor pass on a cron schedule. */
export async function check(opts: ScheduleCheckOptions, cmd: Command): Promise<void> {
  const kind = target(opts)
  const withinDays = wholeNumber('--within-days', opts.withinDays, 1, 60)
  renewWindow(opts.renew, withinDays)
  const alerts = alertSpecOf(opts)
  // The secrets must be readable now; the worker reads them again, from its own environment.
  sinksOf(alerts)
  const { tenantStore } = databases(cmd)
  let job: MonitorJob
  let name: string
  if (kind === 'tenant') {
    if (tenantStore === ':memory:')
      throw new PassageError(
        'PASSAGE_E_INPUT',
        'A scheduled check needs a store on disk, not :memory:.',
      )
    const store = await openStore(tenantStore)
    try {
      const rec = await store.getConnection(opts.tenant)
      if (!rec)
        throw new PassageError(
          'PASSAGE_E_NOT_CONNECTED',
          `No connection to ${opts.tenant ?? ''} is saved: run \`passage connect --tenant ${opts.tenant ?? ''}\` first.`,
        )
      name = opts.name ?? `check-${slug(rec.tenantName || rec.tenantId)}`
      job = parseMonitorJob({
        kind: 'monitor',
        version: 1,
        target: 'tenant',
        tenant: rec.tenantId,
        ...(tenantStore ? { store: tenantStore } : {}),
        withinDays,
        ...(opts.renew ? { renew: true } : {}),
        alerts,
      })
    } finally {
      await store.close()
    }
  } else {
    name = opts.name ?? (opts.tag ? `check-fleet-${slug(opts.tag)}` : 'check-fleet')
    job = parseMonitorJob({
      kind: 'monitor',
      version: 1,
      target: 'fleet',
      ...(opts.tag ? { tag: opts.tag } : {}),
      withinDays,
      ...(opts.renew ? { renew: true } : {}),
      alerts,
    })
  }
  await withQueue(cmd, (q) => q.schedule(name, opts.cron.trim(), job, opts.tz.trim()))
  if (opts.json) {
    printJson({ name, cron: opts.cron.trim(), timezone: opts.tz.trim(), job })
    return
  }
  console.log(
    `Scheduled ${name}: '${printable(opts.cron.trim())}' (${printable(opts.tz.trim())}), ${describe(job)}.`,
  )
  console.log(
    `A worker runs it when it fires: \`passage worker${kind === 'tenant' ? ' --schedules-only' : ''}\` (keep one running; pg-boss sends each run once).`,
  )
}

/** What a schedule watches and where its alerts go, in words (no secret: there is none in it). */
function describe(job: MonitorJob): string {
  const what =
    job.target === 'fleet'
      ? `the fleet${job.tag ? ` (tag ${job.tag})` : ''}`
      : `tenant ${job.tenant ?? ''}`
  const to = [
    job.alerts.webhook ? `webhook ${new URL(job.alerts.webhook.url).host}` : '',
    job.alerts.email ? `mail to ${job.alerts.email.to.join(', ')}` : '',
  ].filter(Boolean)
  return `watching ${what}, alerts ${to.length ? `to ${to.join(' and ')}` : 'nowhere (states only)'}`
}

/** `schedule list`. */
export async function list(opts: ScheduleListOptions, cmd: Command): Promise<void> {
  const rows = await withQueue(cmd, (q) => q.schedules())
  const shown = rows.map((r) => {
    let job: MonitorJob | null = null
    try {
      job = parseMonitorJob(r.data)
    } catch {
      // kept by another version of passage: listed, not described
    }
    return { ...r, job }
  })
  if (opts.json) {
    printJson(shown.map((r) => ({ name: r.name, cron: r.cron, timezone: r.timezone, job: r.job })))
    return
  }
  if (shown.length === 0) {
    console.log('No schedules. Add one with `passage schedule check --cron ...`.')
    return
  }
  console.log(
    table(
      ['name', 'cron', 'time zone', 'what'],
      shown.map((r) => [r.name, r.cron, r.timezone, r.job ? describe(r.job) : '(not readable)']),
    ),
  )
}

/** `schedule remove <name>`: exit 2 when there is no such schedule. */
export async function remove(name: string, opts: ScheduleListOptions, cmd: Command): Promise<void> {
  const had = await withQueue(cmd, (q) => q.unschedule(name.trim()))
  if (!had)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `No schedule is named '${name.slice(0, 70)}' (\`passage schedule list\` shows them).`,
    )
  if (opts.json) printJson({ removed: name.trim() })
  else console.log(`Removed the schedule ${name.trim()}.`)
}
