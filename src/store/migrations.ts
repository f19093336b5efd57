import { Migrator, sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely'
import { PassageError } from '../core/errors/index.js'
import { requestBudgetMigration } from './migration-0006-request-budget.js'
import type { Database, DialectName } from './schema.js'
import { monitorMigration } from './migration-0007-monitor.js'
import { runPurposeMigration } from './migration-0008-run-purpose.js'

/** Names of the migration bookkeeping tables. */
export const MIGRATION_TABLE = 'passage_migration'
const MIGRATION_LOCK_TABLE = 'passage_migration_lock'

type AnyDb = Kysely<unknown>

/** The kinds and statuses migration 1 allows (frozen here: a new value needs a new migration). */
const RUN_KINDS = ['apply', 'rollback', 'check', 'test']
const RUN_STATUSES = ['running', 'done', 'failed', 'interrupted', 'rolled-back']
const STEP_STATUSES = ['done', 'failed', 'not-run', 'rolled-back']

const oneOf = (column: string, values: string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`

/** Version 1: tenants, plans, runs, steps, journal, audit events, leases. */
function initial(dialect: DialectName): Migration {
  return {
    async up(db: AnyDb) {
      // An auto-numbered primary key, spelled the way each engine wants it.
      const idType = dialect === 'postgres' ? 'serial' : 'integer'
      const withId = (b: CreateTableBuilder<string, never>) =>
        b.addColumn('id', idType, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )

      await db.schema
        .createTable('tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('licence', 'text', (c) => c.notNull())
        .addColumn('last_discovered_at', 'text')
        .addColumn('snapshot_json', 'text')
        .execute()

      await db.schema
        .createTable('plans')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('vendor_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('plan_json', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('plans_tenant').on('plans').column('tenant_id').execute()

      await withId(db.schema.createTable('runs'))
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('plan_hash', 'text', (c) => c.references('plans.hash'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addCheckConstraint('runs_kind', oneOf('kind', RUN_KINDS))
        .addCheckConstraint('runs_status', oneOf('status', RUN_STATUSES))
        .execute()
      await db.schema
        .createIndex('runs_tenant_started')
        .on('runs')
        .columns(['tenant_id', 'started_at'])
        .execute()

      await db.schema
        .createTable('steps')
        .addColumn('run_id', 'integer', (c) =>
          c.notNull().references('runs.id').onDelete('cascade'),
        )
        .addColumn('change_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addPrimaryKeyConstraint('steps_pk', ['run_id', 'change_id'])
        .addCheckConstraint('steps_status', oneOf('status', STEP_STATUSES))
        .execute()

      await withId(db.schema.createTable('journal'))
        .addColumn('run_id', 'integer', (c) =>
          c.notNull().references('runs.id').onDelete('cascade'),
        )
        .addColumn('change_id', 'text', (c) => c.notNull())
        .addColumn('surface', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('prior_json', 'text')
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('journal_run_change', ['run_id', 'change_id'])
        .execute()

      await withId(db.schema.createTable('audit_events'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('audit_events_tenant')
        .on('audit_events')
        .columns(['tenant_id', 'id'])
        .execute()

      await db.schema
        .createTable('leases')
        .addColumn('tenant_id', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('run_id', 'integer')
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute()
    },
    async down(db: AnyDb) {
      for (const t of ['leases', 'audit_events', 'journal', 'steps', 'runs', 'plans', 'tenants'])
        await db.schema.dropTable(t).execute()
    },
  }
}

/** Version 2: connection profiles (where and how to sign in to a tenant; never secrets). */
const connections: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('connections')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_name', 'text', (c) => c.notNull())
      .addColumn('profile_json', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text', (c) => c.notNull())
      .execute()
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('connections').execute()
  },
}

/** Version 3: keys this installation made for itself (the plan-signing key). */
const localKeys: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('local_keys')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('key_hex', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('local_keys').execute()
  },
}

/**
 * Version 4: what a run was for, so that history is complete without its plan: the vendor (test
 * runs have no plan) and a one-line summary of its outcome ("3 message copies, 2 released").
 */
const runDetails: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('runs').addColumn('vendor_id', 'text').execute()
    await db.schema.alterTable('runs').addColumn('summary', 'text').execute()
  },
  async down(db: AnyDb) {
    await db.schema.alterTable('runs').dropColumn('summary').execute()
    await db.schema.alterTable('runs').dropColumn('vendor_id').execute()
  },
}

/** The fleet's states and actions migration 5 allows (frozen: a new value needs a new migration). */
const FLEET_TENANT_STATES = ['consent-pending', 'enrolled', 'no-access', 'removed']
const FLEET_ACCESS = ['read', 'change']
const FLEET_ACTIONS = ['plan', 'apply', 'check', 'rollback']
const FLEET_ITEM_STATES = [
  'queued',
  'running',
  'done',
  'nothing',
  'refused',
  'no-access',
  'failed',
  'cancelled',
]

/**
 * Version 5: the fleet (issue 15): the operator's app registration (ids and file paths, never its
 * key), enrolled tenants, fleet plans and their per-tenant items. Same types on both engines (text
 * for times and JSON, as the other tables).
 */
const fleet: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('fleet_app')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('thumbprint_sha256', 'text', (c) => c.notNull())
      .addColumn('certificate_file', 'text', (c) => c.notNull())
      .addColumn('endpoints_json', 'text', (c) => c.notNull())
      .addColumn('ca_file', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addCheckConstraint('fleet_app_one_row', oneOf('id', ['app']))
      .execute()

    await db.schema
      .createTable('fleet_tenants')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('tags_json', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('access', 'text', (c) => c.notNull())
      .addColumn('enrolled_at', 'text')
      .addColumn('last_error_code', 'text')
      .addColumn('last_error_message', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addCheckConstraint('fleet_tenants_state', oneOf('state', FLEET_TENANT_STATES))
      .addCheckConstraint('fleet_tenants_access', oneOf('access', FLEET_ACCESS))
      .execute()

    await db.schema
      .createTable('fleet_plans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_json', 'text', (c) => c.notNull())
      .addColumn('selector', 'text', (c) => c.notNull())
      .addColumn('tenant_ids_json', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute()

    await db.schema
      .createTable('fleet_items')
      .addColumn('fleet_plan_id', 'text', (c) =>
        c.notNull().references('fleet_plans.id').onDelete('cascade'),
      )
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('plan_hash', 'text')
      .addColumn('change_key', 'text')
      .addColumn('run_id', 'integer')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('detail_json', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('fleet_items_pk', ['fleet_plan_id', 'tenant_id', 'action'])
      .addCheckConstraint('fleet_items_action', oneOf('action', FLEET_ACTIONS))
      .addCheckConstraint('fleet_items_state', oneOf('state', FLEET_ITEM_STATES))
      .execute()
    await db.schema
      .createIndex('fleet_items_plan_action')
      .on('fleet_items')
      .columns(['fleet_plan_id', 'action', 'state'])
      .execute()
  },
  async down(db: AnyDb) {
    for (const t of ['fleet_items', 'fleet_plans', 'fleet_tenants', 'fleet_app'])
      await db.schema.dropTable(t).execute()
  },
}

/** Every migration, by version name; append new ones, never edit released ones. */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_connections': connections,
    '0003_local_keys': localKeys,
    '0004_run_details': runDetails,
    '0005_fleet': fleet,
    '0006_request_budget': requestBudgetMigration(dialect),
    '0007_monitor': monitorMigration(),
    '0008_run_purpose': runPurposeMigration(),
  }
}

/** PostgreSQL's current schema, where unqualified CREATE TABLE puts tables. */
async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  )
  const schema = rows[0]?.schema
  if (!schema)
    throw new PassageError(
      'PASSAGE_E_STORE_OPEN',
      "The database has no schema to create passage's tables in (search_path names none that exists).",
    )
  return schema
}

/** Whether a migration failed because a schema vanished under a catalogue query (3F000). */
function otherSchemaVanished(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === '3F000' &&
    /^schema ".*" does not exist$/.test(String((error as { message?: unknown }).message))
  )
}

/** Brings the schema to the latest version; a no-op when it is already there. */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: DialectName,
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // On PostgreSQL, name the schema the tables go to (the first of search_path): otherwise the
    // migrator would take bookkeeping tables in another schema of the database for ours.
    ...(dialect === 'postgres' ? { migrationTableSchema: await currentSchema(db) } : {}),
  })
  // Kysely's migrator looks for its tables through a catalogue query over every schema of the
  // database (has_schema_privilege on each name); a schema someone else drops at that moment
  // fails that query with 3F000 naming *their* schema. Nothing of ours was touched: try again.
  const attempt = () =>
    migrator.migrateToLatest().catch((e: unknown) => ({ error: e, results: undefined }))
  let { error, results } = await attempt()
  for (let tries = 1; tries < 10 && otherSchemaVanished(error); tries++)
    ({ error, results } = await attempt())
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : String(error)
    if (/missing|corrupted/i.test(message))
      throw new PassageError(
        'PASSAGE_E_STORE_CORRUPT',
        `The store's schema is not one this version of passage knows: ${message}`,
        { cause: error },
      )
    throw error
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
