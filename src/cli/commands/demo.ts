import { Option, type Command } from 'commander'

/** The options of `passage demo`. */
export interface DemoOptions {
  json?: boolean
  faults?: string
  fleet?: boolean
  tenants?: string
  workers?: string
}

/** `passage demo`: the whole job on an embedded sandbox, undone at the end. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'run the whole job on an embedded sandbox: sign in, discover, plan, apply, check, test, roll back',
    )
    .option('--json', 'print the events as JSON lines')
    .option(
      '--fleet',
      'the fleet flow instead: generated tenants on an embedded PostgreSQL with worker processes (enrol, plan, canary, apply, check, roll back)',
    )
    .option('--tenants <n>', 'with --fleet: how many generated tenants (1 to 2000)', '200')
    .option('--workers <n>', 'with --fleet: how many worker processes (1 to 8)', '2')
    .addOption(
      new Option(
        '--faults <spec>',
        "the embedded sandbox's fault spec (see passage sandbox --help), to watch a failing run",
      ).hideHelp(),
    )
    // The implementation (the embedded sandbox, the whole product) loads only when the command runs.
    .action(async (opts: DemoOptions) => {
      if (opts.fleet) {
        const { runFleetDemoCommand } = await import('./demo-fleet.js')
        await runFleetDemoCommand(opts)
        return
      }
      // The sandbox's three RSA keys (its CA, its server certificate, its token signing) are
      // made on the thread pool while the rest of passage loads, not after it.
      const { warmKeys } = await import('../../sandbox/tls/key-pool.js')
      warmKeys(3)
      const { run } = await import('./demo.run.js')
      await run(opts)
    })
}
