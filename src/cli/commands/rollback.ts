import type { Command } from 'commander'

/** The options of `passage rollback`. */
export interface RollbackOptions {
  tenant?: string
  yes?: boolean
  json?: boolean
  force?: boolean
}

/** `passage rollback [run]`: undo exactly what an apply changed, from its journal. */
export function registerRollbackCommand(program: Command): void {
  program
    .command('rollback')
    .description('undo what an apply changed, from its journal (default: the last apply)')
    .argument('[run]', 'the apply run id (see passage runs)')
    .option('--tenant <name|guid>', 'a tenant connected before (default: the last one)')
    .option('--yes', 'do not ask for confirmation')
    .option(
      '--force',
      'put prior values back even where someone changed them after apply (default: leave them and report a conflict)',
    )
    .option('--json', 'print the result as JSON')
    // The implementation (the store, sign-in, the journal) loads only when the command runs.
    .action(async (runArg: string | undefined, opts: RollbackOptions, cmd: Command) => {
      const { run } = await import('./rollback.run.js')
      await run(runArg, opts, cmd)
    })
}
