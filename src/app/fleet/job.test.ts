/**
 * runFleetJob against the sandbox over HTTPS, with an in-memory SQLite store (no queue): each
 * action runs the single-tenant use case with the fleet app's session and writes the item; a
 * failure becomes the item's state as item-state.ts says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../core/hash.js'
import { openStore, type Store } from '../../store/index.js'
import { changeKeyOf, runFleetJob, type FleetJobDeps } from './job.js'
import { TenantSessions } from './tenant-sessions.js'
import {
  fleetSandbox,
  fleetTenantOf,
  QUICK_RETRY,
  seedFleet,
  type FleetSandbox,
} from './test-fixtures.js'

let fs: FleetSandbox
let store: Store
let sessions: TenantSessions
let deps: FleetJobDeps
let fp: string
let contoso: string
let fabrikam: string
const opened: string[] = []

beforeAll(async () => {
  fs = await fleetSandbox()
  store = await openStore(':memory:')
  const c = fs.tenant('contoso')
  const f = fs.tenant('fabrikam')
  fs.register(c)
  // fabrikam: consented (the app can sign in) but its service principal has no role.
  fs.register(f, [])
  contoso = c.snapshot.tenant.id
  fabrikam = f.snapshot.tenant.id
  fp = await seedFleet(store, fs, [fleetTenantOf(c), fleetTenantOf(f)])
  sessions = new TenantSessions({
    keyPem: fs.keyPem,
    caPem: fs.sb.caPem,
    retry: QUICK_RETRY,
    open: async (app, tenantId, o) => {
      opened.push(tenantId)
      const { openAppSession } = await import('./tenant-sessions.js')
      return openAppSession(app, tenantId, o)
    },
  })
  deps = {
    session: (app, t) => sessions.get(app, t.tenantId, t.name),
    evict: (id) => sessions.evict(id),
  }
}, 60_000)

afterAll(async () => {
  await sessions?.closeAll()
  await store?.close()
  await fs?.close()
})

describe('runFleetJob', () => {
  it('plan: discovers, plans and saves the plan; the item is done with its hash, change key and change count', async () => {
    const item = await runFleetJob(store, 'plan', { fleetPlanId: fp, tenantId: contoso }, deps)
    expect(item.state).toBe('done')
    expect(item.attempts).toBe(1)
    expect(item.planHash).toMatch(/^[0-9a-f]{64}$/)
    expect(item.changeKey).toMatch(/^[0-9a-f]{64}$/)
    const plan = await store.getPlan(item.planHash ?? '')
    expect(plan?.tenant.id).toBe(contoso)
    expect(item.detail?.changes).toBe(plan?.changes.length)
    expect(plan?.changes.length).toBeGreaterThan(0)
  }, 60_000)

  it('the change key depends on the cmdlet calls only: same calls, same key; another parameter, another key', async () => {
    const item = await store.getFleetItem(fp, contoso, 'plan')
    const plan = await store.getPlan(item?.planHash ?? '')
    if (!plan) throw new Error('no plan')
    expect(changeKeyOf(plan)).toBe(item?.changeKey)
    const renamed = {
      ...plan,
      changes: plan.changes.map((c) => ({ ...c, id: `x-${c.id}`, summary: 'other words' })),
    }
    expect(changeKeyOf(renamed)).toBe(item?.changeKey)
    const [first, ...rest] = plan.changes
    if (!first?.calls[0]) throw new Error('no call')
    const changed = {
      ...plan,
      changes: [
        {
          ...first,
          calls: [{ ...first.calls[0], params: { ...first.calls[0].params, Extra: 1 } }],
        },
        ...rest,
      ],
    }
    expect(changeKeyOf(changed)).not.toBe(item?.changeKey)
  })

  it('apply: applies the tenant’s plan of the fleet plan; done with the run id, the sandbox holds the changes', async () => {
    const before = canonicalJson(fs.tenant('contoso').snapshot.state)
    const item = await runFleetJob(store, 'apply', { fleetPlanId: fp, tenantId: contoso }, deps)
    expect(item.errorMessage).toBeNull()
    expect(item.state).toBe('done')
    expect(item.runId).toBeGreaterThan(0)
    expect(canonicalJson(fs.tenant('contoso').snapshot.state)).not.toBe(before)
    const run = await store.getRun(item.runId ?? 0)
    expect(run?.status).toBe('done')
    expect(run?.actor).toBe(`app:${fs.app.appId}`)
  }, 60_000)

  it('apply again: the run is already done, nothing is made twice', async () => {
    const state = canonicalJson(fs.tenant('contoso').snapshot.state)
    const item = await runFleetJob(store, 'apply', { fleetPlanId: fp, tenantId: contoso }, deps)
    expect(item.state).toBe('done')
    expect(item.attempts).toBe(2)
    expect(item.detail?.alreadyApplied).toBe(true)
    expect(canonicalJson(fs.tenant('contoso').snapshot.state)).toBe(state)
  }, 60_000)

  it('check: green after apply; done with findings 0', async () => {
    const item = await runFleetJob(store, 'check', { fleetPlanId: fp, tenantId: contoso }, deps)
    expect(item.state).toBe('done')
    expect(item.detail).toMatchObject({ green: true, findings: 0 })
  }, 60_000)

  it('one session per tenant: the jobs above signed the app in to contoso once', () => {
    expect(opened.filter((t) => t === contoso)).toHaveLength(1)
  })

  it('rollback: undoes the fleet plan’s apply run; the tenant is as before', async () => {
    const item = await runFleetJob(store, 'rollback', { fleetPlanId: fp, tenantId: contoso }, deps)
    expect(item.state).toBe('done')
    expect(item.detail?.status).toBe('done')
    const applied = await store.getFleetItem(fp, contoso, 'apply')
    expect((await store.getRun(applied?.runId ?? 0))?.status).toBe('rolled-back')
  }, 60_000)

  it('a service principal without a role: the item and the fleet tenant are no-access, with the reason', async () => {
    const item = await runFleetJob(store, 'plan', { fleetPlanId: fp, tenantId: fabrikam }, deps)
    expect(item.state).toBe('no-access')
    expect(item.errorCode).toMatch(/PASSAGE_E_(EXO_ROLE_MISSING|SIGNIN|EXO_API_DISABLED)/)
    const t = await store.getFleetTenant(fabrikam)
    expect(t?.state).toBe('no-access')
    expect(t?.lastErrorCode).toBe(item.errorCode)
    expect(t?.lastErrorMessage).toBeTruthy()
  }, 60_000)

  it('a tenant not in the fleet is refused with PASSAGE_E_FLEET_TENANT_UNKNOWN', async () => {
    const id = '00000000-0000-4000-8000-000000000001'
    const item = await runFleetJob(store, 'plan', { fleetPlanId: fp, tenantId: id }, deps)
    expect(item).toMatchObject({ state: 'refused', errorCode: 'PASSAGE_E_FLEET_TENANT_UNKNOWN' })
  })

  it('a removed tenant is refused too', async () => {
    const t = await store.getFleetTenant(contoso)
    if (!t) throw new Error('contoso missing')
    await store.upsertFleetTenant({ ...t, state: 'removed' })
    try {
      const item = await runFleetJob(store, 'check', { fleetPlanId: fp, tenantId: contoso }, deps)
      expect(item).toMatchObject({ state: 'refused', errorCode: 'PASSAGE_E_FLEET_TENANT_UNKNOWN' })
    } finally {
      await store.upsertFleetTenant({ ...t, state: 'enrolled' })
    }
  })

  it('a tenant enrolled read-only is refused for apply (View-Only Organization Management)', async () => {
    const t = await store.getFleetTenant(contoso)
    if (!t) throw new Error('contoso missing')
    await store.upsertFleetTenant({ ...t, access: 'read' })
    try {
      const item = await runFleetJob(store, 'apply', { fleetPlanId: fp, tenantId: contoso }, deps)
      expect(item).toMatchObject({ state: 'refused', errorCode: 'PASSAGE_E_INPUT' })
    } finally {
      await store.upsertFleetTenant({ ...t, access: 'change' })
    }
  })

  it('apply without a plan of this fleet plan is refused, not run', async () => {
    const other = await seedFleet(store, fs, [fleetTenantOf(fs.tenant('contoso'))], 'fp-0000none')
    const item = await runFleetJob(store, 'apply', { fleetPlanId: other, tenantId: contoso }, deps)
    expect(item).toMatchObject({ state: 'refused', errorCode: 'PASSAGE_E_PLAN_INVALID' })
  })
})
