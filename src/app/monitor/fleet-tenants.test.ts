import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isPassageError } from '../../core/errors/index.js'
import { openStore, type Store } from '../../store/index.js'
import { fleetMonitorTenants } from './fleet-tenants.js'

let store: Store
beforeEach(async () => {
  store = await openStore(':memory:')
})
afterEach(() => store.close())

const tenant = (n: number, state: 'consent-pending' | 'enrolled' | 'no-access' | 'removed') => ({
  tenantId: `${n}1111111-1111-4111-8111-111111111111`,
  name: `t${n}.onmicrosoft.com`,
  tags: n % 2 ? ['eu'] : ['us'],
  state,
  access: 'change' as const,
  enrolledAt: null,
  lastErrorCode: null,
  lastErrorMessage: null,
})

describe('fleetMonitorTenants', () => {
  it('refuses without the fleet app (PASSAGE_E_FLEET_APP)', async () => {
    const e = await fleetMonitorTenants(store, { keyPem: 'k' }).catch((x) => x)
    expect(isPassageError(e) && e.code).toBe('PASSAGE_E_FLEET_APP')
  })

  it('takes enrolled and no-access tenants (a broken one is watched until mended), by tag', async () => {
    await store.saveFleetApp({
      appId: 'aaaaaaaa-0000-4000-8000-000000000001',
      thumbprintSha256: 'ab'.repeat(32),
      certificateFile: '/nowhere/app.pem',
      endpoints: {
        authority: 'https://login.microsoftonline.com',
        exchangeBase: 'https://outlook.office365.com',
        graphBase: 'https://graph.microsoft.com',
      },
      caFile: null,
      createdAt: '2026-11-20T08:00:00.000Z',
    })
    await store.upsertFleetTenant(tenant(1, 'enrolled'))
    await store.upsertFleetTenant(tenant(2, 'no-access'))
    await store.upsertFleetTenant(tenant(3, 'consent-pending'))
    await store.upsertFleetTenant(tenant(5, 'removed'))
    await store.upsertFleetTenant(tenant(7, 'no-access'))
    const all = await fleetMonitorTenants(store, { keyPem: 'k' })
    expect(all.map((t) => t.name).sort()).toEqual([
      't1.onmicrosoft.com',
      't2.onmicrosoft.com',
      't7.onmicrosoft.com',
    ])
    const eu = await fleetMonitorTenants(store, { keyPem: 'k', tag: 'eu' })
    expect(eu.map((t) => t.name).sort()).toEqual(['t1.onmicrosoft.com', 't7.onmicrosoft.com'])
  })
})
