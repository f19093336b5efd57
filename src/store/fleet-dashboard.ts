/**
 * The fleet dashboard's reads (`passage serve --fleet`): one page of the tenant table with its
 * filters, sorting and paging done by the database, the counts by state for the chart, the Tenant
 * Allow/Block List expiry of every tenant for the timeline, and one tenant's history. The columns
 * are those of `passage fleet status` (app/fleet/status.ts): a tenant's last fleet plan is the
 * newest fleet plan holding a `plan` item for it (createFleetPlan writes one for every tenant it
 * selects), and that plan's apply, check and rollback items give the other columns.
 *
 * No migration: the joins run on fleet_items' primary key (fleet_plan_id, tenant_id, action) and
 * fleet_plans' and runs' primary keys; the tenant table is sorted in memory by the engine (a
 * thousand rows). JSON fields are read with each engine's own JSON functions (SQLite's
 * json_extract / json_each, PostgreSQL's ->> / jsonb ?).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { StoreContext } from './context.js'
import { storeError } from './errors.js'
import {
  FLEET_ACCESS,
  FLEET_ACTIONS,
  FLEET_ITEM_STATES,
  FLEET_TENANT_STATES,
  type FleetAccess,
  type FleetAction,
  type FleetItemState,
  type FleetTenantState,
} from './fleet.js'
import type { Database, DialectName } from './schema.js'

/** A check's verdict as the dashboard shows it (app/fleet/waves.ts checkVerdict, in SQL). */
export type DashboardCheck = 'green' | 'red' | 'unknown'
export const DASHBOARD_CHECKS: readonly DashboardCheck[] = ['green', 'red', 'unknown']

/** The sort orders of the tenant table (a leading `-` sorts descending). */
export const DASHBOARD_SORTS = [
  'name',
  '-name',
  'state',
  '-state',
  'vendor',
  '-vendor',
  'expiry',
  '-expiry',
  'updated',
  '-updated',
] as const
export type DashboardSort = (typeof DASHBOARD_SORTS)[number]

/** The filters of the table, the counts and the timeline. */
export interface DashboardFilter {
  /** The vendor of the tenant's last fleet plan (a catalog id). */
  vendor?: string
  /** A tag the tenant carries. */
  tag?: string
  /** The tenant's fleet state; without it, removed tenants are left out. */
  state?: FleetTenantState
  /** The last check's verdict. */
  check?: DashboardCheck
  /** Part of the tenant's name or id (case-insensitive). */
  q?: string
}

/** One page of the tenant table. */
export interface DashboardQuery extends DashboardFilter {
  offset: number
  limit: number
  sort: DashboardSort
}

/** One row of the tenant table: the columns of `passage fleet status`. */
export interface DashboardRow {
  tenantId: string
  name: string
  tags: string[]
  state: FleetTenantState
  access: FleetAccess
  vendor: string | null
  lastFleetPlan: { id: string; vendor: string | null; createdAt: string } | null
  /** `N changes`, or the plan item's state; null without a plan. */
  planned: string | null
  /** The apply run's status, else the apply item's state; null when not applied. */
  applied: string | null
  check: DashboardCheck
  soonestExpiry: string | null
  lastError: string | null
  updatedAt: string
}

/** Counts for the chart. */
export interface DashboardCounts {
  total: number
  byState: Partial<Record<FleetTenantState, number>>
  byCheck: Partial<Record<DashboardCheck, number>>
  vendors: string[]
  tags: string[]
}

/** One item of a tenant's history. */
export interface DashboardHistoryItem {
  fleetPlanId: string
  vendor: string | null
  planCreatedAt: string
  action: FleetAction
  state: FleetItemState
  planHash: string | null
  runId: number | null
  runStatus: string | null
  errorCode: string | null
  errorMessage: string | null
  detail: Record<string, unknown> | null
  updatedAt: string
}

/**
 * What the workers have written for one fleet plan's action: its items by state and when the
 * newest of them changed. The dashboard's progress comes from here, not from the process that
 * queued the action, so a restarted or second `passage serve --fleet` shows an action started
 * elsewhere (another dashboard, `passage fleet check` on the command line).
 */
export interface DashboardActionProgress {
  counts: Partial<Record<FleetItemState, number>>
  /** Items still queued or running. */
  pending: number
  /** The newest item's updatedAt. */
  lastUpdate: string
}

/** The dashboard's reads. */
export interface FleetDashboardStore {
  /** Each plan's actions as the workers left them (plans without items are absent). */
  actionProgress(
    fleetPlanIds: readonly string[],
  ): Promise<Map<string, Partial<Record<FleetAction, DashboardActionProgress>>>>
  tenantPage(q: DashboardQuery): Promise<{ total: number; rows: DashboardRow[] }>
  counts(f?: DashboardFilter): Promise<DashboardCounts>
  /** Every tenant's soonest expiry that is known (the timeline buckets them). */
  expiries(f?: DashboardFilter): Promise<{ tenantId: string; soonestExpiry: string }[]>
  tenantRow(tenantId: string): Promise<DashboardRow | null>
  /** Every item of every fleet plan that named the tenant, newest plan first. */
  history(tenantId: string, limit?: number): Promise<DashboardHistoryItem[]>
}

/** A JSON field of a text column, as text. */
function jsonText(dialect: DialectName, column: string, key: string): RawBuilder<string | null> {
  return dialect === 'sqlite'
    ? sql<string | null>`json_extract(${sql.ref(column)}, ${`$.${key}`})`
    : sql<string | null>`(${sql.ref(column)}::json ->> ${key})`
}

/** True when a JSON boolean field of a text column is false. */
function jsonFalse(dialect: DialectName, column: string, key: string): RawBuilder<boolean> {
  return dialect === 'sqlite'
    ? sql<boolean>`(json_type(${sql.ref(column)}, ${`$.${key}`}) = 'false')`
    : sql<boolean>`((${sql.ref(column)}::json ->> ${key}) = 'false')`
}

/** Escapes LIKE's wildcards (with `\` as the escape character). */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

interface RowShape {
  tenant_id: string
  name: string
  tags_json: string
  state: string
  access: string
  last_error_code: string | null
  last_error_message: string | null
  updated_at: string
  fleet_plan_id: string | null
  plan_created_at: string | null
  vendor: string | null
  plan_state: string | null
  plan_changes: string | number | null
  plan_error: string | null
  apply_state: string | null
  apply_error: string | null
  run_status: string | null
  check_state: string | null
  check_error: string | null
  verdict: string
  soonest_expiry: string | null
  rollback_state: string | null
  rollback_error: string | null
  total?: string | number
}

function tags(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text)
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

function oneOfOr<T extends string>(values: readonly T[], v: string | null, fallback: T): T {
  return values.includes(v as T) ? (v as T) : fallback
}

/** An item's error, `action: CODE message`, when it did not end well (status.ts's itemError). */
function itemError(action: string, state: string | null, error: string | null): string | null {
  if (!state || state === 'done' || state === 'nothing' || !error) return null
  return `${action}: ${error}`
}

function rowOf(r: RowShape): DashboardRow {
  const changes = r.plan_changes === null ? null : Number(r.plan_changes)
  return {
    tenantId: r.tenant_id,
    name: r.name,
    tags: tags(r.tags_json),
    state: oneOfOr(FLEET_TENANT_STATES, r.state, 'no-access'),
    access: oneOfOr(FLEET_ACCESS, r.access, 'read'),
    vendor: r.vendor,
    lastFleetPlan:
      r.fleet_plan_id && r.plan_created_at
        ? { id: r.fleet_plan_id, vendor: r.vendor, createdAt: r.plan_created_at }
        : null,
    planned:
      r.plan_state === null
        ? null
        : r.plan_state === 'done' && changes !== null && Number.isFinite(changes)
          ? `${changes} changes`
          : r.plan_state,
    applied: r.run_status ?? r.apply_state,
    check: oneOfOr(DASHBOARD_CHECKS, r.verdict, 'unknown'),
    soonestExpiry: r.soonest_expiry,
    lastError:
      itemError('rollback', r.rollback_state, r.rollback_error) ??
      itemError('check', r.check_state, r.check_error) ??
      itemError('apply', r.apply_state, r.apply_error) ??
      itemError('plan', r.plan_state, r.plan_error) ??
      (r.last_error_code || r.last_error_message
        ? `${r.last_error_code ?? ''} ${r.last_error_message ?? ''}`.trim()
        : null),
    updatedAt: r.updated_at,
  }
}

/** The dashboard's reads over a store's database. */
export function fleetDashboardStore(
  ctx: Pick<StoreContext, 'db' | 'dialect'>,
): FleetDashboardStore {
  const { db, dialect } = ctx
  const pg = dialect === 'postgres'
  const err = (text: string, code: string) =>
    sql`trim(coalesce(${sql.ref(code)}, '') || ' ' || coalesce(${sql.ref(text)}, ''))`
  const nullIfEmpty = (x: RawBuilder<unknown>) => sql`nullif(${x}, '')`

  /** The tenants with their last fleet plan and its items, as one derived table `d`. */
  const base = sql`
    with ranked as (
      select i.tenant_id, p.id as fleet_plan_id, p.created_at,
        ${jsonText(dialect, 'p.request_json', 'vendor')} as vendor,
        row_number() over (partition by i.tenant_id order by p.created_at desc, p.id desc) as rn
      from fleet_items i join fleet_plans p on p.id = i.fleet_plan_id
      where i.action = 'plan'
    ),
    d as (
      select t.tenant_id, t.name, t.tags_json, t.state, t.access, t.last_error_code,
        t.last_error_message, t.updated_at,
        lp.fleet_plan_id, lp.created_at as plan_created_at, lp.vendor,
        pi.state as plan_state,
        ${jsonText(dialect, 'pi.detail_json', 'changes')} as plan_changes,
        ${nullIfEmpty(err('pi.error_message', 'pi.error_code'))} as plan_error,
        ai.state as apply_state,
        ${nullIfEmpty(err('ai.error_message', 'ai.error_code'))} as apply_error,
        r.status as run_status,
        ci.state as check_state,
        ${nullIfEmpty(err('ci.error_message', 'ci.error_code'))} as check_error,
        case
          when ci.state = 'done' and ${jsonFalse(dialect, 'ci.detail_json', 'green')} then 'red'
          when ci.state = 'done' then 'green'
          when ci.state = 'failed' then 'red'
          else 'unknown'
        end as verdict,
        ${jsonText(dialect, 'ci.detail_json', 'soonestExpiry')} as soonest_expiry,
        ri.state as rollback_state,
        ${nullIfEmpty(err('ri.error_message', 'ri.error_code'))} as rollback_error
      from fleet_tenants t
      left join ranked lp on lp.tenant_id = t.tenant_id and lp.rn = 1
      left join fleet_items pi on pi.fleet_plan_id = lp.fleet_plan_id
        and pi.tenant_id = t.tenant_id and pi.action = 'plan'
      left join fleet_items ai on ai.fleet_plan_id = lp.fleet_plan_id
        and ai.tenant_id = t.tenant_id and ai.action = 'apply'
      left join fleet_items ci on ci.fleet_plan_id = lp.fleet_plan_id
        and ci.tenant_id = t.tenant_id and ci.action = 'check'
      left join fleet_items ri on ri.fleet_plan_id = lp.fleet_plan_id
        and ri.tenant_id = t.tenant_id and ri.action = 'rollback'
      left join runs r on r.id = ai.run_id
    )`

  /** The WHERE clause of a filter over `d`. */
  function where(f: DashboardFilter): RawBuilder<unknown> {
    const parts: RawBuilder<unknown>[] = []
    parts.push(f.state ? sql`d.state = ${f.state}` : sql`d.state <> 'removed'`)
    if (f.vendor !== undefined) parts.push(sql`d.vendor = ${f.vendor}`)
    if (f.check !== undefined) parts.push(sql`d.verdict = ${f.check}`)
    if (f.tag !== undefined)
      parts.push(
        pg
          ? sql`(d.tags_json::jsonb ? ${f.tag})`
          : sql`exists (select 1 from json_each(d.tags_json) j where j.value = ${f.tag})`,
      )
    if (f.q !== undefined && f.q !== '') {
      const like = `%${likeEscaped(f.q.toLowerCase())}%`
      parts.push(
        sql`(lower(d.name) like ${like} escape '\\' or lower(d.tenant_id) like ${like} escape '\\')`,
      )
    }
    return sql`where ${sql.join(parts, sql` and `)}`
  }

  function orderBy(sort: DashboardSort): RawBuilder<unknown> {
    const desc = sort.startsWith('-')
    const dir = desc ? sql`desc` : sql`asc`
    const key = sort.replace(/^-/, '')
    // Nulls last either way, written portably: (x is null) sorts false (0) first on both engines.
    const col =
      key === 'state'
        ? sql`d.state ${dir}, lower(d.name) asc`
        : key === 'vendor'
          ? sql`(d.vendor is null) asc, d.vendor ${dir}, lower(d.name) asc`
          : key === 'expiry'
            ? sql`(d.soonest_expiry is null) asc, d.soonest_expiry ${dir}, lower(d.name) asc`
            : key === 'updated'
              ? sql`d.updated_at ${dir}`
              : sql`lower(d.name) ${dir}`
    return sql`order by ${col}, d.tenant_id asc`
  }

  async function run<R>(q: RawBuilder<R>, what: string): Promise<R[]> {
    try {
      return (await q.execute(db as Kysely<Database>)).rows
    } catch (e) {
      throw storeError(e, what)
    }
  }

  return {
    async tenantPage(q) {
      const rows = await run(
        sql<RowShape>`${base}
          select d.*, count(*) over () as total from d ${where(q)} ${orderBy(q.sort)}
          limit ${q.limit} offset ${q.offset}`,
        'Reading the fleet dashboard',
      )
      let total = rows[0]?.total
      if (total === undefined) {
        // A page past the end: the count alone.
        const c = await run(
          sql<{ n: string | number }>`${base} select count(*) as n from d ${where(q)}`,
          'Counting the fleet',
        )
        total = c[0]?.n ?? 0
      }
      return { total: Number(total), rows: rows.map(rowOf) }
    },
    async counts(f = {}) {
      const filter = { ...f }
      // Removed tenants are counted only when asked for (state=removed); the chart shows the others.
      const byStateRows = await run(
        sql<{ state: string; n: string | number }>`${base}
          select d.state, count(*) as n from d ${where(filter)} group by d.state`,
        'Counting the fleet',
      )
      const byCheckRows = await run(
        sql<{ verdict: string; n: string | number }>`${base}
          select d.verdict, count(*) as n from d ${where(filter)} group by d.verdict`,
        'Counting the fleet',
      )
      const vendorRows = await run(
        sql<{ vendor: string }>`${base}
          select distinct d.vendor from d where d.vendor is not null order by d.vendor`,
        'Reading the fleet vendors',
      )
      const tagRows = await run(
        pg
          ? sql<{ tag: string }>`select distinct jsonb_array_elements_text(tags_json::jsonb) as tag
              from fleet_tenants where state <> 'removed' order by tag`
          : sql<{
              tag: string
            }>`select distinct j.value as tag from fleet_tenants t, json_each(t.tags_json) j
              where t.state <> 'removed' order by tag`,
        'Reading the fleet tags',
      )
      const byState: Partial<Record<FleetTenantState, number>> = {}
      let total = 0
      for (const r of byStateRows) {
        const s = oneOfOr(FLEET_TENANT_STATES, r.state, 'no-access')
        byState[s] = (byState[s] ?? 0) + Number(r.n)
        total += Number(r.n)
      }
      const byCheck: Partial<Record<DashboardCheck, number>> = {}
      for (const r of byCheckRows) {
        const c = oneOfOr(DASHBOARD_CHECKS, r.verdict, 'unknown')
        byCheck[c] = (byCheck[c] ?? 0) + Number(r.n)
      }
      return {
        total,
        byState,
        byCheck,
        vendors: vendorRows.map((r) => r.vendor),
        tags: tagRows.map((r) => r.tag).filter((t) => typeof t === 'string'),
      }
    },
    async expiries(f = {}) {
      const rows = await run(
        sql<{ tenant_id: string; soonest_expiry: string }>`${base}
          select d.tenant_id, d.soonest_expiry from d ${where(f)}
          and d.soonest_expiry is not null order by d.soonest_expiry, d.tenant_id`,
        'Reading the fleet expiries',
      )
      return rows.map((r) => ({ tenantId: r.tenant_id, soonestExpiry: r.soonest_expiry }))
    },
    async actionProgress(fleetPlanIds) {
      const out = new Map<string, Partial<Record<FleetAction, DashboardActionProgress>>>()
      if (!fleetPlanIds.length) return out
      const rows = await db
        .selectFrom('fleet_items')
        .select([
          'fleet_plan_id',
          'action',
          'state',
          db.fn.countAll<number | string>().as('n'),
          db.fn.max('updated_at').as('last'),
        ])
        .where('fleet_plan_id', 'in', [...fleetPlanIds])
        .groupBy(['fleet_plan_id', 'action', 'state'])
        .execute()
        .catch((e: unknown) => {
          throw storeError(e, 'Reading the fleet actions’ progress')
        })
      for (const r of rows) {
        if (!FLEET_ACTIONS.includes(r.action as FleetAction)) continue
        const action = r.action as FleetAction
        const state = oneOfOr(FLEET_ITEM_STATES, r.state, 'failed')
        const n = Number(r.n)
        const byAction = out.get(r.fleet_plan_id) ?? {}
        const p = (byAction[action] ??= { counts: {}, pending: 0, lastUpdate: '' })
        p.counts[state] = (p.counts[state] ?? 0) + n
        if (state === 'queued' || state === 'running') p.pending += n
        const last = String(r.last)
        if (last > p.lastUpdate) p.lastUpdate = last
        out.set(r.fleet_plan_id, byAction)
      }
      return out
    },
    async tenantRow(tenantId) {
      const rows = await run(
        sql<RowShape>`${base} select d.* from d where d.tenant_id = ${tenantId}`,
        'Reading a fleet tenant',
      )
      return rows[0] ? rowOf(rows[0]) : null
    },
    async history(tenantId, limit = 200) {
      const rows = await run(
        sql<{
          fleet_plan_id: string
          vendor: string | null
          created_at: string
          action: string
          state: string
          plan_hash: string | null
          run_id: number | string | null
          run_status: string | null
          error_code: string | null
          error_message: string | null
          detail_json: string | null
          updated_at: string
        }>`select i.fleet_plan_id, ${jsonText(dialect, 'p.request_json', 'vendor')} as vendor,
            p.created_at, i.action, i.state, i.plan_hash, i.run_id, r.status as run_status,
            i.error_code, i.error_message, i.detail_json, i.updated_at
          from fleet_items i join fleet_plans p on p.id = i.fleet_plan_id
          left join runs r on r.id = i.run_id
          where i.tenant_id = ${tenantId}
          order by p.created_at desc, p.id desc, i.updated_at desc,
            case i.action when 'rollback' then 0 when 'check' then 1 when 'apply' then 2 else 3 end
          limit ${limit}`,
        'Reading a fleet tenant history',
      )
      return rows.map((r) => {
        let detail: Record<string, unknown> | null = null
        if (r.detail_json !== null)
          try {
            const v: unknown = JSON.parse(r.detail_json)
            detail =
              v && typeof v === 'object' && !Array.isArray(v)
                ? (v as Record<string, unknown>)
                : null
          } catch {
            detail = null
          }
        return {
          fleetPlanId: r.fleet_plan_id,
          vendor: r.vendor,
          planCreatedAt: r.created_at,
          action: oneOfOr(FLEET_ACTIONS, r.action, 'plan'),
          state: oneOfOr(FLEET_ITEM_STATES, r.state, 'failed'),
          planHash: r.plan_hash,
          runId: r.run_id === null ? null : Number(r.run_id),
          runStatus: r.run_status,
          errorCode: r.error_code,
          errorMessage: r.error_message,
          detail,
          updatedAt: r.updated_at,
        }
      })
    },
  }
}
