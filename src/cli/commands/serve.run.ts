/** `passage serve`: the implementation, loaded when the command runs (see ./serve.ts). */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { PassageError } from '../../core/errors/index.js'
import type { ServeOptions } from './serve.js'

/** The server's entry point beside this build (dist/server/main.js). */
export function serverEntry(): string {
  return fileURLToPath(new URL('../../server/main.js', import.meta.url))
}

/** The server's arguments for these options. */
export function serveArgs(opts: ServeOptions, db: string | undefined): string[] {
  return [
    ...(opts.sandbox ? ['--sandbox'] : []),
    ...(opts.fleet ? ['--fleet'] : []),
    ...(opts.port !== undefined ? ['--port', opts.port] : []),
    ...(opts.host ? ['--host', opts.host] : []),
    ...(opts.tlsCert ? ['--tls-cert', opts.tlsCert] : []),
    ...(opts.tlsKey ? ['--tls-key', opts.tlsKey] : []),
    ...(opts.log ? ['--log'] : []),
    ...(opts.json ? ['--json'] : []),
    ...(opts.database ? ['--db', opts.database] : db ? ['--db', db] : []),
  ]
}

/** Runs the wizard's server as a child process until it ends. */
export async function run(opts: ServeOptions, cmd: Command): Promise<void> {
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
    child.on('exit', (c, signal) => res(c ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1)))
  })
  process.off('SIGINT', onInt)
  process.off('SIGTERM', onTerm)
  // A clean stop on Ctrl+C is success; any other failure is the server's exit code.
  if (code !== 0 && code !== 130) process.exit(code)
}
