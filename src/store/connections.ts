import type { JsonObject } from '../core/change.js'
import type { StoreContext } from './context.js'
import { fromJsonText, JsonObjectSchema, toJsonText } from './json.js'
import type { ConnectionRecord } from './records.js'
import type { ConnectionsTable } from './schema.js'

/** Connection profiles: how to reach and sign in to each tenant (never tokens or keys). */
export interface ConnectionStore {
  /** Saves (or replaces) a tenant's profile and marks it the most recently used. */
  saveConnection(tenantId: string, tenantName: string, profile: JsonObject): Promise<void>
  /**
   * The profile of a tenant by GUID or `*.onmicrosoft.com` name; without one, the most recently
   * used profile. Undefined when there is none.
   */
  getConnection(tenant?: string): Promise<ConnectionRecord | undefined>
  /** Marks a profile as just used (so that commands without --tenant pick it). */
  touchConnection(tenantId: string): Promise<void>
  /** Every profile, most recently used first. */
  listConnections(): Promise<ConnectionRecord[]>
}

function toRecord(row: ConnectionsTable): ConnectionRecord {
  return {
    tenantId: row.tenant_id,
    tenantName: row.tenant_name,
    profile: fromJsonText(JsonObjectSchema, row.profile_json, `connection ${row.tenant_id}`),
    lastUsedAt: row.last_used_at,
  }
}

/** The connections module of a store. */
export function connectionStore(ctx: StoreContext): ConnectionStore {
  const { db } = ctx
  return {
    async saveConnection(tenantId, tenantName, profile) {
      // toJsonText refuses tokens, passwords and PEM keys: a profile holds file paths only.
      const json = toJsonText(profile, `connection profile of ${tenantName}`)
      await db
        .insertInto('connections')
        .values({
          tenant_id: tenantId,
          tenant_name: tenantName.toLowerCase(),
          profile_json: json,
          last_used_at: ctx.now(),
        })
        .onConflict((oc) =>
          oc.column('tenant_id').doUpdateSet((eb) => ({
            tenant_name: eb.ref('excluded.tenant_name'),
            profile_json: eb.ref('excluded.profile_json'),
            last_used_at: eb.ref('excluded.last_used_at'),
          })),
        )
        .execute()
    },
    async getConnection(tenant) {
      let q = db.selectFrom('connections').selectAll()
      if (tenant !== undefined) {
        const t = tenant.trim().toLowerCase()
        q = q.where((eb) => eb.or([eb('tenant_id', '=', t), eb('tenant_name', '=', t)]))
      }
      const row = await q.orderBy('last_used_at', 'desc').limit(1).executeTakeFirst()
      return row && toRecord(row)
    },
    async touchConnection(tenantId) {
      await db
        .updateTable('connections')
        .set({ last_used_at: ctx.now() })
        .where('tenant_id', '=', tenantId)
        .execute()
    },
    async listConnections() {
      const rows = await db
        .selectFrom('connections')
        .selectAll()
        .orderBy('last_used_at', 'desc')
        .execute()
      return rows.map(toRecord)
    },
  }
}
