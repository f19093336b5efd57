import type { Command } from 'commander'

/** The options of `passage apply`. */
export interface ApplyOptions {
  yes?: boolean
  json?: boolean
  concurrency?: string
  vendorFile?: string
}

/** `passage apply <plan.json>`: run a plan against its tenant, with a journal. */
export function registerApplyCommand(program: Command): void {
  program
    .command('apply')
    .description('apply a plan to its tenant (journaled; resumes an interrupted run of it)')
    .argument('<plan>', 'plan JSON file (from passage plan --out, signed by this installation)')
    .option('--yes', 'do not ask for confirmation')
    .option(
      '--vendor-file <file>',
      'the vendor profile the plan was made from, for a vendor outside the catalog',
    )
    .option(
      '--concurrency <n>',
      "changes in flight at once (default: as many as one round of the tenant's request cap carries)",
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Apply runs only plans this installation of passage signed (passage plan --out signs with a key
kept in the store), and derives every cmdlet call from the plan's changes itself: it never runs
calls a plan file lists, and refuses a change passage would not plan for this vendor and tenant.
To apply on another machine, plan there (passage plan --tenant ...), or review the plan file and
sign it there with: passage plan --resign <plan.json>`,
    )
    // The implementation (the store, sign-in, the apply engine) loads only when the command runs.
    .action(async (file: string, opts: ApplyOptions, cmd: Command) => {
      const { run } = await import('./apply.run.js')
      await run(file, opts, cmd)
    })
}
