/**
 * A generated fleet for the dashboard's tests and benchmark (bench/dashboard.ts): `n` tenants
 * with tags and states, two fleet plans (two vendors) that planned, applied and checked most of
 * them, some red checks, some failures, and Tenant Allow/Block List expiries spread over the
 * coming weeks. Written through the Store's own methods, so the rows are what workers write.
 */
import type { FleetItem, FleetTenantState, Store } from './index.js'

/** What seedDashboardFleet made, for assertions. */
export interface SeededFleet {
  tenantIds: string[]
  planIds: [string, string]
  /** How many tenants are in each state. */
  states: Record<FleetTenantState, number>
}

const DAY = 86_400_000

/** The state of tenant `i`: 5% consent pending, 4% no access, 2% removed, the rest enrolled. */
export function seededState(i: number): FleetTenantState {
  const k = i % 100
  return k < 5 ? 'consent-pending' : k < 9 ? 'no-access' : k < 11 ? 'removed' : 'enrolled'
}

/** The tags of tenant `i`: every tenant a region, every tenth `pilot`. */
export function seededTags(i: number): string[] {
  return [['emea', 'amer', 'apac'][i % 3]!, ...(i % 10 === 0 ? ['pilot'] : [])]
}

/** Tenant `i`'s name (sorted by number). */
export function seededName(i: number): string {
  return `tenant-${String(i).padStart(4, '0')}.onmicrosoft.com`
}

/**
 * Seeds `n` tenants: even ones in plan A (trustifi), odd ones in plan B (knowbe4); every enrolled
 * tenant planned; two in three applied; of those, checks green except every seventh (red, with a
 * finding); expiries `i % 70` days after `now`.
 */
export async function seedDashboardFleet(
  store: Store,
  n: number,
  now = new Date(),
): Promise<SeededFleet> {
  const tenantIds: string[] = []
  const states = { 'consent-pending': 0, enrolled: 0, 'no-access': 0, removed: 0 }
  for (let i = 0; i < n; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
    const state = seededState(i)
    states[state]++
    tenantIds.push(id)
    await store.upsertFleetTenant({
      tenantId: id,
      name: seededName(i),
      tags: seededTags(i),
      state,
      access: i % 13 === 0 ? 'read' : 'change',
      enrolledAt: state === 'enrolled' ? now.toISOString() : null,
      lastErrorCode: state === 'no-access' ? 'PASSAGE_E_EXO_ROLE_MISSING' : null,
      lastErrorMessage: state === 'no-access' ? 'the app has no Exchange role' : null,
    })
  }
  const planIds: [string, string] = ['fp-0000000a', 'fp-0000000b']
  const vendors = ['trustifi', 'knowbe4']
  for (const [k, id] of planIds.entries()) {
    const members = tenantIds.filter((_, i) => i % 2 === k && seededState(i) !== 'removed')
    await store.createFleetPlan({
      id,
      request: { vendor: vendors[k]!, params: {}, mode: 'recommended' },
      selector: 'all',
      tenantIds: members,
      actor: 'seed',
      createdAt: new Date(now.getTime() - (2 - k) * DAY).toISOString(),
    })
  }
  for (let i = 0; i < n; i++) {
    const state = seededState(i)
    if (state === 'removed') continue
    const fleetPlanId = planIds[i % 2]!
    const tenantId = tenantIds[i]!
    const item = (over: Partial<Omit<FleetItem, 'updatedAt'>>): Omit<FleetItem, 'updatedAt'> => ({
      fleetPlanId,
      tenantId,
      action: 'plan',
      state: 'done',
      planHash: null,
      changeKey: null,
      runId: null,
      errorCode: null,
      errorMessage: null,
      detail: null,
      attempts: 1,
      ...over,
    })
    if (state !== 'enrolled') {
      await store.putFleetItem(
        item({
          state: 'no-access',
          errorCode: 'PASSAGE_E_FLEET_CONSENT',
          errorMessage: 'consent pending: the admin has not granted consent yet',
        }),
      )
      continue
    }
    await store.putFleetItem(item({ detail: { changes: 2 + (i % 3) } }))
    if (i % 3 === 2) continue
    await store.putFleetItem(item({ action: 'apply', detail: { steps: 2 } }))
    const red = i % 7 === 0
    const expiry = new Date(now.getTime() + (i % 70) * DAY + DAY / 2).toISOString()
    await store.putFleetItem(
      item({
        action: 'check',
        state: red ? 'failed' : 'done',
        detail: {
          green: !red,
          findings: red ? 1 : 0,
          checked: 4,
          soonestExpiry: expiry,
          ...(red ? { problems: ['Allowed IPs: the vendor’s IP range is missing'] } : {}),
        },
        ...(red
          ? { errorCode: 'PASSAGE_E_PLAN_DRIFT', errorMessage: '1 finding; first: Allowed IPs' }
          : {}),
      }),
    )
  }
  return { tenantIds, planIds, states }
}
