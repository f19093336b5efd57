import { expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { planVerified } from './plans.js'
import { describeStores, samplePlan, sampleSnapshot, TENANT_ID } from './test-fixtures.js'

const fabrikam = {
  id: TENANT_ID,
  name: 'fabrikam.onmicrosoft.com',
  displayName: 'Fabrikam',
  licence: 'eop' as const,
}

describeStores('tenants', (f) => {
  it('upserts, gets and lists tenants', async () => {
    const s = f.store()
    const saved = await s.upsertTenant({ ...fabrikam, snapshot: sampleSnapshot() })
    expect(saved).toMatchObject({ ...fabrikam, lastDiscoveredAt: '2026-11-20T09:00:00.000Z' })
    expect(saved.snapshot).toEqual(sampleSnapshot())
    await s.upsertTenant({
      id: '11111111-2222-4333-8444-555555555555',
      name: 'contoso.onmicrosoft.com',
      displayName: 'Contoso',
      licence: 'mdo-p2',
    })
    expect((await s.listTenants()).map((t) => t.name)).toEqual([
      'contoso.onmicrosoft.com',
      'fabrikam.onmicrosoft.com',
    ])
    expect(await s.getTenant('00000000-0000-4000-8000-000000000000')).toBeUndefined()
  })

  it('upserting with a snapshot returns the record as stored, without reading it back', async () => {
    const s = f.store()
    const saved = await s.upsertTenant({
      ...fabrikam,
      snapshot: sampleSnapshot(),
      discoveredAt: '2026-11-19T08:00:00.000Z',
    })
    expect(saved).toEqual(await s.getTenant(TENANT_ID))
    expect(saved.lastDiscoveredAt).toBe('2026-11-19T08:00:00.000Z')
  })

  it('knows whether a tenant is stored, and its name, without its snapshot', async () => {
    const s = f.store()
    expect(await s.hasTenant(TENANT_ID)).toBe(false)
    expect(await s.tenantName(TENANT_ID)).toBeUndefined()
    await s.upsertTenant({ ...fabrikam, snapshot: sampleSnapshot() })
    expect(await s.hasTenant(TENANT_ID)).toBe(true)
    expect(await s.tenantName(TENANT_ID)).toBe('fabrikam.onmicrosoft.com')
  })

  it('refuses a snapshot holding a secret, and stores nothing', async () => {
    const s = f.store()
    const snapshot = sampleSnapshot()
    const leaky = {
      ...snapshot,
      tenant: { ...snapshot.tenant, displayName: 'Bearer abcdefghijklmnopqrstuvwxyz' },
    }
    const err = await s.upsertTenant({ ...fabrikam, snapshot: leaky }).catch((e: unknown) => e)
    expect(isPassageError(err, 'PASSAGE_E_STORE_SECRET')).toBe(true)
    expect(await s.hasTenant(TENANT_ID)).toBe(false)
  })

  it('an update without a snapshot keeps the stored snapshot', async () => {
    const s = f.store()
    await s.upsertTenant({ ...fabrikam, snapshot: sampleSnapshot() })
    f.clock.advance(60_000)
    const t = await s.upsertTenant({ ...fabrikam, displayName: 'Fabrikam Ltd', licence: 'mdo-p1' })
    expect(t.displayName).toBe('Fabrikam Ltd')
    expect(t.licence).toBe('mdo-p1')
    expect(t.snapshot).toEqual(sampleSnapshot())
    expect(t.lastDiscoveredAt).toBe('2026-11-20T09:00:00.000Z')
  })
})

describeStores('plans', (f) => {
  it('saving the same plan twice stores it once', async () => {
    const s = f.store()
    const p = samplePlan()
    expect(await s.savePlan(p)).toEqual({ hash: p.hash, created: true })
    expect(await s.savePlan(structuredClone(p))).toEqual({ hash: p.hash, created: false })
    expect(await s.getPlan(p.hash)).toEqual(p)
    expect(await s.listPlans(p.tenant.id)).toEqual([
      { hash: p.hash, tenantId: p.tenant.id, vendorId: p.vendor.id, createdAt: p.createdAt },
    ])
  })

  it('a plan checked once and then edited in place is refused when saved again', async () => {
    const s = f.store()
    // A copy that is not frozen (the planner's plans are), so that it can be edited in place.
    const p = structuredClone(samplePlan())
    // Checked (and remembered for this object with its JSON text), then saved: no second hash.
    expect(planVerified(p)).toBe(true)
    expect(await s.savePlan(p)).toEqual({ hash: p.hash, created: true })
    // The same object edited afterwards: its text changed, so its hash is checked again.
    p.notices.push('edited after it was checked')
    expect(planVerified(p)).toBe(false)
    const err = await s.savePlan(p).catch((e: unknown) => e)
    expect(isPassageError(err, 'PASSAGE_E_PLAN_TAMPERED')).toBe(true)
    expect((await s.getPlan(p.hash))?.notices).not.toContain('edited after it was checked')
  })

  it('refuses a plan whose hash does not match its content', async () => {
    const s = f.store()
    const p = { ...samplePlan(), notices: ['edited'] }
    const err = await s.savePlan(p).catch((e: unknown) => e)
    expect(isPassageError(err, 'PASSAGE_E_PLAN_TAMPERED')).toBe(true)
    expect(await s.getPlan(p.hash)).toBeUndefined()
  })
})
