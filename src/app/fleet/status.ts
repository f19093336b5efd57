/**
 * The fleet at a glance: per tenant its state, the last fleet plan that named it, whether that
 * plan was applied (the run's status), the last check's verdict and the soonest Tenant Allow/Block
 * List expiry it saw, and the last error; counts by state; and the jobs that failed for good (the
 * dead-letter queue).
 */
import type {
  FleetItem,
  FleetPlanRecord,
  FleetTenantState,
  JobQueue,
  Store,
} from '../../store/index.js'
import { checkVerdict } from './waves.js'

/** One tenant's row. */
export interface FleetStatusRow {
  tenantId: string
  name: string
  tags: string[]
  state: FleetTenantState
  access: 'read' | 'change'
  /** The newest fleet plan that named this tenant, with its vendor. */
  lastFleetPlan: { id: string; vendor: string; createdAt: string } | null
  /** That plan's item for this tenant: changes planned, or the plan state. */
  planned: string | null
  /** The apply run's status (done, failed, rolled-back, ...), or null when not applied. */
  applied: string | null
  check: 'green' | 'red' | 'unknown'
  /** The soonest expiry of a Tenant Allow/Block List entry the last check saw (ISO), or null. */
  soonestExpiry: string | null
  lastError: string | null
}

/** The fleet's status. */
export interface FleetStatus {
  tenants: FleetStatusRow[]
  counts: Partial<Record<FleetTenantState, number>>
  deadLetters: Awaited<ReturnType<JobQueue['deadLetters']>>
  fleetPlans: { id: string; vendor: string; selector: string; tenants: number; createdAt: string }[]
}

/** A string field of an item's detail, or null. */
function detailString(item: FleetItem | undefined, key: string): string | null {
  const v = item?.detail?.[key]
  return typeof v === 'string' ? v : null
}

/** The error an item carries, in one line. */
function itemError(item: FleetItem | undefined): string | null {
  if (!item || item.state === 'done' || item.state === 'nothing') return null
  if (!item.errorCode && !item.errorMessage) return null
  return `${item.action}: ${item.errorCode ?? ''} ${item.errorMessage ?? ''}`.trim()
}

/** The fleet's status, optionally only the tenants carrying `tag`. */
export async function fleetStatus(
  store: Store,
  queue: JobQueue | null,
  filter: { tag?: string; deadLetterLimit?: number } = {},
): Promise<FleetStatus> {
  const tenants = await store.listFleetTenants(filter.tag ? { tag: filter.tag } : undefined)
  const plans = [...(await store.listFleetPlans())].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  )
  const lastPlanOf = new Map<string, FleetPlanRecord>()
  for (const p of plans)
    for (const id of p.tenantIds) if (!lastPlanOf.has(id)) lastPlanOf.set(id, p)
  // Items of each plan that is some tenant's last: one read per plan, not per tenant.
  const itemsOf = new Map<string, Map<string, FleetItem>>()
  for (const p of new Set(tenants.map((t) => lastPlanOf.get(t.tenantId)).filter(Boolean))) {
    const items = await store.listFleetItems(p!.id)
    itemsOf.set(p!.id, new Map(items.map((i) => [`${i.action}/${i.tenantId}`, i])))
  }
  const rows: FleetStatusRow[] = []
  for (const t of tenants) {
    const p = lastPlanOf.get(t.tenantId)
    const items = p ? itemsOf.get(p.id) : undefined
    const item = (action: string) => items?.get(`${action}/${t.tenantId}`)
    const plan = item('plan')
    const apply = item('apply')
    const check = item('check')
    const rollback = item('rollback')
    const run = apply?.runId != null ? await store.getRun(apply.runId) : undefined
    const changes = plan?.detail?.changes
    rows.push({
      tenantId: t.tenantId,
      name: t.name,
      tags: t.tags,
      state: t.state,
      access: t.access,
      lastFleetPlan: p ? { id: p.id, vendor: p.request.vendor, createdAt: p.createdAt } : null,
      planned: !plan
        ? null
        : plan.state === 'done' && typeof changes === 'number'
          ? `${changes} changes`
          : plan.state,
      applied: run?.status ?? (apply ? apply.state : null),
      check: checkVerdict(check),
      soonestExpiry: detailString(check, 'soonestExpiry'),
      lastError:
        [rollback, check, apply, plan].map(itemError).find(Boolean) ??
        (t.lastErrorCode || t.lastErrorMessage
          ? `${t.lastErrorCode ?? ''} ${t.lastErrorMessage ?? ''}`.trim()
          : null),
    })
  }
  const counts: Partial<Record<FleetTenantState, number>> = {}
  for (const r of rows) counts[r.state] = (counts[r.state] ?? 0) + 1
  return {
    tenants: rows.sort((a, b) => a.name.localeCompare(b.name)),
    counts,
    deadLetters: queue ? await queue.deadLetters(filter.deadLetterLimit ?? 20) : [],
    fleetPlans: plans.slice(0, 20).map((p) => ({
      id: p.id,
      vendor: p.request.vendor,
      selector: p.selector,
      tenants: p.tenantIds.length,
      createdAt: p.createdAt,
    })),
  }
}
