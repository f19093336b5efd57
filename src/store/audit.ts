import type { Selectable } from 'kysely'
import type { StoreContext } from './context.js'
import { fromJsonText, JsonObjectSchema, toJsonText } from './json.js'
import type { AuditEvent, AuditInput } from './records.js'
import type { AuditEventsTable } from './schema.js'

/** Audit events: who did what, when. */
export interface AuditStore {
  /** Records an event (at now); refuses details holding a token, password or key. */
  audit(event: AuditInput): Promise<AuditEvent>
  /** Events, newest first, of one tenant or of all; at most `limit` (default 100). */
  listAudit(opts?: { tenantId?: string; limit?: number }): Promise<AuditEvent[]>
}

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    tenantId: row.tenant_id,
    action: row.action,
    details: fromJsonText(JsonObjectSchema, row.details_json, `audit event ${row.id}`),
  }
}

/** The audit module of a store. */
export function auditStore(ctx: StoreContext): AuditStore {
  const { db } = ctx
  return {
    async audit(event) {
      const details = toJsonText(event.details ?? {}, `audit details of ${event.action}`)
      const row = await db
        .insertInto('audit_events')
        .values({
          at: ctx.now(),
          actor: event.actor,
          tenant_id: event.tenantId ?? null,
          action: event.action,
          details_json: details,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return toEvent(row)
    },
    async listAudit(opts = {}) {
      let q = db.selectFrom('audit_events').selectAll()
      if (opts.tenantId !== undefined) q = q.where('tenant_id', '=', opts.tenantId)
      const rows = await q
        .orderBy('id', 'desc')
        .limit(opts.limit ?? 100)
        .execute()
      return rows.map(toEvent)
    },
  }
}
