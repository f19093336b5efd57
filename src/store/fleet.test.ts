import { expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import type { FleetApp, FleetItem, FleetPlanRecord, FleetTenant } from './fleet.js'
import { describeStores } from './test-fixtures.js'

const T1 = '11111111-1111-4111-8111-111111111111'
const T2 = '22222222-2222-4222-8222-222222222222'
const T3 = '33333333-3333-4333-8333-333333333333'

const PEM =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----'
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmNkZWYifQ.c2lnbmF0dXJl'

function tenant(id: string, over: Partial<Omit<FleetTenant, 'updatedAt'>> = {}) {
  return {
    tenantId: id,
    name: `t${id.slice(0, 1)}.onmicrosoft.com`,
    tags: ['eu'],
    state: 'enrolled' as const,
    access: 'change' as const,
    enrolledAt: '2026-11-20T08:00:00.000Z',
    lastErrorCode: null,
    lastErrorMessage: null,
    ...over,
  }
}

const APP: FleetApp = {
  appId: 'aaaaaaaa-0000-4000-8000-000000000001',
  thumbprintSha256: 'ab'.repeat(32),
  certificateFile: '/home/op/app.pem',
  endpoints: {
    authority: 'https://login.microsoftonline.com',
    exchangeBase: 'https://outlook.office365.com',
    graphBase: 'https://graph.microsoft.com',
  },
  caFile: null,
  createdAt: '2026-11-20T08:00:00.000Z',
}

function fleetPlan(id: string, createdAt: string, over: Partial<FleetPlanRecord> = {}) {
  return {
    id,
    request: { vendor: 'trustifi', params: { region: 'us' }, mode: 'recipe' as const },
    selector: 'tag:eu',
    tenantIds: [T1, T2],
    actor: 'op@contoso.com',
    createdAt,
    ...over,
  }
}

function item(tenantId: string, over: Partial<Omit<FleetItem, 'updatedAt'>> = {}) {
  return {
    fleetPlanId: 'fp-0000aaaa',
    tenantId,
    action: 'plan' as const,
    state: 'queued' as const,
    planHash: null,
    changeKey: null,
    runId: null,
    errorCode: null,
    errorMessage: null,
    detail: null,
    attempts: 0,
    ...over,
  }
}

async function refusedAsSecret(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    expect(isPassageError(e) && e.code).toBe('PASSAGE_E_STORE_SECRET')
    return (e as Error).message
  }
  throw new Error('expected a refusal')
}

describeStores('fleet store', (f) => {
  it('keeps one app registration: saving again replaces it; none before', async () => {
    const s = f.store()
    expect(await s.getFleetApp()).toBeNull()
    await s.saveFleetApp(APP)
    expect(await s.getFleetApp()).toEqual(APP)
    const next = { ...APP, appId: 'bbbbbbbb-0000-4000-8000-000000000002', caFile: '/tmp/ca.pem' }
    await s.saveFleetApp(next)
    expect(await s.getFleetApp()).toEqual(next)
  })

  it('upserts tenants by id, stamps updatedAt with the store clock, lists by name', async () => {
    const s = f.store()
    await s.upsertFleetTenant(tenant(T2, { name: 'b.onmicrosoft.com' }))
    await s.upsertFleetTenant(tenant(T1, { name: 'a.onmicrosoft.com', tags: ['us', 'gold'] }))
    f.clock.advance(60_000)
    await s.upsertFleetTenant(
      tenant(T2, { name: 'b.onmicrosoft.com', state: 'no-access', lastErrorCode: 'PASSAGE_E_X' }),
    )
    const t2 = await s.getFleetTenant(T2)
    expect(t2).toMatchObject({ state: 'no-access', lastErrorCode: 'PASSAGE_E_X' })
    expect(t2?.updatedAt).toBe('2026-11-20T09:01:00.000Z')
    expect((await s.listFleetTenants()).map((t) => t.name)).toEqual([
      'a.onmicrosoft.com',
      'b.onmicrosoft.com',
    ])
    expect(await s.getFleetTenant(T3)).toBeNull()
  })

  it('lists tenants not removed; filters by tag and by states', async () => {
    const s = f.store()
    await s.upsertFleetTenant(tenant(T1, { tags: ['eu', 'gold'] }))
    await s.upsertFleetTenant(tenant(T2, { tags: ['us'], state: 'consent-pending' }))
    await s.upsertFleetTenant(tenant(T3, { tags: ['eu'], state: 'removed' }))
    const ids = (ts: FleetTenant[]) => ts.map((t) => t.tenantId)
    expect(ids(await s.listFleetTenants())).toEqual([T1, T2])
    expect(ids(await s.listFleetTenants({ tag: 'eu' }))).toEqual([T1])
    expect(ids(await s.listFleetTenants({ tag: 'gol' }))).toEqual([])
    expect(ids(await s.listFleetTenants({ states: ['consent-pending'] }))).toEqual([T2])
    expect(ids(await s.listFleetTenants({ states: ['removed'] }))).toEqual([T3])
    expect(ids(await s.listFleetTenants({ states: [] }))).toEqual([])
  })

  it('stores fleet plans as given and lists them newest first', async () => {
    const s = f.store()
    const older = fleetPlan('fp-0000aaaa', '2026-11-20T08:00:00.000Z', {
      request: {
        vendor: 'trustifi',
        params: {},
        mode: 'recommended',
        protections: ['safe-links'],
        presetExceptions: ['standard'],
      },
    })
    const newer = fleetPlan('fp-0000bbbb', '2026-11-20T08:30:00.000Z')
    await s.createFleetPlan(older)
    await s.createFleetPlan(newer)
    expect(await s.getFleetPlan('fp-0000aaaa')).toEqual(older)
    expect(await s.getFleetPlan('fp-0000cccc')).toBeNull()
    expect((await s.listFleetPlans()).map((p) => p.id)).toEqual(['fp-0000bbbb', 'fp-0000aaaa'])
  })

  it('puts items by (plan, tenant, action): a second put replaces; counts by state', async () => {
    const s = f.store()
    await s.createFleetPlan(fleetPlan('fp-0000aaaa', '2026-11-20T08:00:00.000Z'))
    await s.putFleetItem(item(T1))
    await s.putFleetItem(item(T2))
    await s.putFleetItem(item(T1, { action: 'apply' }))
    f.clock.advance(1000)
    await s.putFleetItem(
      item(T1, {
        state: 'done',
        planHash: 'h1',
        changeKey: 'k1',
        runId: 7,
        detail: { changes: 3 },
        attempts: 2,
      }),
    )
    expect(await s.getFleetItem('fp-0000aaaa', T1, 'plan')).toEqual({
      ...item(T1),
      state: 'done',
      planHash: 'h1',
      changeKey: 'k1',
      runId: 7,
      detail: { changes: 3 },
      attempts: 2,
      updatedAt: '2026-11-20T09:00:01.000Z',
    })
    expect(await s.getFleetItem('fp-0000aaaa', T3, 'plan')).toBeNull()
    expect((await s.listFleetItems('fp-0000aaaa', 'plan')).map((i) => i.tenantId)).toEqual([T1, T2])
    expect(await s.listFleetItems('fp-0000aaaa')).toHaveLength(3)
    expect(await s.countFleetItems('fp-0000aaaa', 'plan')).toEqual({ done: 1, queued: 1 })
    expect(await s.countFleetItems('fp-0000aaaa', 'check')).toEqual({})
  })

  it('putFleetItems writes several items in one call as putFleetItem one after another would (the last of a repeated one wins)', async () => {
    const s = f.store()
    await s.createFleetPlan(fleetPlan('fp-0000aaaa', '2026-11-20T08:00:00.000Z'))
    await s.putFleetItem(item(T1, { state: 'done', attempts: 1 }))
    await s.putFleetItems([
      item(T1),
      item(T2, { action: 'apply', planHash: 'h2' }),
      item(T3, { state: 'running' }),
      item(T3, { state: 'failed', errorCode: 'PASSAGE_E_INTERNAL', errorMessage: 'x' }),
    ])
    await s.putFleetItems([])
    expect(await s.getFleetItem('fp-0000aaaa', T1, 'plan')).toMatchObject({
      state: 'queued',
      attempts: 0,
    })
    expect(await s.getFleetItem('fp-0000aaaa', T2, 'apply')).toMatchObject({ planHash: 'h2' })
    expect(await s.getFleetItem('fp-0000aaaa', T3, 'plan')).toMatchObject({
      state: 'failed',
      errorMessage: 'x',
    })
    // A secret anywhere refuses the whole call: nothing of it is written.
    await refusedAsSecret(s.putFleetItems([item(T2), item(T1, { errorMessage: JWT })]))
    expect(await s.getFleetItem('fp-0000aaaa', T2, 'plan')).toBeNull()
  })

  it('getFleetAppAndTenant reads the app and a tenant as getFleetApp and getFleetTenant do; no app, no tenant', async () => {
    const s = f.store()
    await s.upsertFleetTenant(tenant(T1))
    expect(await s.getFleetAppAndTenant(T1)).toEqual({ app: null, tenant: null })
    await s.saveFleetApp(APP)
    expect(await s.getFleetAppAndTenant(T1)).toEqual({
      app: await s.getFleetApp(),
      tenant: await s.getFleetTenant(T1),
    })
    expect(await s.getFleetAppAndTenant(T2)).toEqual({ app: APP, tenant: null })
  })

  it("getFleetItems reads a tenant's items of several actions at once, by action", async () => {
    const s = f.store()
    await s.createFleetPlan(fleetPlan('fp-0000aaaa', '2026-11-20T08:00:00.000Z'))
    await s.putFleetItem(item(T1, { state: 'done', planHash: 'h1' }))
    await s.putFleetItem(item(T1, { action: 'apply', state: 'running' }))
    await s.putFleetItem(item(T2, { action: 'check' }))
    const got = await s.getFleetItems('fp-0000aaaa', T1, ['apply', 'plan', 'check'])
    expect(Object.keys(got).sort()).toEqual(['apply', 'plan'])
    expect(got.plan).toEqual(await s.getFleetItem('fp-0000aaaa', T1, 'plan'))
    expect(got.apply?.state).toBe('running')
    expect(await s.getFleetItems('fp-0000aaaa', T1, [])).toEqual({})
  })

  it('refuses an item of an unknown fleet plan (foreign key)', async () => {
    await expect(f.store().putFleetItem(item(T1, { fleetPlanId: 'fp-nope' }))).rejects.toSatisfy(
      (e: unknown) => isPassageError(e) && e.code === 'PASSAGE_E_INTERNAL',
    )
  })

  it('refuses secrets in fleet rows: a PEM key in a tag, a token in a param or error message', async () => {
    const s = f.store()
    await s.createFleetPlan(fleetPlan('fp-0000aaaa', '2026-11-20T08:00:00.000Z'))
    const m1 = await refusedAsSecret(s.upsertFleetTenant(tenant(T1, { tags: [PEM] })))
    expect(m1).not.toContain('MIIEvQ')
    await refusedAsSecret(
      s.upsertFleetTenant(tenant(T1, { lastErrorMessage: `sign-in said Bearer ${JWT}` })),
    )
    await refusedAsSecret(
      s.createFleetPlan(
        fleetPlan('fp-0000bbbb', '2026-11-20T08:00:00.000Z', {
          request: { vendor: 'x', params: { token: 'abc' }, mode: 'recipe' },
        }),
      ),
    )
    await refusedAsSecret(
      s.createFleetPlan(
        fleetPlan('fp-0000cccc', '2026-11-20T08:00:00.000Z', {
          request: { vendor: 'x', params: { note: JWT }, mode: 'recipe' },
        }),
      ),
    )
    await refusedAsSecret(s.putFleetItem(item(T1, { errorMessage: `failed: ${JWT}` })))
    await refusedAsSecret(s.putFleetItem(item(T1, { detail: { privateKey: 'x' } })))
    await refusedAsSecret(s.saveFleetApp({ ...APP, certificateFile: PEM }))
    // Nothing of the refused rows was written.
    expect(await s.getFleetTenant(T1)).toBeNull()
    expect(await s.getFleetPlan('fp-0000bbbb')).toBeNull()
    expect(await s.getFleetItem('fp-0000aaaa', T1, 'plan')).toBeNull()
    expect(await s.getFleetApp()).toBeNull()
  })

  it('the database refuses a state outside the allowed set (check constraint)', async () => {
    const s = f.store()
    await s.createFleetPlan(fleetPlan('fp-0000aaaa', '2026-11-20T08:00:00.000Z'))
    await expect(
      s.putFleetItem(item(T1, { state: 'exploded' as unknown as 'done' })),
    ).rejects.toSatisfy((e: unknown) => isPassageError(e) && e.code === 'PASSAGE_E_INTERNAL')
    await expect(
      s.upsertFleetTenant(tenant(T1, { access: 'admin' as unknown as 'read' })),
    ).rejects.toSatisfy((e: unknown) => isPassageError(e) && e.code === 'PASSAGE_E_INTERNAL')
  })
})
