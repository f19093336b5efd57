import type { Insertable, Selectable } from 'kysely'
import type { JsonObject } from '../core/change.js'
import type { StoreContext } from './context.js'
import { batchedWriter } from './coalesce.js'
import { fromJsonText, JsonObjectSchema, toJsonText } from './json.js'
import type { JournalEntry } from './records.js'
import type { JournalTable } from './schema.js'

/** The journal: each object's state before a run changed it, written before the change. */
export interface JournalStore {
  /**
   * Records the prior state (null: the object did not exist) of the object a change of a run is
   * about to touch. Insert-or-ignore: a resumed apply that records the same change again keeps the
   * first entry, the true prior state. Returns whether the entry was new.
   */
  journalPrior(
    runId: number,
    changeId: string,
    surface: string,
    target: string,
    prior: JsonObject | null,
  ): Promise<boolean>
  /** A run's journal, in the order it was recorded. */
  getJournal(runId: number): Promise<JournalEntry[]>
  /** Every journal entry of the tenant's runs, in the order recorded (undo walks it backwards). */
  journalForTenant(tenantId: string): Promise<JournalEntry[]>
}

type JournalRow = Selectable<JournalTable>

function toEntry(row: JournalRow): JournalEntry {
  return {
    seq: row.id,
    runId: row.run_id,
    changeId: row.change_id,
    surface: row.surface,
    target: row.target,
    prior:
      row.prior_json === null
        ? null
        : fromJsonText(
            JsonObjectSchema,
            row.prior_json,
            `journal entry ${row.run_id}/${row.change_id}`,
          ),
    recordedAt: row.recorded_at,
  }
}

/** The journal module of a store. */
export function journalStore(ctx: StoreContext): JournalStore {
  const { db } = ctx
  const keyOf = (r: { run_id: number; change_id: string }) => `${r.run_id}\u0000${r.change_id}`
  // On PostgreSQL the entries of the changes a wave starts together go in one statement
  // (coalesce.ts); each caller still gets on only once its own entry is in the database.
  const insert = batchedWriter(ctx.dialect, keyOf, async (rows: Insertable<JournalTable>[]) => {
    const inserted = await db
      .insertInto('journal')
      .values(rows)
      .onConflict((oc) => oc.columns(['run_id', 'change_id']).doNothing())
      .returning(['run_id', 'change_id'])
      .execute()
    const fresh = new Set(inserted.map(keyOf))
    return rows.map((r) => fresh.has(keyOf(r)))
  })
  return {
    async journalPrior(runId, changeId, surface, target, prior) {
      const priorJson =
        prior === null ? null : toJsonText(prior, `journal entry ${runId}/${changeId}`)
      return insert({
        run_id: runId,
        change_id: changeId,
        surface,
        target,
        prior_json: priorJson,
        recorded_at: ctx.now(),
      })
    },
    async getJournal(runId) {
      const rows = await db
        .selectFrom('journal')
        .selectAll()
        .where('run_id', '=', runId)
        .orderBy('id')
        .execute()
      return rows.map(toEntry)
    },
    async journalForTenant(tenantId) {
      const rows = await db
        .selectFrom('journal')
        .innerJoin('runs', 'runs.id', 'journal.run_id')
        .selectAll('journal')
        .where('runs.tenant_id', '=', tenantId)
        .orderBy('journal.id')
        .execute()
      return rows.map(toEntry)
    },
  }
}
