import type { Kysely, Migration } from 'kysely'
import { sql } from 'kysely'

/** The states the monitor classifies a tenant's vendor setup into (frozen with this migration). */
const MONITOR_STATES = ['green', 'drifted', 'expiring', 'broken']

/**
 * Version 7: the monitor's last classified state per tenant and vendor (issue 16): the state, a
 * fingerprint of the state and its reasons (what decides whether a new classification alerts),
 * the state before the last change,
 * the plain explanation and fix, and when it was classified, changed and alerted. No secret is
 * ever kept here (webhook secrets and SMTP passwords come from the environment or files).
 */
export function monitorMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('monitor_states')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('vendor', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('previous_state', 'text')
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('explanation', 'text', (c) => c.notNull())
        .addColumn('fix', 'text', (c) => c.notNull())
        .addColumn('reasons_json', 'text', (c) => c.notNull())
        .addColumn('classified_at', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'text', (c) => c.notNull())
        .addColumn('alerted_at', 'text')
        .addPrimaryKeyConstraint('monitor_states_pk', ['tenant_id', 'vendor'])
        .addCheckConstraint(
          'monitor_states_state',
          sql`${sql.ref('state')} in (${sql.join(MONITOR_STATES.map((v) => sql.lit(v)))})`,
        )
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('monitor_states').execute()
    },
  }
}
