/**
 * The monitor's memory (issue 16): per tenant and vendor, the last classified state and a
 * fingerprint of it and its reasons. A classification alerts only when its fingerprint differs
 * from the one kept (the same drift alerts once; a different drift, or the way back to green,
 * alerts again). The row changes by compare-and-set on the old fingerprint, so of two monitors
 * classifying the same change at once only one is told it changed. No secret is kept here:
 * explanations, fixes and reasons are refused when they look like a token, password or key.
 */
import type { Selectable } from 'kysely'
import { z } from 'zod'
import type { StoreContext } from './context.js'
import { guardMethods } from './errors.js'
import { fromJsonText, oneOf, toJsonText } from './json.js'
import { migrateToLatest } from './migrations.js'
import { connect } from './open.js'
import type { MonitorStatesTable } from './schema.js'
import { assertNoSecrets } from './secrets.js'

/** Where a tenant's setup for a vendor stands. */
export type MonitorState = 'green' | 'drifted' | 'expiring' | 'broken'
export const MONITOR_STATES: readonly MonitorState[] = ['green', 'drifted', 'expiring', 'broken']

/** A classification as kept. */
export interface MonitorRecord {
  tenantId: string
  vendor: string
  state: MonitorState
  /** The state before the fingerprint last changed (null: none was kept before). */
  previousState: MonitorState | null
  /** A hash of the state and its reasons: equal fingerprints are the same situation. */
  fingerprint: string
  /** The plain explanation of the state. */
  explanation: string
  /** What to do about it. */
  fix: string
  /** One line per reason. */
  reasons: string[]
  /** When this tenant and vendor were last classified. */
  classifiedAt: string
  /** When the fingerprint last changed (the situation began). */
  changedAt: string
  /** When the change was alerted (or found needing none); null while an alert is owed. */
  alertedAt: string | null
}

/** What a classification records. */
export type MonitorInput = Omit<
  MonitorRecord,
  'previousState' | 'classifiedAt' | 'changedAt' | 'alertedAt'
>

/** What recording a classification found. */
export interface MonitorRecorded {
  /** The row before (undefined the first time this tenant and vendor are classified). */
  previous: MonitorRecord | undefined
  /** The row now. */
  current: MonitorRecord
  /** Whether this call changed the fingerprint (false when it was the same, or another won). */
  changed: boolean
}

/** The monitor's part of the store. */
export interface MonitorStore {
  getMonitorState(tenantId: string, vendor: string): Promise<MonitorRecord | undefined>
  /**
   * Records a classification. Same fingerprint: only classifiedAt moves. New fingerprint: the row
   * is replaced, changedAt is now and alertedAt is null (an alert is owed) unless `noAlert`.
   */
  recordMonitorState(input: MonitorInput, opts?: { noAlert?: boolean }): Promise<MonitorRecorded>
  /** Marks the alert of a fingerprint sent; false when the row has moved on since. */
  markMonitorAlerted(tenantId: string, vendor: string, fingerprint: string): Promise<boolean>
  /** Every kept state, by tenant then vendor; with `state`, those in it. */
  listMonitorStates(filter?: { state?: MonitorState }): Promise<MonitorRecord[]>
}

const Reasons = z.array(z.string())

function toRecord(row: Selectable<MonitorStatesTable>): MonitorRecord {
  const what = `monitor state ${row.tenant_id}/${row.vendor}`
  return {
    tenantId: row.tenant_id,
    vendor: row.vendor,
    state: oneOf(MONITOR_STATES, row.state, `${what} state`),
    previousState:
      row.previous_state === null
        ? null
        : oneOf(MONITOR_STATES, row.previous_state, `${what} previous state`),
    fingerprint: row.fingerprint,
    explanation: row.explanation,
    fix: row.fix,
    reasons: fromJsonText(Reasons, row.reasons_json, `${what} reasons`),
    classifiedAt: row.classified_at,
    changedAt: row.changed_at,
    alertedAt: row.alerted_at,
  }
}

/** The monitor module of a store. */
export function monitorStore(ctx: StoreContext): MonitorStore {
  const { db } = ctx
  const get = async (tenantId: string, vendor: string) => {
    const row = await db
      .selectFrom('monitor_states')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('vendor', '=', vendor)
      .executeTakeFirst()
    return row ? toRecord(row) : undefined
  }
  return {
    getMonitorState: get,
    async recordMonitorState(input, opts = {}) {
      const what = `the monitor state of ${input.tenantId}/${input.vendor}`
      assertNoSecrets(
        { explanation: input.explanation, fix: input.fix, reasons: input.reasons },
        what,
      )
      const now = ctx.now()
      const fields = {
        state: input.state,
        fingerprint: input.fingerprint,
        explanation: input.explanation,
        fix: input.fix,
        reasons_json: toJsonText(input.reasons, what),
        classified_at: now,
        changed_at: now,
        alerted_at: opts.noAlert ? now : null,
      }
      const previous = await get(input.tenantId, input.vendor)
      if (!previous) {
        const inserted = await db
          .insertInto('monitor_states')
          .values({
            tenant_id: input.tenantId,
            vendor: input.vendor,
            previous_state: null,
            ...fields,
          })
          .onConflict((oc) => oc.columns(['tenant_id', 'vendor']).doNothing())
          .returning('tenant_id')
          .executeTakeFirst()
        const current = (await get(input.tenantId, input.vendor))!
        return { previous: undefined, current, changed: inserted !== undefined }
      }
      if (previous.fingerprint === input.fingerprint) {
        await db
          .updateTable('monitor_states')
          .set({ classified_at: now })
          .where('tenant_id', '=', input.tenantId)
          .where('vendor', '=', input.vendor)
          .execute()
        return { previous, current: { ...previous, classifiedAt: now }, changed: false }
      }
      // Compare-and-set on the fingerprint read: a concurrent monitor that got there first wins.
      const updated = await db
        .updateTable('monitor_states')
        .set({ ...fields, previous_state: previous.state })
        .where('tenant_id', '=', input.tenantId)
        .where('vendor', '=', input.vendor)
        .where('fingerprint', '=', previous.fingerprint)
        .executeTakeFirst()
      const current = (await get(input.tenantId, input.vendor))!
      return { previous, current, changed: Number(updated.numUpdatedRows) === 1 }
    },
    async markMonitorAlerted(tenantId, vendor, fingerprint) {
      const r = await db
        .updateTable('monitor_states')
        .set({ alerted_at: ctx.now() })
        .where('tenant_id', '=', tenantId)
        .where('vendor', '=', vendor)
        .where('fingerprint', '=', fingerprint)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) === 1
    },
    async listMonitorStates(filter = {}) {
      let q = db.selectFrom('monitor_states').selectAll()
      if (filter.state) q = q.where('state', '=', filter.state)
      const rows = await q.orderBy('tenant_id').orderBy('vendor').execute()
      return rows.map(toRecord)
    },
  }
}

/** A monitor store on its own connection, with close. */
export interface OpenedMonitorStore extends MonitorStore {
  close(): Promise<void>
}

/**
 * Opens the monitor's store at a location (as openStore: a SQLite file, `:memory:`, or a
 * PostgreSQL URL), migrating it to the latest version, on its own connection with its own clock
 * (tests that move time). The Store carries the same methods on the store's connection.
 */
export async function openMonitorStore(
  location: string,
  opts: { now?: () => Date } = {},
): Promise<OpenedMonitorStore> {
  const { db, dialect } = connect(location)
  try {
    await migrateToLatest(db, dialect)
  } catch (e) {
    await db.destroy().catch(() => {})
    throw e
  }
  const clock = opts.now ?? (() => new Date())
  const ctx: StoreContext = {
    db,
    dialect,
    now: () => clock().toISOString(),
    nowMs: () => clock().getTime(),
  }
  let closed = false
  return guardMethods({
    ...monitorStore(ctx),
    async close() {
      if (closed) return
      closed = true
      await db.destroy()
    },
  })
}
