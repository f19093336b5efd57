import type { Command } from 'commander'

/** The options of `passage discover`. */
export interface DiscoverOptions {
  tenant?: string
  out?: string
  json?: boolean
}

/** `passage discover`: read the connected tenant into a snapshot. */
export function registerDiscoverCommand(program: Command): void {
  program
    .command('discover')
    .description(
      'read the connected tenant: licence, roles, MX routing, every surface, co-managers',
    )
    .option('--tenant <name|guid>', 'a tenant connected before (default: the last one)')
    .option('--out <file>', 'write the snapshot JSON to a file')
    .option('--json', 'print the result as JSON')
    // The implementation (the store, sign-in, the readers) loads only when the command runs.
    .action(async (opts: DiscoverOptions, cmd: Command) => {
      const { run } = await import('./discover.run.js')
      await run(opts, cmd)
    })
}
