import type { Command } from 'commander'

/** The options of `passage sandbox`. */
export interface SandboxCliOptions {
  port: string
  host: string
  tenants?: string
  state?: string
  latency?: string
  faults?: string
  seed?: string
  json?: boolean
  log?: boolean
  preEnrolled?: boolean
  appDir?: string
}

/** `passage sandbox`: runs the local Microsoft 365 emulator until interrupted. */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description(
      'run a local emulator of Exchange Online, Entra ID sign-in and Microsoft Graph over HTTPS on loopback, with seeded demo tenants',
    )
    .option('--port <n>', 'TCP port (0 = any free port)', '0')
    .option('--host <address>', 'loopback address to bind: 127.0.0.1 or ::1', '127.0.0.1')
    .option(
      '--tenants <file|N>',
      'a JSON array of tenant snapshots (format passage.snapshot) to seed instead of the three demo tenants, or a number N: N generated tenants (fleet-0001.onmicrosoft.com...) beside them, with a multi-tenant app for the fleet operator (in memory)',
    )
    .option(
      '--pre-enrolled',
      "with --tenants N: the operator app's service principal is already in Organization Management in every consented tenant, as `passage fleet enrol` leaves it",
    )
    .option(
      '--app-dir <dir>',
      "with --tenants N: where to write the operator app's certificate, key (0600) and tenants.csv (default: a temporary folder removed on exit)",
    )
    .option(
      '--state <file>',
      'keep tenants, mail, certificates and signing keys across restarts: file.db (SQLite) or file.json; certificates go in <file>.d/',
    )
    .option('--latency <ms>', 'added latency for every admin API request, in milliseconds')
    .option(
      '--faults <spec>',
      'deterministic faults, e.g. latency=50,rate429=0.1,budget=20/s,concurrency=4,err5xx=0.05,drop=0.02,slowBody=0.1,cmdlet:Get-TransportRule=ExBDDC58',
    )
    .option(
      '--seed <n>',
      'seed of the fault generator and of generated tenants (same seed, same tenants; same request order, same faults)',
      '1',
    )
    .option('--json', 'print the start-up summary as one JSON line')
    .option('--log', 'log every request to standard error')
    .addHelpText(
      'after',
      '\nThe sandbox prints its URL, its CA certificate (trust it with NODE_EXTRA_CA_CERTS) and the\nsandbox admins you can sign in as, then runs until Ctrl+C (SIGINT) or SIGTERM.',
    )
    // The implementation (the sandbox: fastify, node-forge, the emulator) loads only when the
    // command runs.
    .action(async (opts: SandboxCliOptions) => {
      const { run } = await import('./sandbox.run.js')
      await run(opts)
    })
}
