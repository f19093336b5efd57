import { Option, type Command } from 'commander'
import { collect } from '../options.js'

/** The options of `passage plan`. */
export interface PlanOptions {
  tenantSnapshot?: string
  tenant?: string
  protect?: string
  mechanism: string
  param: string[]
  presetException?: string[]
  vendorFile?: string
  out?: string
  powershell?: string
  json?: boolean
  now?: string
  resign?: string
  yes?: boolean
}

/** `passage plan <vendor> --tenant-snapshot <file> ...`. */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      'plan the safest changes that let a vendor through, with their risks and the equivalent PowerShell',
    )
    .argument(
      '[vendor]',
      "vendor id (see passage vendors), or 'custom' with --param or --vendor-file",
    )
    .option(
      '--tenant-snapshot <file>',
      'tenant snapshot JSON (see examples/), or - for standard input',
    )
    .option(
      '--tenant <name|guid>',
      'plan against a connected tenant as it is now (discovered fresh) instead of a snapshot file',
    )
    .option(
      '--protect <list>',
      'comma-separated protections to adjust (default: what the vendor recommends)',
    )
    .option(
      '--mechanism <mode>',
      'recommended (least risky that works) or recipe (the vendor’s own)',
      'recommended',
    )
    .option('--param <key=value>', 'a vendor parameter (repeatable)', collect, [])
    .option(
      '--preset-exception <preset>',
      'standard or strict: take the people that preset covers out of it, so the planned changes reach them too (high risk: they lose the preset’s protection for all their mail; repeatable)',
      collect,
      [],
    )
    .option('--vendor-file <file>', 'a vendor profile (YAML or JSON) for a custom service')
    .option('--out <file>', 'write the plan JSON to a file')
    .option(
      '--powershell <file>',
      'write the equivalent PowerShell script to a file, or - for standard output',
    )
    .option('--json', 'print the plan as JSON')
    .option(
      '--resign <file>',
      'review a plan file made on another machine (or edited) and sign it with this installation’s key, so that apply accepts it here',
    )
    .option('--yes', 'with --resign: sign without asking')
    .addOption(new Option('--now <iso>', 'plan as of this time (reproducible plans)').hideHelp())
    .addHelpText(
      'after',
      `
--out writes the plan signed with a key this installation keeps in its store: passage apply
refuses a plan file that was edited or made elsewhere. To pass a plan between machines, plan where
you apply (passage plan --tenant ...), or review it there and run: passage plan --resign <file>

When a Standard or Strict preset security policy covers some recipients, the plan says who stays
unchanged and what Microsoft allows for them. --preset-exception standard (or strict) adds them to
that preset's exceptions (Set-EOPProtectionPolicyRule / Set-ATPProtectionPolicyRule) so the plan's
policy changes reach them too: they then lose the preset's protection for all their mail. passage
never chooses this for you; undo puts the preset's exceptions back as they were.`,
    )
    // The implementation (the planner; the store and sign-in for --tenant, --out and --resign)
    // loads only when the command runs.
    .action(async (vendor: string | undefined, opts: PlanOptions, cmd: Command) => {
      const { run } = await import('./plan.run.js')
      await run(vendor, opts, cmd)
    })
}
