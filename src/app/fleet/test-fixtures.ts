/**
 * Fixtures for the fleet's tests: a sandbox over HTTPS with the operator's multi-tenant app
 * registered in its tenants (its certificate in a temporary file, its key in memory), a store
 * holding the fleet app, tenants and one fleet plan. Nothing here stands in for passage's code.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DirectoryRoleName, SandboxTenant } from '../../sandbox/contracts.js'
import { createAppCredentials } from '../../sandbox/identity/index.js'
import { startSandbox, type RunningSandbox } from '../../sandbox/index.js'
import type { Store } from '../../store/index.js'
import type { FleetApp, FleetPlanRequest, FleetTenant } from '../../store/fleet.js'

/** Quick client retries for tests. */
export const QUICK_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 }

/** ContactMonkey's recommended plan (region us, a dedicated IP): the request of the tests. */
export const CONTACT_MONKEY: FleetPlanRequest = {
  vendor: 'contactmonkey',
  params: { region: 'us', dedicatedIp: '167.89.10.20' },
  mode: 'recommended',
}

export interface FleetSandbox {
  sb: RunningSandbox
  app: FleetApp
  keyPem: string
  /** The app's registration in the sandbox (to register it in more tenants). */
  register(tenant: SandboxTenant, roles?: DirectoryRoleName[]): void
  tenant(prefix: string): SandboxTenant
  close(): Promise<void>
}

/** Starts a sandbox (with `faults`) and makes the fleet app (registered in no tenant yet). */
export async function fleetSandbox(faults?: string): Promise<FleetSandbox> {
  const sb = await startSandbox({ port: 0, ...(faults ? { faults } : {}) })
  const creds = createAppCredentials({
    displayName: 'passage fleet tests',
    appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All', 'Domain.Read.All'],
    roles: ['Exchange Administrator'],
  })
  const dir = mkdtempSync(join(tmpdir(), 'passage-fleet-'))
  const certificateFile = join(dir, 'app.cert.pem')
  writeFileSync(certificateFile, creds.certificatePem)
  const app: FleetApp = {
    appId: creds.app.clientId,
    thumbprintSha256: creds.sha256Hex,
    certificateFile,
    endpoints: { authority: sb.url, exchangeBase: sb.url, graphBase: sb.url },
    caFile: null,
    createdAt: new Date().toISOString(),
  }
  return {
    sb,
    app,
    keyPem: creds.privateKeyPem,
    register(t, roles = ['Exchange Administrator']) {
      sb.addApp(t.snapshot.tenant.name, { ...creds.app, roles })
    },
    tenant(prefix) {
      const t = sb.world.tenants.find((x) => x.snapshot.tenant.name.startsWith(prefix))
      if (!t) throw new Error(`no sandbox tenant ${prefix}`)
      return t
    },
    async close() {
      await sb.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The fleet tenant record of a sandbox tenant. */
export function fleetTenantOf(
  t: SandboxTenant,
  over: Partial<Omit<FleetTenant, 'updatedAt'>> = {},
): Omit<FleetTenant, 'updatedAt'> {
  return {
    tenantId: t.snapshot.tenant.id,
    name: t.snapshot.tenant.name,
    tags: [],
    state: 'enrolled',
    access: 'change',
    enrolledAt: new Date().toISOString(),
    lastErrorCode: null,
    lastErrorMessage: null,
    ...over,
  }
}

/** Saves the app, the tenants and a fleet plan over them; returns the fleet plan's id. */
export async function seedFleet(
  store: Store,
  fs: FleetSandbox,
  tenants: Omit<FleetTenant, 'updatedAt'>[],
  id = 'fp-0000test',
  request: FleetPlanRequest = CONTACT_MONKEY,
): Promise<string> {
  await store.saveFleetApp(fs.app)
  for (const t of tenants) await store.upsertFleetTenant(t)
  await store.createFleetPlan({
    id,
    request,
    selector: 'all',
    tenantIds: tenants.map((t) => t.tenantId),
    actor: 'fleet tests',
    createdAt: new Date().toISOString(),
  })
  return id
}
