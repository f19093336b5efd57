/** `passage worker`: the implementation, loaded when the command runs (see ./worker.ts). */
import type { Command } from 'commander'
import { wholeNumber } from '../numbers.js'
import { fleetKey } from '../../app/fleet/key.js'
import { startFleetWorker, type FleetWorkerEvent } from '../../app/fleet/worker.js'
import { readText } from '../../app/files.js'
import { PassageError } from '../../core/errors/index.js'
import { isDatabaseLoss, openQueue, openStore, resolveFleetDatabase } from '../../store/index.js'
import { stateCounts, type MonitorRunResult } from '../../app/monitor/run.js'
import { progress } from '../connection.js'
import { printable } from '../output.js'
import type { WorkerOptions } from './worker.js'

/** One line for a worker event (tenant ids only: no secret is ever in an event). */
export function eventLine(e: FleetWorkerEvent): string {
  const at = new Date().toISOString().slice(11, 19)
  if (e.kind === 'budget') return `${at} request budget: ${printable(e.message)}`
  const what =
    e.kind === 'start'
      ? 'started'
      : e.kind === 'retry'
        ? e.at
          ? `will retry at ${e.at.slice(11, 19)} (Retry-After)`
          : 'will retry'
        : (e.state ?? 'done')
  return `${at} ${e.action} ${e.tenantId} ${what}${e.error ? `: ${printable(e.error)}` : ''}`
}

/** One line for a schedule's pass: its name and the tenants' states (names only, no secret). */
export function scheduleLine(name: string, r: MonitorRunResult): string {
  const at = new Date().toISOString().slice(11, 19)
  return `${at} schedule ${name}: ${stateCounts(r)}; ${r.alertsSent} alert(s) sent`
}

/** Runs workers until SIGTERM or SIGINT, then stops gracefully and exits 0. */
export async function run(opts: WorkerOptions, cmd: Command): Promise<void> {
  const concurrency = wholeNumber('--concurrency', opts.concurrency, 1, 64)
  const rps = wholeNumber('--requests-per-second', opts.requestsPerSecond, 1, 10_000)
  const appRps = wholeNumber('--app-requests-per-second', opts.appRequestsPerSecond, 1, 10_000)
  // The key first: a worker without it could take no job.
  // Only a worker of schedules may start without it (a fleet schedule then says it is missing).
  let keyPem: string | undefined
  try {
    keyPem = fleetKey({ ...(opts.key ? { keyFile: opts.key } : {}), env: process.env })
  } catch (e) {
    if (!opts.schedulesOnly) throw e
  }
  const db = cmd.optsWithGlobals<{ db?: string }>().db
  const where = await resolveFleetDatabase({
    ...(db ? { db } : {}),
    env: process.env,
    // First start and start lines only: reusing the running server is the quiet, usual case.
    onProgress: (line: string) => {
      if (!/^reusing/i.test(line)) progress(line)
    },
  })
  const store = await openStore(where.url)
  let lastError = 0
  // The job expiry may be lowered for tests, demos and benchmarks, as for the fleet commands.
  const expire = Number(process.env.PASSAGE_FLEET_JOB_EXPIRE_SECONDS)
  const queue = await openQueue(where.url, {
    ...(Number.isInteger(expire) && expire > 0 ? { expireInSeconds: expire } : {}),
    // pg-boss's cron runs in every worker: each schedule's job is sent once whichever sees it.
    schedule: true,
    onError: (e) => {
      if (Date.now() - lastError < 10_000) return
      lastError = Date.now()
      progress(`job queue: ${printable(e.message)}`)
    },
  })
  // pg-boss's cron lets a lost database escape as an unhandled rejection (isDatabaseLoss): said
  // as the queue's errors are, and the worker carries on; any other one still ends the process.
  const onRejection = (reason: unknown) => {
    if (!isDatabaseLoss(reason)) throw reason
    progress(`job queue: ${printable(reason instanceof Error ? reason.message : String(reason))}`)
  }
  process.on('unhandledRejection', onRejection)
  try {
    const app = await store.getFleetApp()
    if (!app && !opts.schedulesOnly)
      throw new PassageError(
        'PASSAGE_E_FLEET_APP',
        'No app registration is recorded for the fleet.',
      )
    const caPem = app?.caFile ? readText(app.caFile) : undefined
    const worker =
      opts.schedulesOnly || !app || !keyPem
        ? null
        : await startFleetWorker(store, queue, {
            concurrency,
            requestsPerSecond: rps,
            appRequestsPerSecond: appRps,
            // The same database as the store and the queue: the app's budget is shared through it.
            databaseUrl: where.url,
            keyPem,
            ...(caPem ? { caPem } : {}),
            // Budget changes (the database lost, back) are always said; job lines with --verbose.
            onEvent: (e: FleetWorkerEvent) => {
              if (e.kind === 'budget' || opts.verbose) progress(eventLine(e))
            },
          })
    await queue.workSchedules(async (name, data) => {
      const { runScheduledMonitor } = await import('../../app/monitor/scheduled.js')
      const r = await runScheduledMonitor(data, {
        fleetStore: store,
        ...(keyPem ? { keyPem } : {}),
        ...(caPem ? { caPem } : {}),
        openStore: (location) => openStore(location),
        env: process.env,
      })
      progress(scheduleLine(name, r))
    })
    progress(
      worker && app
        ? `passage worker: taking fleet jobs (${concurrency} at a time per action) for app ${app.appId}, and monitor schedules; Ctrl+C or SIGTERM stops it.`
        : 'passage worker: running monitor schedules only; Ctrl+C or SIGTERM stops it.',
    )
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'))
      process.once('SIGINT', () => resolve('SIGINT'))
    })
    progress(`${signal}: finishing the running jobs (up to 30 s), then stopping...`)
    await worker?.stop({ graceful: true, timeoutMs: 30_000 })
    progress('passage worker stopped.')
  } finally {
    await queue.stop({ graceful: true, timeoutMs: 5_000 }).catch(() => undefined)
    await store.close()
    process.off('unhandledRejection', onRejection)
  }
}
