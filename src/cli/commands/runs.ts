import type { Command } from 'commander'

/** The options of `passage runs`. */
export interface RunsOptions {
  tenant?: string
  json?: boolean
}

/** `passage runs`: the runs recorded in the store. */
export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('list apply, check, rollback and test runs')
    .option('--tenant <name|guid>', 'only this tenant')
    .option('--json', 'print the runs as JSON')
    // The implementation (the store) loads only when the command runs.
    .action(async (opts: RunsOptions, cmd: Command) => {
      const { run } = await import('./runs.run.js')
      await run(opts, cmd)
    })
}
