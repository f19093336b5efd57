import type { Command } from 'commander'

/** The options of `passage report`. */
export interface ReportOptions {
  tenant?: string
  fleet?: boolean
  format?: string
  out?: string
  json?: boolean
  scubagear?: string
  scubagearAs?: string
  maester?: string
  acceptUntil?: string
}

/** `passage report`: what passage changed, the risk accepted, and the scanners' exceptions. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'what passage changed for which vendor, the risk accepted per change and the baseline checks it trips, with risk-acceptance files for ScubaGear and Maester',
    )
    .option('--tenant <name|guid>', 'report on this tenant')
    .option('--fleet', 'report on every tenant enrolled in the fleet')
    .option('--format <md|html|json>', 'the report’s format', 'md')
    .option('--out <file>', 'write the report to this file (default: standard output)')
    .option('--json', 'print the report’s JSON document on standard output')
    .option(
      '--scubagear <file>',
      'write a ScubaGear configuration that omits (or annotates) each tripped policy, with the rationale and an expiry; with --fleet, a folder (one file per tenant)',
    )
    .option('--scubagear-as <omit|annotate>', 'OmitPolicy or AnnotatePolicy entries', 'omit')
    .option(
      '--maester <file>',
      'write a script running Maester without the accepted tests until their dates (Maester has no per-test exception of its own); with --fleet, a folder',
    )
    .option(
      '--accept-until <yyyy-mm-dd>',
      'the last day the risk is accepted (default: the vendor’s Tenant Allow/Block List expiry, else 90 days)',
    )
    // The implementation (the store, the renderers) loads only when the command runs.
    .action(async (opts: ReportOptions, cmd: Command) => {
      const { run } = await import('./report.run.js')
      await run(opts, cmd)
    })
}
