import type { Command } from 'commander'

/** The options of `passage check`. */
export interface CheckOptions {
  plan?: string
  tenant?: string
  json?: boolean
}

/** `passage check`: verify a plan (default: the last applied) is in effect. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description(
      'read the tenant back and verify a plan is in effect (default: the last applied one)',
    )
    .option('--plan <file>', 'the plan to check')
    .option('--tenant <name|guid>', 'a tenant connected before (default: the plan’s, or the last)')
    .option('--json', 'print the result as JSON')
    // The implementation (the store, sign-in, the checker) loads only when the command runs.
    .action(async (opts: CheckOptions, cmd: Command) => {
      const { run } = await import('./check.run.js')
      await run(opts, cmd)
    })
}
