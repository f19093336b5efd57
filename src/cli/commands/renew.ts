/**
 * `passage renew`: re-creates, before they lapse, the Tenant Allow/Block List allows passage
 * created in a tenant (issue 16). Only names, options and help here; the implementation loads when
 * it runs.
 */
import type { Command } from 'commander'

/** The options of `passage renew`. */
export interface RenewOptions {
  tenant?: string
  withinDays: string
  dryRun?: boolean
  powershell?: string
  json?: boolean
}

/** `passage renew ...`. */
export function registerRenewCommand(program: Command): void {
  program
    .command('renew')
    .description(
      'renew the allow entries passage created that lapse soon (re-created as they are, journaled)',
    )
    .option('--tenant <name|guid>', 'a tenant connected before (default: the last)')
    .option('--within-days <n>', 'renew the entries that lapse within this many days', '7')
    .option('--dry-run', 'say what would be renewed, and how; change nothing')
    .option(
      '--powershell <file>',
      "write the renewal's equivalent PowerShell to a file (- for stdout)",
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
passage creates its sender and URL allows "kept until 45 days after last use". No cmdlet restarts
those 45 days, so an allow about to lapse is removed and created again with the same value, expiry
and notes: nothing wider, nothing new. The renewal is applied like any plan (lease, drift refusal,
journal; \`passage runs\` lists it) but it is not the tenant's last applied plan: check, monitor and
rollback still mean the vendor's plan. Never renewed, and said why: entries passage did not create,
blocks, and entries whose expiry someone changed to a date. \`passage monitor --renew\` and
\`passage schedule check --renew\` renew on every pass.
Exit codes: 0 every entry that lapses soon renewed (or none), 3 an entry left or the renewal failed,
2 invalid input.`,
    )
    .action(async (opts: RenewOptions, cmd: Command) => {
      const { run } = await import('./renew.run.js')
      await run(opts, cmd)
    })
}
