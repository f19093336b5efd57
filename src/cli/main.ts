#!/usr/bin/env node
import { Command, CommanderError } from 'commander'
import { registerApplyCommand } from './commands/apply.js'
import { registerCheckCommand } from './commands/check.js'
import { registerConnectCommand } from './commands/connect.js'
import { registerDemoCommand } from './commands/demo.js'
import { registerDiscoverCommand } from './commands/discover.js'
import { registerExplainCommand } from './commands/explain.js'
import { registerFleetCommand } from './commands/fleet.js'
import { registerRollbackCommand } from './commands/rollback.js'
import { registerRunsCommand } from './commands/runs.js'
import { registerTestCommand } from './commands/test.js'
import { registerPlanCommand } from './commands/plan.js'
import { registerReportCommand } from './commands/report.js'
import { registerMonitorCommand } from './commands/monitor.js'
import { registerRenewCommand } from './commands/renew.js'
import { registerScheduleCommand } from './commands/schedule.js'
import { registerSimulateCommand } from './commands/simulate.js'
import { registerSandboxCommand } from './commands/sandbox.js'
import { registerServeCommand } from './commands/serve.js'
import { registerVendorCommands } from './commands/vendors.js'
import { registerWorkerCommand } from './commands/worker.js'
import { reportError } from './output.js'

/**
 * Builds the `passage` command-line program. Each command module registers only its name, options
 * and help (commander and a few constants); its action imports the implementation, the
 * `<name>.run.ts` module beside it, when the command runs. So `passage --help` does not load the
 * store, msal, fastify or the sandbox (review performance-2026-12, cold start), and each command
 * loads only what it uses.
 */
export function buildProgram(): Command {
  const program = new Command()
  program
    .name('passage')
    .description(
      'Let a trusted third-party email service through Microsoft Defender for Office 365, safely, and prove it worked.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .option(
      '--db <path|url>',
      'the store: a SQLite file or a postgres:// URL (default: PASSAGE_DB, else ~/.passage/passage.db)',
    )
    .exitOverride()
  registerVendorCommands(program)
  registerPlanCommand(program)
  registerSimulateCommand(program)
  registerExplainCommand(program)
  registerSandboxCommand(program)
  registerConnectCommand(program)
  registerDiscoverCommand(program)
  registerApplyCommand(program)
  registerCheckCommand(program)
  registerTestCommand(program)
  registerRollbackCommand(program)
  registerRunsCommand(program)
  registerReportCommand(program)
  registerMonitorCommand(program)
  registerRenewCommand(program)
  registerScheduleCommand(program)
  registerDemoCommand(program)
  registerServeCommand(program)
  registerFleetCommand(program)
  registerWorkerCommand(program)
  return program
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
    // A command that ran to its end may still have set its outcome (3: a failed run, ...).
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2
    return reportError(e, argv.includes('--json'))
  }
}

// Output piped into a reader that stops early (`passage ... | head`): end quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw e
  })

process.exitCode = await main(process.argv)
