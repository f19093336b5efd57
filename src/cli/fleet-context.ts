/**
 * What the commands that work on the fleet share: the program's --db and the fleet's --key, the
 * fleet's store (PostgreSQL: the user's URL, else the embedded server), its app registration and
 * the CA a sandbox app names. Loaded only by those commands.
 */
import type { Command } from 'commander'
import { readText } from '../app/files.js'
import { PassageError } from '../core/errors/index.js'
import type { FleetApp, Store } from '../store/index.js'
import { progress } from './connection.js'

/** The global options a fleet subcommand sees (the program's --db, fleet's --key). */
export function globals(cmd: Command): { db?: string; key?: string } {
  return cmd.optsWithGlobals<{ db?: string; key?: string }>()
}

/** Opens the fleet's store (PostgreSQL) and runs `fn`, closing it afterwards. */
export async function withFleetStore<T>(
  cmd: Command,
  fn: (store: Store, url: string) => Promise<T>,
): Promise<T> {
  const { resolveFleetDatabase, openStore } = await import('../store/index.js')
  const db = await resolveFleetDatabase({
    ...(globals(cmd).db ? { db: globals(cmd).db } : {}),
    env: process.env,
    // First start and start lines only: reusing the running server is the quiet, usual case.
    onProgress: (line: string) => {
      if (!/^reusing/i.test(line)) progress(line)
    },
  })
  const store = await openStore(db.url)
  try {
    return await fn(store, db.url)
  } finally {
    await store.close()
  }
}

/** The fleet's app, or PASSAGE_E_FLEET_APP. */
export async function requireApp(store: Store): Promise<FleetApp> {
  const app = await store.getFleetApp()
  if (!app)
    throw new PassageError('PASSAGE_E_FLEET_APP', 'No app registration is recorded for the fleet.')
  return app
}

/** The sandbox CA's PEM when the app points at a sandbox. */
export function caPemOf(app: FleetApp): string | undefined {
  return app.caFile ? readText(app.caFile) : undefined
}

/** The --key option, when given. */
export function keyFileOpt(cmd: Command): { keyFile?: string } {
  const key = globals(cmd).key
  return key ? { keyFile: key } : {}
}
