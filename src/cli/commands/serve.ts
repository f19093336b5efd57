/**
 * `passage serve`: the web wizard. The server is a separate entry point (dist/server/main.js):
 * nothing imports it, so this command runs it as a child process with the same Node, passing the
 * options through, forwarding Ctrl+C / SIGTERM, and exiting with its exit code.
 */
import type { Command } from 'commander'

/** The options of `passage serve`. */
export interface ServeOptions {
  sandbox?: boolean
  /** Serve the fleet dashboard too. */
  fleet?: boolean
  /** The fleet's database (a postgres:// URL, or a SQLite file to read only). */
  database?: string
  port?: string
  host?: string
  tlsCert?: string
  tlsKey?: string
  log?: boolean
  json?: boolean
}

/** `passage serve`: the web wizard, as a child process. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the web wizard on 127.0.0.1 and print its address (with an access token)')
    .option('--sandbox', 'run against an embedded sandbox tenant instead of Microsoft 365')
    .option('--fleet', 'serve the fleet dashboard too (tenants, counts, expiry, fleet actions)')
    .option(
      '--database <url>',
      "with --fleet: the fleet's database (default: PASSAGE_FLEET_DB, else the embedded PostgreSQL)",
    )
    .option('--port <n>', 'port to listen on (default: any free port)')
    .option(
      '--host <host>',
      'address to listen on; beyond loopback it needs --tls-cert and --tls-key',
    )
    .option('--tls-cert <pem>', 'TLS certificate file (PEM)')
    .option('--tls-key <pem>', 'TLS private key file (PEM)')
    .option('--log', 'log requests to standard error')
    .option('--json', 'print the address as one JSON line ({ ok, url, sandbox, sandboxTenants })')
    .action(async (opts: ServeOptions, cmd: Command) => {
      const { run } = await import('./serve.run.js')
      await run(opts, cmd)
    })
}
