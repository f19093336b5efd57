import type { Command } from 'commander'
import { collect } from '../options.js'

/** The options of `passage test`. */
export interface TestOptions {
  param: string[]
  tenant?: string
  since?: string
  release?: boolean
  yes?: boolean
  send?: boolean
  headers?: string
  json?: boolean
}

/** `passage test <vendor>`: what became of the vendor's mail (trace and quarantine). */
export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description("what became of a vendor's mail: message trace and quarantine, with the reason")
    .argument('<vendor>', 'vendor id')
    .option('--param <key=value>', 'a vendor parameter (repeatable)', collect, [])
    .option('--tenant <name|guid>', 'a tenant connected before (default: the last one)')
    .option('--since <when>', 'start of the window: a date or 2h, 3d (default 48h)')
    .option(
      '--release',
      "release the vendor's quarantined spam, bulk and phish (never malware or high-confidence phish), only when sent from the vendor's IPs AND authenticated as its domain; asks first",
    )
    .option('--yes', 'with --release: do not ask for confirmation')
    .option('--send', "sandbox only: send the vendor's typical messages first")
    .option('--headers <file>', 'headers of a delivered message to explain')
    .option('--json', 'print the result as JSON')
    // The implementation (the store, sign-in, trace and quarantine) loads only when the command
    // runs.
    .action(async (vendorId: string, opts: TestOptions, cmd: Command) => {
      const { run } = await import('./test.run.js')
      await run(vendorId, opts, cmd)
    })
}
