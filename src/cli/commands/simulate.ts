import type { Command } from 'commander'
import { collect } from '../options.js'

/** The options of `passage simulate`. */
export interface SimulateOptions {
  tenantSnapshot: string
  plan?: string
  message?: string
  detection: string[]
  recipient: string[]
  protect?: string
  mechanism: string
  param: string[]
  presetException?: string[]
  vendorFile?: string
  json?: boolean
  now?: string
}

/** Registers `passage simulate`. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      "show where a vendor's typical messages land now and after a plan, without touching the tenant",
    )
    .argument('<vendor>', "vendor id from 'passage vendors', or custom with --vendor-file")
    .requiredOption('--tenant-snapshot <file>', 'tenant snapshot JSON (or - for standard input)')
    .option('--plan <file>', 'a plan made by passage plan --out (default: plan now, not saved)')
    .option(
      '--message <file>',
      'test message JSON (one or an array) instead of the typical messages',
    )
    .option(
      '--detection <kind>',
      'what the filters find: none, spam, high-confidence-spam, bulk:<0-9>, phish, high-confidence-phish, malware, spoof, impersonation (repeatable)',
      collect,
      [],
    )
    .option('--recipient <address>', 'recipient address (repeatable)', collect, [])
    .option('--protect <list>', 'without --plan: comma-separated protections to plan')
    .option('--mechanism <mode>', 'without --plan: recommended or recipe', 'recommended')
    .option('--param <key=value>', 'vendor parameter (repeatable)', collect, [])
    .option(
      '--preset-exception <preset>',
      'without --plan: standard or strict, take the people that preset covers out of it so the planned changes reach them (high risk; repeatable)',
      collect,
      [],
    )
    .option('--vendor-file <file>', 'a custom vendor profile (YAML or JSON)')
    .option('--json', 'print the result as JSON')
    .option('--now <iso>', 'evaluation time (for reproducible output)')
    // The implementation (the planner and the evaluator) loads only when the command runs.
    .action(async (vendor: string, o: SimulateOptions) => {
      const { run } = await import('./simulate.run.js')
      run(vendor, o)
    })
}
