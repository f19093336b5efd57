import { TenantSnapshot } from '../core/model/snapshot.js'
import { Licence } from '../core/model/licence.js'
import type { StoreContext } from './context.js'
import { fromJsonText, oneOf, toJsonText } from './json.js'
import type { TenantInput, TenantRecord } from './records.js'
import type { TenantsTable } from './schema.js'

/** Tenants: upsertTenant, getTenant, listTenants. */
export interface TenantStore {
  /**
   * Inserts or updates a tenant; without a snapshot, the stored snapshot is kept. Returns the
   * record as stored (with a snapshot, the one given: it is not read back).
   */
  upsertTenant(t: TenantInput): Promise<TenantRecord>
  /** The tenant with this GUID, or undefined. */
  getTenant(id: string): Promise<TenantRecord | undefined>
  /** Whether the store knows the tenant with this GUID (its snapshot is not read). */
  hasTenant(id: string): Promise<boolean>
  /** The `*.onmicrosoft.com` name of the tenant with this GUID, or undefined (no snapshot read). */
  tenantName(id: string): Promise<string | undefined>
  /** Every tenant, by name. */
  listTenants(): Promise<TenantRecord[]>
}

function toRecord(row: TenantsTable): TenantRecord {
  const what = `tenant ${row.id}`
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    licence: oneOf(Licence.options, row.licence, `${what} licence`),
    lastDiscoveredAt: row.last_discovered_at,
    snapshot:
      row.snapshot_json === null
        ? null
        : fromJsonText(TenantSnapshot, row.snapshot_json, `${what} snapshot`),
  }
}

/** The tenants module of a store. */
export function tenantStore(ctx: StoreContext): TenantStore {
  const { db } = ctx
  const getTenant = async (id: string) => {
    const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  }
  return {
    async upsertTenant(t) {
      // Scanned for secrets as it is serialized (toJsonText), never skipped.
      const snapshot = t.snapshot === undefined ? null : toJsonText(t.snapshot, 'tenant snapshot')
      const discovered = t.snapshot === undefined ? null : (t.discoveredAt ?? ctx.now())
      await db
        .insertInto('tenants')
        .values({
          id: t.id,
          name: t.name,
          display_name: t.displayName,
          licence: t.licence,
          last_discovered_at: discovered,
          snapshot_json: snapshot,
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            display_name: eb.ref('excluded.display_name'),
            licence: eb.ref('excluded.licence'),
            last_discovered_at: eb.fn.coalesce(
              'excluded.last_discovered_at',
              'tenants.last_discovered_at',
            ),
            snapshot_json: eb.fn.coalesce('excluded.snapshot_json', 'tenants.snapshot_json'),
          })),
        )
        .execute()
      // With a snapshot, every column is the one just written: the record is built from the input
      // rather than read back and the snapshot parsed again. Without one, the stored snapshot and
      // discovery time are kept, so they are read.
      if (t.snapshot !== undefined && discovered !== null)
        return {
          id: t.id,
          name: t.name,
          displayName: t.displayName,
          licence: t.licence,
          lastDiscoveredAt: discovered,
          snapshot: t.snapshot,
        }
      const saved = await getTenant(t.id)
      if (!saved) throw new Error(`tenant ${t.id} vanished after upsert`)
      return saved
    },
    getTenant,
    async hasTenant(id) {
      const row = await db
        .selectFrom('tenants')
        .select('id')
        .where('id', '=', id)
        .executeTakeFirst()
      return row !== undefined
    },
    async tenantName(id) {
      const row = await db
        .selectFrom('tenants')
        .select('name')
        .where('id', '=', id)
        .executeTakeFirst()
      return row?.name
    },
    async listTenants() {
      const rows = await db
        .selectFrom('tenants')
        .selectAll()
        .orderBy('name')
        .orderBy('id')
        .execute()
      return rows.map(toRecord)
    },
  }
}
