/**
 * `passage fleet <sub>`: many tenants through one multi-tenant app registration. Only names,
 * options and help here (commander): each action imports its implementation when it runs, so the
 * cold start of every other command does not grow (bench/startup.ts).
 */
import type { Command } from 'commander'
import { collect } from '../options.js'
import type * as FleetRun from './fleet.run.js'
import { registerFleetScheduleCommand } from './schedule.js'

/** Options every fleet subcommand may take (besides the program's --db). */
export interface FleetCommonOptions {
  key?: string
  json?: boolean
}

export interface FleetAppSetOptions {
  appId: string
  certificate: string
  sandbox?: string
  ca?: string
  json?: boolean
}
export interface FleetEnrolOptions extends FleetCommonOptions {
  tag: string[]
  readOnly?: boolean
  wait: boolean
}
export interface FleetImportOptions extends FleetCommonOptions {
  prove: boolean
}
export interface FleetListOptions extends FleetCommonOptions {
  tag?: string
}
export interface FleetTagOptions extends FleetCommonOptions {
  add: string[]
  remove: string[]
}
export interface FleetPlanOptions extends FleetCommonOptions {
  tenants?: string
  param: string[]
  protect?: string
  mechanism: string
  presetException: string[]
  workers: string
  wait: boolean
}
export interface FleetApplyOptions extends FleetCommonOptions {
  canary: string
  maxFailures: string
  workers: string
  yes?: boolean
}
export interface FleetWaveOptions extends FleetCommonOptions {
  workers: string
  yes?: boolean
}

type Run = typeof FleetRun

/** Runs one fleet subcommand's implementation (loaded when it runs). */
function act<A extends unknown[]>(
  pick: (m: Run) => (...args: [...A, Command]) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const m = await import('./fleet.run.js')
    // commander passes the arguments, the options, then the command itself.
    const cmd = args[args.length - 1] as Command
    await pick(m)(...(args.slice(0, -1) as A), cmd)
  }
}

const WORKERS_HELP =
  'in-process worker loops per action (default 2; 0: only queue the jobs, for `passage worker` on other machines)'

/** `passage fleet ...`. */
export function registerFleetCommand(program: Command): void {
  const fleet = program
    .command('fleet')
    .description(
      'plan, apply, check and roll back a vendor across many tenants (PostgreSQL, job queue, app-only access)',
    )
    .option(
      '--key <file>',
      "the app certificate's private key (else PASSAGE_FLEET_KEY_FILE or PASSAGE_FLEET_KEY); never stored",
    )
    .addHelpText(
      'after',
      `
The database: --db <postgres-url>, else PASSAGE_FLEET_DB, else an embedded PostgreSQL server in
passage's data folder (Unix socket only; \`passage fleet db status|stop\`).

Quick start:
  passage fleet app set --app-id <id> --certificate app.pem
  passage fleet import tenants.csv            (or: passage fleet enrol contoso.onmicrosoft.com)
  passage fleet plan trustifi --tenants all
  passage fleet apply fp-1a2b3c4d --canary 2 --max-failures 10%
  passage fleet status
  passage fleet rollback fp-1a2b3c4d`,
    )

  const app = fleet.command('app').description("the operator's multi-tenant app registration")
  app
    .command('set')
    .description('record the app id and its certificate (the private key is never stored)')
    .requiredOption('--app-id <id>', 'the application (client) id')
    .requiredOption('--certificate <pem>', 'the certificate registered on the app (PEM)')
    .option('--sandbox <url>', "a sandbox's base URL instead of Microsoft 365")
    .option('--ca <pem>', "the sandbox's CA certificate")
    .option('--json', 'print the result as JSON')
    .action(act<[FleetAppSetOptions]>((m) => m.appSet))
  app
    .command('show')
    .description('show the recorded app registration')
    .option('--json', 'print it as JSON')
    .action(act<[FleetCommonOptions]>((m) => m.appShow))

  fleet
    .command('enrol')
    .description(
      "add a tenant: its admin grants consent, then one device code grants the app's Exchange role",
    )
    .argument('<tenant>', 'tenant id (GUID) or name (contoso.onmicrosoft.com)')
    .option('--tag <tag>', 'a tag for selecting tenants (repeatable)', collect, [])
    .option(
      '--read-only',
      'grant View-Only Organization Management (check only) instead of Organization Management',
    )
    .option('--no-wait', 'print the consent URL and stop (run enrol again after consent)')
    .option('--json', 'print the tenant as JSON')
    .action(act<[string, FleetEnrolOptions]>((m) => m.enrol))

  fleet
    .command('import')
    .description('add tenants already consented from a CSV (tenant,name,tags; tags separated by ;)')
    .argument('<csv>', 'the CSV file')
    .option('--no-prove', 'record them without proving app-only access first')
    .option('--json', 'print the result as JSON')
    .action(act<[string, FleetImportOptions]>((m) => m.importCsv))

  fleet
    .command('list')
    .description("the fleet's tenants")
    .option('--tag <tag>', 'only tenants with this tag')
    .option('--json', 'print them as JSON')
    .action(act<[FleetListOptions]>((m) => m.list))

  fleet
    .command('tag')
    .description("change a tenant's tags")
    .argument('<tenant>', 'tenant id or name')
    .option('--add <tag>', 'add a tag (repeatable)', collect, [])
    .option('--remove <tag>', 'remove a tag (repeatable)', collect, [])
    .option('--json', 'print the tenant as JSON')
    .action(act<[string, FleetTagOptions]>((m) => m.tag))

  fleet
    .command('remove')
    .description('take a tenant out of the fleet (its history stays; consent is not revoked)')
    .argument('<tenant>', 'tenant id or name')
    .option('--json', 'print the result as JSON')
    .action(act<[string, FleetCommonOptions]>((m) => m.remove))

  fleet
    .command('plan')
    .description('plan a vendor for many tenants: one frozen plan per tenant, grouped by change')
    .argument('<vendor>', 'vendor id (see passage vendors)')
    .requiredOption(
      '--tenants <selector>',
      'all, tag:<tag>, file:<path> (one id or name a line), or a,b,c',
    )
    .option('--param <key=value>', 'a vendor parameter (repeatable)', collect, [])
    .option(
      '--protect <list>',
      'comma-separated protections to adjust (default: what the vendor recommends)',
    )
    .option('--mechanism <mode>', 'recommended or recipe', 'recommended')
    .option(
      '--preset-exception <preset>',
      'standard or strict: take the people that preset covers out of it (high risk; repeatable)',
      collect,
      [],
    )
    .option('--workers <n>', WORKERS_HELP, '2')
    .option('--no-wait', 'queue the plan jobs and print the fleet plan id')
    .option('--json', 'print the summary as JSON')
    .action(act<[string, FleetPlanOptions]>((m) => m.plan))

  fleet
    .command('apply')
    .description(
      'apply a fleet plan: a canary wave, then the rest; each tenant applied then checked',
    )
    .argument('<fleet-plan>', 'the fleet plan id (fp-...)')
    .option('--canary <n>', 'tenants in the canary wave (first by name); 0: no canary', '2')
    .option(
      '--max-failures <pct>',
      'stop when more than this share of finished tenants failed',
      '10%',
    )
    .option('--workers <n>', WORKERS_HELP, '2')
    .option('--yes', 'apply without asking')
    .option('--json', 'print the result as JSON')
    .action(act<[string, FleetApplyOptions]>((m) => m.apply))

  fleet
    .command('check')
    .description('check every tenant the fleet plan applied')
    .argument('<fleet-plan>', 'the fleet plan id')
    .option('--workers <n>', WORKERS_HELP, '2')
    .option('--json', 'print the result as JSON')
    .action(act<[string, FleetWaveOptions]>((m) => m.check))

  fleet
    .command('rollback')
    .description('undo the fleet plan in every tenant it applied')
    .argument('<fleet-plan>', 'the fleet plan id')
    .option('--workers <n>', WORKERS_HELP, '2')
    .option('--yes', 'roll back without asking')
    .option('--json', 'print the result as JSON')
    .action(act<[string, FleetWaveOptions]>((m) => m.rollback))

  fleet
    .command('status')
    .description('the fleet at a glance: state, last plan, applied, check, TABL expiry, errors')
    .option('--tag <tag>', 'only tenants with this tag')
    .option('--json', 'print it as JSON')
    .action(act<[FleetListOptions]>((m) => m.status))

  registerFleetScheduleCommand(fleet)

  const db = fleet.command('db').description('the embedded PostgreSQL server')
  db.command('status')
    .description('is the embedded server running, and where')
    .option('--json', 'print it as JSON')
    .action(act<[FleetCommonOptions]>((m) => m.dbStatus))
  db.command('stop')
    .description('stop the embedded server')
    .option('--json', 'print the result as JSON')
    .action(act<[FleetCommonOptions]>((m) => m.dbStop))
}
