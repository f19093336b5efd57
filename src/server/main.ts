#!/usr/bin/env node
/**
 * The wizard's server entry point (`passage serve` runs it as a child process). Opens the store,
 * starts the embedded sandbox with --sandbox, listens on loopback (or --host with TLS), and prints
 * one URL carrying a fresh random access token in its fragment.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isPassageError } from '../core/errors/index.js'
import { startSandbox, type RunningSandbox } from '../sandbox/index.js'
import {
  isPostgresUrl,
  openQueue,
  openStore,
  resolveFleetDatabase,
  type JobQueue,
} from '../store/index.js'
import { buildServer } from './app.js'
import { parseServeArgs } from './args.js'
import { terminalSafe, toApiError } from './errors.js'
import { closeState, createState } from './state.js'

/** web/dist, from dist/server/main.js or src/server/main.ts. */
function webRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates = [resolve(here, '../../web/dist'), resolve(process.cwd(), 'web/dist')]
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[0]!
}

async function main(argv: string[]): Promise<number> {
  const args = parseServeArgs(argv)
  let sandbox: RunningSandbox | null = null
  if (args.sandbox) sandbox = await startSandbox({ port: 0 })
  // --fleet: the fleet's database (--db, else PASSAGE_FLEET_DB, else the embedded PostgreSQL, as
  // `passage fleet` finds it) is the store; a SQLite file is read only (no job queue).
  const fleetLocation = args.fleet
    ? (args.db ??
      (
        await resolveFleetDatabase({
          env: process.env,
          onProgress: (line) => process.stderr.write(`${terminalSafe(line)}\n`),
        })
      ).url)
    : null
  // With the sandbox and no --db, the history lives in memory: nothing is left behind.
  const store = await openStore(
    fleetLocation ??
      args.db ??
      (process.env.PASSAGE_DB || undefined) ??
      (args.sandbox ? ':memory:' : undefined),
  )
  let queue: JobQueue | null = null
  if (fleetLocation) {
    if (isPostgresUrl(fleetLocation))
      queue = await openQueue(fleetLocation, {
        onError: (e) => process.stderr.write(`job queue: ${terminalSafe(e.message)}\n`),
      })
  }
  const state = createState(store, sandbox)
  const token = randomBytes(32).toString('base64url')
  const https =
    args.tlsCert && args.tlsKey
      ? { cert: readFileSync(args.tlsCert, 'utf8'), key: readFileSync(args.tlsKey, 'utf8') }
      : undefined
  const app = buildServer({
    state,
    token,
    webRoot: webRoot(),
    logger: args.log,
    host: args.host,
    ...(https ? { https } : {}),
    ...(fleetLocation
      ? {
          fleet: {
            store,
            // The store carries the dashboard's reads (store/fleet-dashboard.ts).
            dashboard: store,
            queue,
            actor: `${userInfo().username}@${hostname()} (fleet dashboard)`,
          },
        }
      : {}),
  })
  await app.listen({ port: args.port, host: args.host })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : args.port
  const host = args.host.includes(':') ? `[${args.host}]` : args.host
  const url = `${https ? 'https' : 'http'}://${host}:${port}/#token=${token}`
  const tenants = sandbox ? sandbox.world.tenants.map((t) => t.snapshot.tenant.name) : null
  if (args.json)
    // One line a script can read for the address; the server keeps running after it.
    process.stdout.write(
      `${JSON.stringify({ ok: true, url, sandbox: tenants !== null, sandboxTenants: tenants, fleet: args.fleet })}\n`,
    )
  else {
    if (tenants) process.stderr.write(`Sandbox tenants: ${tenants.join(', ')}\n`)
    process.stdout.write(`Passage wizard: ${url}\n`)
    process.stderr.write('Open it in your browser. Press Ctrl+C to stop.\n')
  }
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    // Never hang on the way out (an open sign-in poll or keep-alive connection).
    setTimeout(() => process.exit(0), 3000).unref()
    closeState(state)
    await app.close().catch(() => undefined)
    await queue?.stop({ graceful: true, timeoutMs: 2000 }).catch(() => undefined)
    await store.close().catch(() => undefined)
    await sandbox?.close().catch(() => undefined)
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
  // Started by `passage serve`: stop when that process is gone (it can no longer stop us).
  const parent = process.ppid
  setInterval(() => {
    if (process.ppid !== parent) void stop()
  }, 2000).unref()
  return -1
}

try {
  const code = await main(process.argv.slice(2))
  if (code >= 0) process.exitCode = code
} catch (e) {
  // The terminal's words here (the catalogue's hints), not the wizard's.
  const err = isPassageError(e)
    ? { code: e.code, title: e.title, message: terminalSafe(e.message), hint: e.hint }
    : toApiError(e)
  if (process.argv.includes('--json'))
    process.stdout.write(`${JSON.stringify({ ok: false, error: err })}\n`)
  else process.stderr.write(`passage serve: ${err.title}: ${err.message}\n  ${err.hint}\n`)
  // Exit now: an embedded sandbox already started would keep the process alive.
  process.exit(isPassageError(e) && e.kind === 'user' ? 2 : 1)
}
