import type { Kysely } from 'kysely'
import type { Database, DialectName } from './schema.js'

/** What every store module works with: the database, its dialect and the clock. */
export interface StoreContext {
  db: Kysely<Database>
  dialect: DialectName
  /** The current time as an ISO string (injected for tests). */
  now(): string
  /** The current time in milliseconds. */
  nowMs(): number
}
