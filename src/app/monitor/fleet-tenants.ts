/**
 * The fleet's tenants as the monitor takes them: every enrolled tenant (and those marked
 * no-access, so that a broken one is classified, and alerted, when it breaks and when it is
 * mended), each opened with the fleet app's certificate and the key the caller holds in memory.
 */
import { PassageError } from '../../core/errors/index.js'
import type { Store } from '../../store/index.js'
import { openAppSession } from '../fleet/tenant-sessions.js'
import type { MonitorTenant } from './run.js'

/** The monitor's view of the fleet, optionally only the tenants carrying `tag`. */
export async function fleetMonitorTenants(
  store: Store,
  opts: { keyPem: string; caPem?: string; tag?: string },
): Promise<MonitorTenant[]> {
  const app = await store.getFleetApp()
  if (!app) throw new PassageError('PASSAGE_E_FLEET_APP', 'The fleet has no app registration yet.')
  const tenants = await store.listFleetTenants({
    ...(opts.tag ? { tag: opts.tag } : {}),
    states: ['enrolled', 'no-access'],
  })
  return tenants.map((t) => ({
    tenantId: t.tenantId,
    name: t.name,
    open: () =>
      openAppSession(app, t.tenantId, {
        keyPem: opts.keyPem,
        tenantName: t.name,
        ...(opts.caPem ? { caPem: opts.caPem } : {}),
      }),
  }))
}
