import { closeSync, openSync } from 'node:fs'
import { homedir } from 'node:os'
import SqliteDatabase from 'better-sqlite3'
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as KyselySqliteDatabase,
  type SqliteStatement,
} from 'kysely'
import pg from 'pg'
import { PassageError } from '../core/errors/index.js'
import { auditStore } from './audit.js'
import { connectionStore } from './connections.js'
import { localKeyStore } from './local-keys.js'
import type { StoreContext } from './context.js'
import { fleetStore } from './fleet.js'
import { fleetDashboardStore } from './fleet-dashboard.js'
import { guardMethods, redactUrl, storeError } from './errors.js'
import { journalStore } from './journal.js'
import { leaseStore } from './lease.js'
import { defaultStoreLocation, ensureDefaultFolder, isPostgresUrl } from './location.js'
import { migrateToLatest } from './migrations.js'
import { monitorStore } from './monitor.js'
import { planStore } from './plans.js'
import { runStore } from './runs.js'
import type { Database, DialectName } from './schema.js'
import { stepStore } from './steps.js'
import type { Store } from './store.js'
import { tenantStore } from './tenants.js'

/** Options of openStore. */
export interface OpenStoreOptions {
  /** The clock (tests pass a fake one); defaults to the system clock. */
  now?: () => Date
}

/** How long SQLite waits for another process's write lock before giving up. */
const SQLITE_BUSY_TIMEOUT_MS = 5000

function openFailed(location: string, e: unknown): PassageError {
  const message = e instanceof Error ? e.message : String(e)
  return new PassageError(
    'PASSAGE_E_STORE_OPEN',
    `Cannot open the store at ${location}: ${message}`,
    { cause: e },
  )
}

/** How many prepared statements a SQLite store keeps (the store issues a few dozen distinct ones). */
export const STATEMENT_CACHE_SIZE = 256

/**
 * better-sqlite3's database as kysely's SqliteDialect sees it, with each prepared statement kept
 * by its SQL text and used again: kysely's SQLite driver prepares every query it runs, which
 * compiles the SQL each time (an apply runs some thirty store queries of a dozen shapes). Values
 * are bound on each run (kysely passes them as parameters, never in the text), so a statement
 * serves every call of its shape. Bounded: past `max` texts the least recently used is let go
 * (queries whose text varies, such as `in (?, ?, ...)` lists, cannot grow it without limit). A
 * statement still iterating (a streamed select not yet drained) is not handed out twice: the
 * caller gets a fresh one. SQLite prepares a kept statement again by itself when the schema
 * changes (sqlite3_prepare_v2), so migrations need no care.
 */
export function withStatementCache(
  database: SqliteDatabase.Database,
  max = STATEMENT_CACHE_SIZE,
): KyselySqliteDatabase {
  const kept = new Map<string, SqliteDatabase.Statement>()
  return {
    close() {
      kept.clear()
      database.close()
    },
    prepare(sql: string): SqliteStatement {
      const hit = kept.get(sql)
      if (hit && !hit.busy) {
        // Most recently used last: Map keeps insertion order.
        kept.delete(sql)
        kept.set(sql, hit)
        return hit
      }
      const statement = database.prepare(sql)
      if (!hit) {
        kept.set(sql, statement)
        if (kept.size > max) kept.delete(kept.keys().next().value!)
      }
      return statement
    },
  }
}

function sqlite(location: string): Kysely<Database> {
  try {
    // Create a new file readable by its owner only (the -wal and -shm files inherit its mode).
    if (location !== ':memory:') closeSync(openSync(location, 'a', 0o600))
    const database = new SqliteDatabase(location)
    database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    database.pragma('foreign_keys = ON')
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`)
    return new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    })
  } catch (e) {
    throw openFailed(location, e)
  }
}

function postgres(url: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 })
  // A client losing its server must not crash the process, idle (the pool's error) or checked
  // out (the client's own error event, which pg emits when the socket fails between queries and
  // nobody listens once the pool has lent it): the query at hand or the next one reports it.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

/** The Kysely instance for a location, not yet migrated (openStore's first half). */
export function connect(location: string): {
  db: Kysely<Database>
  dialect: DialectName
  /** The location as it may be shown (no password). */
  shown: string
} {
  const dialect: DialectName = isPostgresUrl(location) ? 'postgres' : 'sqlite'
  const shown = dialect === 'postgres' ? redactUrl(location) : location
  return { db: dialect === 'postgres' ? postgres(location) : sqlite(location), dialect, shown }
}

/**
 * Opens (creating and migrating as needed) the store at `location`: a SQLite file path,
 * `:memory:`, or a `postgres://` / `postgresql://` URL. Without a location: PASSAGE_DB, else
 * `~/.passage/passage.db` (the folder is created with mode 0700). Throws PASSAGE_E_STORE_OPEN when
 * the database cannot be reached, PASSAGE_E_STORE_CORRUPT when its schema is from a newer passage.
 */
export async function openStore(location?: string, opts: OpenStoreOptions = {}): Promise<Store> {
  let where = location
  if (where === undefined) {
    where = defaultStoreLocation(process.env, homedir())
    try {
      ensureDefaultFolder(where, homedir())
    } catch (e) {
      throw openFailed(where, e)
    }
  }
  const { db, dialect, shown } = connect(where)
  try {
    await migrateToLatest(db, dialect)
  } catch (e) {
    await db.destroy().catch(() => {})
    if (e instanceof PassageError) throw e
    const mapped = storeError(e, 'Opening the store')
    throw mapped.code === 'PASSAGE_E_STORE_LOCKED' ? mapped : openFailed(shown, e)
  }
  const clock = opts.now ?? (() => new Date())
  const ctx: StoreContext = {
    db,
    dialect,
    now: () => clock().toISOString(),
    nowMs: () => clock().getTime(),
  }
  let closed = false
  const methods = guardMethods({
    ...tenantStore(ctx),
    ...planStore(ctx),
    ...runStore(ctx),
    ...stepStore(ctx),
    ...journalStore(ctx),
    ...auditStore(ctx),
    ...leaseStore(ctx),
    ...connectionStore(ctx),
    ...localKeyStore(ctx),
    ...fleetStore(ctx),
    ...fleetDashboardStore(ctx),
    ...monitorStore(ctx),
    async close() {
      if (closed) return
      closed = true
      await db.destroy()
    },
  })
  return { ...methods, dialect, location: shown }
}
