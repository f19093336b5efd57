/**
 * `passage schedule` (and `passage fleet schedule`): monitor passes on pg-boss cron schedules
 * (issue 16), kept in the fleet's PostgreSQL (the embedded server on one machine) and run by
 * `passage worker`. Only names, options and help here; the implementation loads when it runs.
 */
import type { Command } from 'commander'
import { alertOptions, targetOptions, type MonitorOptions } from './monitor.js'

/** The options of `schedule check`. */
export interface ScheduleCheckOptions extends MonitorOptions {
  cron: string
  tz: string
  name?: string
}

/** The options of `schedule list` / `remove`. */
export interface ScheduleListOptions {
  json?: boolean
}

const CHECK_HELP = `
Each run is one \`passage monitor\` pass: green, drifted, expiring or broken per tenant, with an
alert only when a tenant's state changes. A worker runs the schedules when they fire:
\`passage worker\` (fleet jobs and schedules) or \`passage worker --schedules-only\` (no app key
needed for a single tenant). Secrets are never kept: the schedule names the environment variable
or the file the worker reads them from.
Example: passage schedule check --tenant contoso.onmicrosoft.com --cron '0 6 * * *' \\
           --webhook https://hooks.example.com/passage --webhook-secret-env PASSAGE_HOOK_SECRET`

/** Adds `check`, `list` and `remove` under `parent`; with `fleet`, `check` watches the fleet. */
function addScheduleCommands(parent: Command, fleet: boolean): void {
  const check = parent
    .command('check')
    .description(
      fleet
        ? 'schedule a monitor pass over the fleet (cron), alerting on changes of state'
        : 'schedule a monitor pass over a tenant or the fleet (cron), alerting on changes of state',
    )
    .requiredOption(
      '--cron <expression>',
      "when, as cron (five fields: '0 6 * * *' is 06:00 daily)",
    )
    .option('--tz <zone>', 'the time zone the cron is read in (IANA name)', 'UTC')
    .option(
      '--name <name>',
      'the schedule’s name (default: check-<tenant>, or check-fleet[-<tag>])',
    )
  if (fleet) check.option('--tag <tag>', 'only the tenants carrying this tag')
  else targetOptions(check)
  alertOptions(check)
    .addHelpText('after', CHECK_HELP)
    .action(async (opts: ScheduleCheckOptions, cmd: Command) => {
      const { check: run } = await import('./schedule.run.js')
      await run(fleet ? { ...opts, fleet: true } : opts, cmd)
    })
  parent
    .command('list')
    .description('the monitor schedules, with their cron and what they watch')
    .option('--json', 'print them as JSON')
    .action(async (opts: ScheduleListOptions, cmd: Command) => {
      const { list } = await import('./schedule.run.js')
      await list(opts, cmd)
    })
  parent
    .command('remove <name>')
    .description('remove a monitor schedule')
    .option('--json', 'print the result as JSON')
    .action(async (name: string, opts: ScheduleListOptions, cmd: Command) => {
      const { remove } = await import('./schedule.run.js')
      await remove(name, opts, cmd)
    })
}

/** `passage schedule ...`. */
export function registerScheduleCommand(program: Command): void {
  addScheduleCommands(
    program
      .command('schedule')
      .description('monitor passes on a schedule (cron), run by `passage worker`'),
    false,
  )
}

/** `passage fleet schedule ...` (under the fleet command). */
export function registerFleetScheduleCommand(fleet: Command): void {
  addScheduleCommands(
    fleet
      .command('schedule')
      .description('monitor the fleet on a schedule (cron), run by `passage worker`'),
    true,
  )
}
