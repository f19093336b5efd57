/**
 * `passage serve`: the web wizard. The server is a separate entry point (dist/server/main.js):
 * nothing imports it, so this command runs it as a child process with the same Node, passing the
 * options through, forwarding Ctrl+C / SIGTERM, and exiting with its exit code.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { PassageError } from '../../core/errors/index.js'

interface ServeOptions {
  sandbox?: boolean
  port?: string
  host?: string
  tlsCert?: string
  tlsKey?: string
  log?: boolean
}

/** The server's entry point beside this build (dist/server/main.js). */
export function serverEntry(): string {
  return fileURLToPath(new URL('../../server/main.js', import.meta.url))
}

/** The server's arguments for these options. */
export function serveArgs(opts: ServeOptions, db: string | undefined): string[] {
  return [
    ...(opts.sandbox ? ['--sandbox'] : []),
    ...(opts.port !== undefined ? ['--port', opts.port] : []),
    ...(opts.host ? ['--host', opts.host] : []),
    ...(opts.tlsCert ? ['--tls-cert', opts.tlsCert] : []),
    ...(opts.tlsKey ? ['--tls-key', opts.tlsKey] : []),
    ...(opts.log ? ['--log'] : []),
    ...(db ? ['--db', db] : []),
  ]
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the web wizard on 127.0.0.1 and print its address (with an access token)')
    .option('--sandbox', 'run against an embedded sandbox tenant instead of Microsoft 365')
    .option('--port <n>', 'port to listen on (default: any free port)')
    .option(
      '--host <host>',
      'address to listen on; beyond loopback it needs --tls-cert and --tls-key',
    )
    .option('--tls-cert <pem>', 'TLS certificate file (PEM)')
    .option('--tls-key <pem>', 'TLS private key file (PEM)')
    .option('--log', 'log requests to standard error')
    .action(async (opts: ServeOptions, cmd: Command) => {
      const entry = serverEntry()
      if (!existsSync(entry))
        throw new PassageError('PASSAGE_E_FILE', `The wizard's server is not built (${entry}).`, {
          hint: 'Run `npm run build` first.',
        })
      const db = cmd.optsWithGlobals<{ db?: string }>().db
      const child = spawn(process.execPath, [entry, ...serveArgs(opts, db)], { stdio: 'inherit' })
      const forward = (signal: NodeJS.Signals) => () => {
        child.kill(signal)
      }
      const onInt = forward('SIGINT')
      const onTerm = forward('SIGTERM')
      process.on('SIGINT', onInt)
      process.on('SIGTERM', onTerm)
      const code = await new Promise<number>((res) => {
        child.on('error', () => res(1))
        child.on('exit', (c, signal) =>
          res(c ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1)),
        )
      })
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      // A clean stop on Ctrl+C is success; any other failure is the server's exit code.
      if (code !== 0 && code !== 130) process.exit(code)
    })
}
