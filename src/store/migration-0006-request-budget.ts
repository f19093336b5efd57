/**
 * Version 6: the fleet's shared request budget (issue 15, item 3): one token bucket per app
 * registration, refilled by the database's own clock, from which every worker on every machine
 * leases its requests (request-budget.ts). A rate-limiter row per app, not a queue.
 *
 * On PostgreSQL the clock column is a timestamptz and the numbers double precision, so that the
 * refill is computed in SQL from `clock_timestamp()`; SQLite (one machine) gets the same table
 * with its own types, unused there (its workers keep an in-process bucket).
 */
import type { Kysely, Migration } from 'kysely'
import type { DialectName } from './schema.js'

/** The table's name. */
export const REQUEST_BUDGET_TABLE = 'fleet_request_budget'

/** The migration `0006_request_budget`. */
export function requestBudgetMigration(dialect: DialectName): Migration {
  const pg = dialect === 'postgres'
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(REQUEST_BUDGET_TABLE)
        .addColumn('app_id', 'text', (c) => c.primaryKey())
        // Tokens left at updated_at (a fraction between refills), the rate a second and the most
        // the bucket holds.
        .addColumn('tokens', pg ? 'double precision' : 'real', (c) => c.notNull())
        .addColumn('rate', pg ? 'double precision' : 'real', (c) => c.notNull())
        .addColumn('burst', pg ? 'double precision' : 'real', (c) => c.notNull())
        .addColumn('updated_at', pg ? 'timestamptz' : 'text', (c) => c.notNull())
        // Tokens the last lease handed out (what the UPDATE ... RETURNING reports back).
        .addColumn('last_lease', 'integer', (c) => c.notNull().defaultTo(0))
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable(REQUEST_BUDGET_TABLE).execute()
    },
  }
}
