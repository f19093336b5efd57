import type { Command } from 'commander'
import { collect } from '../options.js'

/** The options of `passage explain`. */
export interface ExplainOptions {
  vendor?: string
  param: string[]
  vendorFile?: string
  json?: boolean
}

/** Registers `passage explain`: what a delivered message's headers say happened to it. */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(
      "explain a delivered message's headers: the tenant's verdict, why, and whether a vendor's setup took effect",
    )
    .argument('<file>', 'a header block or a whole .eml file, or - for standard input')
    .option('--vendor <id>', 'check that this vendor’s configuration took effect')
    .option('--param <key=value>', 'vendor parameter (repeatable)', collect, [])
    .option('--vendor-file <file>', 'a custom vendor profile (YAML or JSON)')
    .option('--json', 'print the analysis as JSON')
    // The implementation (the header analyzer) loads only when the command runs.
    .action(async (file: string, o: ExplainOptions) => {
      const { run } = await import('./explain.run.js')
      await run(file, o)
    })
}
