/**
 * `passage worker`: takes fleet jobs from the shared queue until SIGTERM or SIGINT. Only the
 * registration here; the implementation loads when it runs (./worker.run.ts).
 */
import type { Command } from 'commander'

/** The options of `passage worker`. */
export interface WorkerOptions {
  concurrency: string
  requestsPerSecond: string
  appRequestsPerSecond: string
  key?: string
  verbose?: boolean
  schedulesOnly?: boolean
}

/**
 * `passage worker [--concurrency N] [--requests-per-second N] [--app-requests-per-second N]
 * [--key pem] [--verbose]` (and the program's --db).
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'run fleet jobs (plan, apply, check, rollback) from the shared queue until stopped; run it on as many machines as you like',
    )
    .option('--concurrency <n>', 'jobs at a time per action', '2')
    .option(
      '--requests-per-second <n>',
      "this worker's request budget over all tenants (passage's own choice: Microsoft publishes no limit for the Exchange admin API)",
      '20',
    )
    .option(
      '--app-requests-per-second <n>',
      "the app's request budget over all workers on all machines, shared through the database (passage's own choice: Microsoft publishes no limit)",
      '20',
    )
    .option(
      '--key <file>',
      "the app certificate's private key (else PASSAGE_FLEET_KEY_FILE or PASSAGE_FLEET_KEY); never stored",
    )
    .option('--verbose', 'print one line per job')
    .option(
      '--schedules-only',
      'run only the monitor schedules (`passage schedule`), not fleet jobs: needs no app key unless a fleet schedule runs',
    )
    .addHelpText(
      'after',
      `
The database: --db <postgres-url>, else PASSAGE_FLEET_DB, else the embedded server in passage's
data folder (one machine only). Every worker also runs the monitor schedules when they fire
(\`passage schedule check\`, \`passage fleet schedule check\`): pg-boss's cron sends each one once. SIGTERM or Ctrl+C stops taking jobs, lets the running ones finish
(up to 30 seconds; a job still running then is handed back to the queue for another worker), and
exits 0.`,
    )
    .action(async (opts: WorkerOptions, cmd: Command) => {
      const { run } = await import('./worker.run.js')
      await run(opts, cmd)
    })
}
