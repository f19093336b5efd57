/**
 * A failure that may pass (here Exchange answering 503 to every admin API call) is rethrown for
 * the queue to retry, the item saying the last error; on the last attempt (retryCount >=
 * retryLimit) the item is recorded failed before the error goes back to the queue.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openStore, type Store } from '../../store/index.js'
import { RetryableFleetError, runFleetJob, type FleetJobDeps } from './job.js'
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

beforeAll(async () => {
  fs = await fleetSandbox('err5xx=1')
  store = await openStore(':memory:')
  sessions = new TenantSessions({ keyPem: fs.keyPem, caPem: fs.sb.caPem, retry: QUICK_RETRY })
  deps = { session: (app, t) => sessions.get(app, t.tenantId, t.name), retryLimit: 2 }
}, 60_000)

afterAll(async () => {
  await sessions?.closeAll()
  await store?.close()
  await fs?.close()
})

it('a 503 is retried by the queue; the last attempt records failed, then rethrows', async () => {
  const t = fs.tenant('contoso')
  fs.register(t)
  const tenantId = t.snapshot.tenant.id
  const fp = await seedFleet(store, fs, [fleetTenantOf(t)])
  const first = runFleetJob(store, 'plan', { fleetPlanId: fp, tenantId, retryCount: 0 }, deps)
  await expect(first).rejects.toBeInstanceOf(RetryableFleetError)
  expect(await store.getFleetItem(fp, tenantId, 'plan')).toMatchObject({
    state: 'queued',
    errorCode: 'PASSAGE_E_EXO_FAILED',
    attempts: 1,
  })
  const last = runFleetJob(store, 'plan', { fleetPlanId: fp, tenantId, retryCount: 2 }, deps)
  await expect(last).rejects.toMatchObject({ code: 'PASSAGE_E_EXO_FAILED' })
  expect(await store.getFleetItem(fp, tenantId, 'plan')).toMatchObject({
    state: 'failed',
    errorCode: 'PASSAGE_E_EXO_FAILED',
    attempts: 2,
  })
  // A transient failure says nothing about access: the tenant stays enrolled.
  expect((await store.getFleetTenant(tenantId))?.state).toBe('enrolled')
}, 60_000)
