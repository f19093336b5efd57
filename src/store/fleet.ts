import { z } from 'zod'
import { JsonObjectSchema } from '../core/json-schema.js'
import type { StoreContext } from './context.js'
import { fromJsonText, oneOf, toJsonText } from './json.js'
import type {
  FleetAppTable,
  FleetItemsTable,
  FleetPlansTable,
  FleetTenantsTable,
} from './schema.js'

/** Where a tenant stands in the fleet. */
export type FleetTenantState = 'consent-pending' | 'enrolled' | 'no-access' | 'removed'
/** What the operator's app may do in a tenant (the Exchange role group it was given). */
export type FleetAccess = 'read' | 'change'

/** A tenant enrolled in the fleet. */
export interface FleetTenant {
  tenantId: string
  name: string
  tags: string[]
  state: FleetTenantState
  access: FleetAccess
  enrolledAt: string | null
  lastErrorCode: string | null
  lastErrorMessage: string | null
  updatedAt: string
}

/**
 * The operator's multi-tenant app registration: its ids and the path of its certificate. The
 * private key is never stored (workers read it from a file or the environment).
 */
export interface FleetApp {
  appId: string
  thumbprintSha256: string
  certificateFile: string
  endpoints: { authority: string; exchangeBase: string; graphBase: string }
  caFile: string | null
  createdAt: string
}

/** What a fleet job does to one tenant. */
export type FleetAction = 'plan' | 'apply' | 'check' | 'rollback'
/** Where one tenant's job stands. */
export type FleetItemState =
  'queued' | 'running' | 'done' | 'nothing' | 'refused' | 'no-access' | 'failed' | 'cancelled'

/** The plan request a fleet plan makes for every tenant. */
export interface FleetPlanRequest {
  vendor: string
  params: Record<string, string>
  protections?: string[]
  mode: 'recommended' | 'recipe'
  presetExceptions?: string[]
}

/** One fleet plan: the request, the selector as given and the tenants it resolved to. */
export interface FleetPlanRecord {
  id: string
  request: FleetPlanRequest
  selector: string
  tenantIds: string[]
  actor: string
  createdAt: string
}

/** One action of a fleet plan on one tenant. */
export interface FleetItem {
  fleetPlanId: string
  tenantId: string
  action: FleetAction
  state: FleetItemState
  planHash: string | null
  changeKey: string | null
  runId: number | null
  errorCode: string | null
  errorMessage: string | null
  detail: Record<string, unknown> | null
  attempts: number
  updatedAt: string
}

/** The fleet's part of the store (PostgreSQL in production; SQLite works too, for tests). */
export interface FleetStore {
  /** Saves (or replaces) the one app registration of the fleet. */
  saveFleetApp(app: FleetApp): Promise<void>
  getFleetApp(): Promise<FleetApp | null>
  /** Inserts or replaces a tenant by id; updatedAt is the store's clock. */
  upsertFleetTenant(t: Omit<FleetTenant, 'updatedAt'>): Promise<void>
  getFleetTenant(tenantId: string): Promise<FleetTenant | null>
  /**
   * The app and a tenant in one read (a fleet job's first): `app` as getFleetApp says, `tenant`
   * as getFleetTenant does, except that without an app the tenant is not read (null).
   */
  getFleetAppAndTenant(
    tenantId: string,
  ): Promise<{ app: FleetApp | null; tenant: FleetTenant | null }>
  /**
   * Tenants not removed, by name; with `tag`, those carrying it; with `states`, those in one of
   * them (`states` naming 'removed' lists removed tenants too).
   */
  listFleetTenants(filter?: { tag?: string; states?: FleetTenantState[] }): Promise<FleetTenant[]>
  createFleetPlan(p: FleetPlanRecord): Promise<void>
  getFleetPlan(id: string): Promise<FleetPlanRecord | null>
  /** Every fleet plan, newest first. */
  listFleetPlans(): Promise<FleetPlanRecord[]>
  /** Insert or replace by (fleetPlanId, tenantId, action). */
  putFleetItem(item: Omit<FleetItem, 'updatedAt'>): Promise<void>
  /**
   * putFleetItem for several items, in one statement per 500 (a chunk of queued items before
   * its jobs are sent).
   */
  putFleetItems(items: readonly Omit<FleetItem, 'updatedAt'>[]): Promise<void>
  getFleetItem(
    fleetPlanId: string,
    tenantId: string,
    action: FleetAction,
  ): Promise<FleetItem | null>
  /** A tenant's items of a fleet plan for several actions at once (one read), by action. */
  getFleetItems(
    fleetPlanId: string,
    tenantId: string,
    actions: readonly FleetAction[],
  ): Promise<Partial<Record<FleetAction, FleetItem>>>
  /** A fleet plan's items (of one action), by tenant id then action. */
  listFleetItems(fleetPlanId: string, action?: FleetAction): Promise<FleetItem[]>
  /** How many of a fleet plan's items of one action are in each state (absent: none). */
  countFleetItems(
    fleetPlanId: string,
    action: FleetAction,
  ): Promise<Partial<Record<FleetItemState, number>>>
}

export const FLEET_TENANT_STATES: readonly FleetTenantState[] = [
  'consent-pending',
  'enrolled',
  'no-access',
  'removed',
]
export const FLEET_ACCESS: readonly FleetAccess[] = ['read', 'change']
export const FLEET_ACTIONS: readonly FleetAction[] = ['plan', 'apply', 'check', 'rollback']
export const FLEET_ITEM_STATES: readonly FleetItemState[] = [
  'queued',
  'running',
  'done',
  'nothing',
  'refused',
  'no-access',
  'failed',
  'cancelled',
]

const APP_ROW = 'app'

const Endpoints = z.object({
  authority: z.string(),
  exchangeBase: z.string(),
  graphBase: z.string(),
})
const Tags = z.array(z.string())
const TenantIds = z.array(z.string())
const Request = z.object({
  vendor: z.string(),
  params: z.record(z.string(), z.string()),
  protections: z.array(z.string()).optional(),
  mode: z.enum(['recommended', 'recipe']),
  presetExceptions: z.array(z.string()).optional(),
})

function tenantRecord(row: FleetTenantsTable): FleetTenant {
  const what = `fleet tenant ${row.tenant_id}`
  return {
    tenantId: row.tenant_id,
    name: row.name,
    tags: fromJsonText(Tags, row.tags_json, `${what} tags`),
    state: oneOf(FLEET_TENANT_STATES, row.state, `${what} state`),
    access: oneOf(FLEET_ACCESS, row.access, `${what} access`),
    enrolledAt: row.enrolled_at,
    lastErrorCode: row.last_error_code,
    lastErrorMessage: row.last_error_message,
    updatedAt: row.updated_at,
  }
}

function appRecord(row: FleetAppTable): FleetApp {
  return {
    appId: row.app_id,
    thumbprintSha256: row.thumbprint_sha256,
    certificateFile: row.certificate_file,
    endpoints: fromJsonText(Endpoints, row.endpoints_json, 'the fleet app endpoints'),
    caFile: row.ca_file,
    createdAt: row.created_at,
  }
}

function planRecord(row: FleetPlansTable): FleetPlanRecord {
  const what = `fleet plan ${row.id}`
  const request = fromJsonText(Request, row.request_json, `${what} request`)
  return {
    id: row.id,
    request: {
      vendor: request.vendor,
      params: request.params,
      mode: request.mode,
      ...(request.protections === undefined ? {} : { protections: request.protections }),
      ...(request.presetExceptions === undefined
        ? {}
        : { presetExceptions: request.presetExceptions }),
    },
    selector: row.selector,
    tenantIds: fromJsonText(TenantIds, row.tenant_ids_json, `${what} tenants`),
    actor: row.actor,
    createdAt: row.created_at,
  }
}

function itemRecord(row: FleetItemsTable): FleetItem {
  const what = `fleet item ${row.fleet_plan_id}/${row.tenant_id}/${row.action}`
  return {
    fleetPlanId: row.fleet_plan_id,
    tenantId: row.tenant_id,
    action: oneOf(FLEET_ACTIONS, row.action, `${what} action`),
    state: oneOf(FLEET_ITEM_STATES, row.state, `${what} state`),
    planHash: row.plan_hash,
    changeKey: row.change_key,
    runId: row.run_id === null ? null : Number(row.run_id),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    detail:
      row.detail_json === null
        ? null
        : fromJsonText(JsonObjectSchema, row.detail_json, `${what} detail`),
    attempts: Number(row.attempts),
    updatedAt: row.updated_at,
  }
}

/**
 * Refuses a fleet row holding a credential (a PEM private key, a token, a secret-named key in
 * params or detail): the same scan as every other JSON the store writes, over the whole row, so
 * that free text (tags, error messages, the selector) is covered too. Throws PASSAGE_E_STORE_SECRET.
 */
function scanned(value: unknown, what: string): void {
  toJsonText(value, what)
}

/** Items a putFleetItems statement writes at most (12 bound values each). */
const ITEMS_PER_STATEMENT = 500

/** The fleet module of a store. */
export function fleetStore(ctx: StoreContext): FleetStore {
  const { db } = ctx
  /** Inserts or replaces items (distinct keys, scanned for secrets) in one statement. */
  const putItems = async (items: readonly Omit<FleetItem, 'updatedAt'>[]) => {
    if (items.length === 0) return
    const now = ctx.now()
    const rows = items.map((item) => {
      return {
        fleet_plan_id: item.fleetPlanId,
        tenant_id: item.tenantId,
        action: item.action,
        state: item.state,
        plan_hash: item.planHash,
        change_key: item.changeKey,
        run_id: item.runId,
        error_code: item.errorCode,
        error_message: item.errorMessage,
        detail_json: item.detail === null ? null : JSON.stringify(item.detail),
        attempts: item.attempts,
        updated_at: now,
      }
    })
    await db
      .insertInto('fleet_items')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['fleet_plan_id', 'tenant_id', 'action']).doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          plan_hash: eb.ref('excluded.plan_hash'),
          change_key: eb.ref('excluded.change_key'),
          run_id: eb.ref('excluded.run_id'),
          error_code: eb.ref('excluded.error_code'),
          error_message: eb.ref('excluded.error_message'),
          detail_json: eb.ref('excluded.detail_json'),
          attempts: eb.ref('excluded.attempts'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute()
  }
  return {
    async saveFleetApp(app) {
      scanned(app, 'the fleet app registration')
      const row = {
        id: APP_ROW,
        app_id: app.appId,
        thumbprint_sha256: app.thumbprintSha256,
        certificate_file: app.certificateFile,
        endpoints_json: toJsonText(app.endpoints, 'the fleet app endpoints'),
        ca_file: app.caFile,
        created_at: app.createdAt,
      }
      await db
        .insertInto('fleet_app')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            app_id: eb.ref('excluded.app_id'),
            thumbprint_sha256: eb.ref('excluded.thumbprint_sha256'),
            certificate_file: eb.ref('excluded.certificate_file'),
            endpoints_json: eb.ref('excluded.endpoints_json'),
            ca_file: eb.ref('excluded.ca_file'),
            created_at: eb.ref('excluded.created_at'),
          })),
        )
        .execute()
    },
    async getFleetApp() {
      const row = await db
        .selectFrom('fleet_app')
        .selectAll()
        .where('id', '=', APP_ROW)
        .executeTakeFirst()
      return row ? appRecord(row) : null
    },
    async getFleetAppAndTenant(tenantId) {
      // One statement: the app's row with the tenant's beside it (none when there is no app).
      const row = await db
        .selectFrom('fleet_app')
        .leftJoin('fleet_tenants', (join) => join.on('fleet_tenants.tenant_id', '=', tenantId))
        .selectAll('fleet_app')
        .select([
          'fleet_tenants.tenant_id',
          'fleet_tenants.name',
          'fleet_tenants.tags_json',
          'fleet_tenants.state',
          'fleet_tenants.access',
          'fleet_tenants.enrolled_at',
          'fleet_tenants.last_error_code',
          'fleet_tenants.last_error_message',
          'fleet_tenants.updated_at',
        ])
        .where('fleet_app.id', '=', APP_ROW)
        .executeTakeFirst()
      if (!row) return { app: null, tenant: null }
      const { tenant_id, name, tags_json, state, access, updated_at } = row
      return {
        app: appRecord(row),
        tenant:
          tenant_id !== null &&
          name !== null &&
          tags_json !== null &&
          state !== null &&
          access !== null &&
          updated_at !== null
            ? tenantRecord({
                tenant_id,
                name,
                tags_json,
                state,
                access,
                enrolled_at: row.enrolled_at,
                last_error_code: row.last_error_code,
                last_error_message: row.last_error_message,
                updated_at,
              })
            : null,
      }
    },
    async upsertFleetTenant(t) {
      scanned(t, `fleet tenant ${t.tenantId}`)
      await db
        .insertInto('fleet_tenants')
        .values({
          tenant_id: t.tenantId,
          name: t.name,
          tags_json: JSON.stringify(t.tags),
          state: t.state,
          access: t.access,
          enrolled_at: t.enrolledAt,
          last_error_code: t.lastErrorCode,
          last_error_message: t.lastErrorMessage,
          updated_at: ctx.now(),
        })
        .onConflict((oc) =>
          oc.column('tenant_id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            tags_json: eb.ref('excluded.tags_json'),
            state: eb.ref('excluded.state'),
            access: eb.ref('excluded.access'),
            enrolled_at: eb.ref('excluded.enrolled_at'),
            last_error_code: eb.ref('excluded.last_error_code'),
            last_error_message: eb.ref('excluded.last_error_message'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute()
    },
    async getFleetTenant(tenantId) {
      const row = await db
        .selectFrom('fleet_tenants')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst()
      return row ? tenantRecord(row) : null
    },
    async listFleetTenants(filter = {}) {
      let q = db.selectFrom('fleet_tenants').selectAll()
      if (filter.states !== undefined) {
        if (filter.states.length === 0) return []
        q = q.where('state', 'in', filter.states)
      } else q = q.where('state', '<>', 'removed')
      const rows = await q.orderBy('name').orderBy('tenant_id').execute()
      const all = rows.map(tenantRecord)
      const { tag } = filter
      return tag === undefined ? all : all.filter((t) => t.tags.includes(tag))
    },
    async createFleetPlan(p) {
      scanned(p, `fleet plan ${p.id}`)
      await db
        .insertInto('fleet_plans')
        .values({
          id: p.id,
          request_json: JSON.stringify(p.request),
          selector: p.selector,
          tenant_ids_json: JSON.stringify(p.tenantIds),
          actor: p.actor,
          created_at: p.createdAt,
        })
        .execute()
    },
    async getFleetPlan(id) {
      const row = await db
        .selectFrom('fleet_plans')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return row ? planRecord(row) : null
    },
    async listFleetPlans() {
      const rows = await db
        .selectFrom('fleet_plans')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute()
      return rows.map(planRecord)
    },
    async putFleetItem(item) {
      scanned(item, `fleet item ${item.fleetPlanId}/${item.tenantId}/${item.action}`)
      await putItems([item])
    },
    async putFleetItems(items) {
      // An item given twice: the last one, as one putFleetItem after another would leave it (a
      // statement may not change a row twice).
      const byKey = new Map(
        items.map((i) => [`${i.fleetPlanId}\u0000${i.tenantId}\u0000${i.action}`, i]),
      )
      const distinct = [...byKey.values()]
      // Every item is scanned before any is written: a secret refuses the whole call.
      for (const i of distinct) scanned(i, `fleet item ${i.fleetPlanId}/${i.tenantId}/${i.action}`)
      // Bounded statements (SQLite's bound variables): 12 columns a row.
      for (let at = 0; at < distinct.length; at += ITEMS_PER_STATEMENT)
        await putItems(distinct.slice(at, at + ITEMS_PER_STATEMENT))
    },
    async getFleetItem(fleetPlanId, tenantId, action) {
      const row = await db
        .selectFrom('fleet_items')
        .selectAll()
        .where('fleet_plan_id', '=', fleetPlanId)
        .where('tenant_id', '=', tenantId)
        .where('action', '=', action)
        .executeTakeFirst()
      return row ? itemRecord(row) : null
    },
    async getFleetItems(fleetPlanId, tenantId, actions) {
      const out: Partial<Record<FleetAction, FleetItem>> = {}
      if (actions.length === 0) return out
      const rows = await db
        .selectFrom('fleet_items')
        .selectAll()
        .where('fleet_plan_id', '=', fleetPlanId)
        .where('tenant_id', '=', tenantId)
        .where('action', 'in', [...actions])
        .execute()
      for (const row of rows) {
        const item = itemRecord(row)
        out[item.action] = item
      }
      return out
    },
    async listFleetItems(fleetPlanId, action) {
      let q = db.selectFrom('fleet_items').selectAll().where('fleet_plan_id', '=', fleetPlanId)
      if (action !== undefined) q = q.where('action', '=', action)
      const rows = await q.orderBy('tenant_id').orderBy('action').execute()
      return rows.map(itemRecord)
    },
    async countFleetItems(fleetPlanId, action) {
      const rows = await db
        .selectFrom('fleet_items')
        .select(['state', db.fn.countAll<number | string>().as('n')])
        .where('fleet_plan_id', '=', fleetPlanId)
        .where('action', '=', action)
        .groupBy('state')
        .execute()
      const out: Partial<Record<FleetItemState, number>> = {}
      for (const r of rows)
        out[oneOf(FLEET_ITEM_STATES, r.state, `fleet plan ${fleetPlanId} item state`)] = Number(r.n)
      return out
    },
  }
}
