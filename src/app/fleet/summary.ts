/**
 * A fleet plan's summary: tenants whose plans make the same changes (the same change key: the
 * SHA-256 of their cmdlet calls) form one group, shown once with its change list and one
 * PowerShell preview, so 200 tenants read as a handful of groups. The preview is the change
 * blocks `passage plan --powershell` prints (src/core/powershell/render.ts), from one member's
 * frozen plan.
 */
import type { CmdletCall } from '../../core/cmdlet.js'
import { contentHash } from '../../core/hash.js'
import type { Plan } from '../../core/planner/types.js'
import { renderCall } from '../../core/powershell/render.js'
import type {
  FleetItem,
  FleetItemState,
  FleetPlanRecord,
  FleetTenant,
  Store,
} from '../../store/index.js'
import { requireFleetPlan } from './orchestrate.js'

/** A tenant as the summaries name it. */
export interface TenantRef {
  tenantId: string
  name: string
}

/** Tenants whose plans make the same changes. */
export interface FleetPlanGroup {
  /** The change key of the group's first member (see changeKeys). */
  changeKey: string
  /**
   * Every change key in the group: plans that differ only in parameters each tenant sets for
   * itself (PER_TENANT_PARAMS, e.g. a rule's -Priority among that tenant's own rules) share a group.
   */
  changeKeys: string[]
  /** The per-tenant parameters whose values differ inside the group. */
  varies: string[]
  tenants: TenantRef[]
  /** The changes (from one member's plan): id, what it does, its risk. */
  changes: { id: string; summary: string; risk: string }[]
  /** The equivalent PowerShell of those changes (the same for every member). */
  powershell: string
  /** The member whose plan the changes and PowerShell come from. */
  example: TenantRef & { planHash: string }
}

/** Tenants that share one reason (a refusal, a missing access). */
export interface ReasonGroup {
  reason: string
  code: string | null
  tenants: TenantRef[]
}

/** What a fleet plan found, grouped. */
export interface FleetPlanSummary {
  fleetPlan: FleetPlanRecord
  total: number
  /** Items not finished yet (queued or running). */
  pending: number
  groups: FleetPlanGroup[]
  /** Tenants where the vendor already works: nothing to change. */
  nothing: TenantRef[]
  refused: ReasonGroup[]
  noAccess: ReasonGroup[]
  failed: (TenantRef & { code: string | null; message: string | null })[]
  cancelled: TenantRef[]
}

/**
 * Parameters whose value each tenant's plan sets from that tenant's own configuration: a mail flow
 * rule's -Priority is its place among the tenant's existing rules (New-TransportRule.md), so two
 * tenants with the same changes usually differ there. The summary groups across them.
 */
export const PER_TENANT_PARAMS: readonly string[] = ['Priority']

/** The plan's calls with the per-tenant parameters masked: what a group has in common. */
export function shapeKey(changes: readonly { calls: readonly CmdletCall[] }[]): string {
  return contentHash(
    changes.map((c) =>
      c.calls.map((call) => ({
        cmdlet: call.cmdlet,
        params: Object.fromEntries(
          Object.entries(call.params).map(([k, v]) => [
            k,
            PER_TENANT_PARAMS.includes(k) ? '<per tenant>' : v,
          ]),
        ),
      })),
    ),
  )
}

/** The per-tenant parameters whose values differ between plans of one shape. */
function varyingParams(plans: readonly Plan[]): string[] {
  const out = new Set<string>()
  const first = plans[0]
  if (!first) return []
  for (const p of plans.slice(1))
    p.changes.forEach((c, i) =>
      c.calls.forEach((call, j) => {
        for (const k of PER_TENANT_PARAMS)
          if (
            JSON.stringify(call.params[k]) !== JSON.stringify(first.changes[i]?.calls[j]?.params[k])
          )
            out.add(k)
      }),
    )
  return [...out]
}

/** The PowerShell of a plan's changes: each change's id and summary, then its commands. */
export function changesScript(plan: Plan, varies: readonly string[] = []): string {
  const blocks = plan.changes.map((c) =>
    [`# [${c.id}] ${c.summary}`, ...c.calls.map(renderCall)].join('\n'),
  )
  if (varies.length)
    blocks.unshift(
      `# ${varies.map((v) => `-${v}`).join(', ')}: each tenant's own value (shown: ${plan.tenant.name}'s)`,
    )
  return blocks.join('\n\n')
}

/** Groups items by a key, keeping the first-seen order. */
function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const x of xs) {
    const k = key(x)
    const list = out.get(k)
    if (list) list.push(x)
    else out.set(k, [x])
  }
  return out
}

/** The names of the fleet's tenants (removed ones included: an old plan may name them). */
export async function tenantNames(
  store: Store,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const listed = await store.listFleetTenants()
  for (const t of listed) out.set(t.tenantId, t.name)
  for (const id of ids)
    if (!out.has(id)) {
      const t: FleetTenant | null = await store.getFleetTenant(id)
      out.set(id, t?.name ?? id)
    }
  return out
}

/** Items in `state`, grouped by their reason (the error message, else the code). */
export function reasonGroups(
  items: readonly FleetItem[],
  state: FleetItemState,
  ref: (id: string) => TenantRef,
): ReasonGroup[] {
  const chosen = items.filter((i) => i.state === state)
  return [...groupBy(chosen, (i) => i.errorMessage ?? i.errorCode ?? 'no reason given')].map(
    ([reason, xs]) => ({ reason, code: xs[0]!.errorCode, tenants: xs.map((x) => ref(x.tenantId)) }),
  )
}

/** The summary of a fleet plan's plan items, grouped by change key. */
export async function fleetPlanSummary(
  store: Store,
  fleetPlanId: string,
): Promise<FleetPlanSummary> {
  const fleetPlan = await requireFleetPlan(store, fleetPlanId)
  const items = await store.listFleetItems(fleetPlan.id, 'plan')
  const names = await tenantNames(
    store,
    items.map((i) => i.tenantId),
  )
  const ref = (id: string): TenantRef => ({ tenantId: id, name: names.get(id) ?? id })
  const byName = (a: FleetItem, b: FleetItem) =>
    ref(a.tenantId).name.localeCompare(ref(b.tenantId).name)
  const sorted = [...items].sort(byName)
  const groups: FleetPlanGroup[] = []
  const withChanges = sorted.filter((i) => i.state === 'done' && i.changeKey && i.planHash)
  // One plan read per change key, then change keys of the same shape merged into one group.
  const byShape = new Map<string, { keys: string[]; plans: Plan[]; members: FleetItem[] }>()
  for (const [changeKey, members] of groupBy(withChanges, (i) => i.changeKey!)) {
    const plan = await store.getPlan(members[0]!.planHash!)
    const shape = plan ? shapeKey(plan.changes) : `missing:${changeKey}`
    const g = byShape.get(shape) ?? { keys: [], plans: [], members: [] }
    g.keys.push(changeKey)
    if (plan) g.plans.push(plan)
    g.members.push(...members)
    byShape.set(shape, g)
  }
  for (const g of byShape.values()) {
    const members = [...g.members].sort(byName)
    const first = members[0]!
    const plan = g.plans[0]
    const varies = varyingParams(g.plans)
    groups.push({
      changeKey: g.keys[0]!,
      changeKeys: g.keys,
      varies,
      tenants: members.map((m) => ref(m.tenantId)),
      changes: (plan?.changes ?? []).map((c) => ({
        id: c.id,
        summary: c.summary,
        risk: c.risk.level,
      })),
      powershell: plan ? changesScript(plan, varies) : '',
      example: {
        ...ref(plan?.tenant.id ?? first.tenantId),
        planHash: plan?.hash ?? first.planHash!,
      },
    })
  }
  // Largest groups first: the common case leads.
  groups.sort(
    (a, b) => b.tenants.length - a.tenants.length || a.example.name.localeCompare(b.example.name),
  )
  return {
    fleetPlan,
    total: items.length,
    pending: sorted.filter((i) => i.state === 'queued' || i.state === 'running').length,
    groups,
    nothing: sorted.filter((i) => i.state === 'nothing').map((i) => ref(i.tenantId)),
    refused: reasonGroups(sorted, 'refused', ref),
    noAccess: reasonGroups(sorted, 'no-access', ref),
    failed: sorted
      .filter((i) => i.state === 'failed')
      .map((i) => ({ ...ref(i.tenantId), code: i.errorCode, message: i.errorMessage })),
    cancelled: sorted.filter((i) => i.state === 'cancelled').map((i) => ref(i.tenantId)),
  }
}
