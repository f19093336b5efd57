import type { Kysely, Migration } from 'kysely'

/**
 * Version 8: why an apply run was made (issue 16). `renewal` marks the runs that re-create the
 * Tenant Allow/Block List allows an earlier apply made, before they lapse: they are journaled
 * like any apply, but they are not "the tenant's last applied plan" that check, monitor and
 * rollback mean. Null for every run before this migration and for every other run.
 */
export function runPurposeMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').addColumn('purpose', 'text').execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').dropColumn('purpose').execute()
    },
  }
}
