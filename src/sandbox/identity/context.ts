import type { SandboxAdmin, SandboxApp, SandboxTenant, SandboxWorld } from '../contracts.js'
import { Errors } from './errors.js'
import type { SigningKey } from './keys.js'

/** What every part of the identity shares: the world, the clock, the key and the settings. */
export interface IdentityContext {
  world: () => SandboxWorld
  baseUrl: () => string
  now: () => Date
  key: SigningKey
  pollIntervalSeconds: number
  /** How long a pending device-code poll waits for the admin's decision (0: not at all). */
  holdPendingPollSeconds: number
  deviceCodeLifetimeSeconds: number
  accessTokenLifetimeSeconds: number
  refreshTokenLifetimeSeconds: number
  clientNames: Record<string, string>
}

/** The tenant path segments that do not name a tenant. */
export const MULTI_TENANT = new Set(['common', 'organizations'])

/** A tenant by GUID, onmicrosoft name or any accepted domain (case-insensitive). */
export function findTenant(world: SandboxWorld, idOrName: string): SandboxTenant | null {
  const key = idOrName.trim().toLowerCase()
  if (key === '') return null
  return (
    world.tenants.find(
      (t) =>
        t.snapshot.tenant.id.toLowerCase() === key ||
        t.snapshot.tenant.name.toLowerCase() === key ||
        t.snapshot.acceptedDomains.some((d) => d.DomainName.toLowerCase() === key),
    ) ?? null
  )
}

/** The tenant a URL path segment names, or null for `common` / `organizations`. */
export function resolvePathTenant(ctx: IdentityContext, segment: string): SandboxTenant | null {
  if (MULTI_TENANT.has(segment.toLowerCase())) return null
  const tenant = findTenant(ctx.world(), segment)
  if (tenant === null) throw Errors.tenantNotFound(segment)
  return tenant
}

export function tenantById(ctx: IdentityContext, id: string): SandboxTenant | null {
  const key = id.toLowerCase()
  return ctx.world().tenants.find((t) => t.snapshot.tenant.id.toLowerCase() === key) ?? null
}

export function findAdmin(tenant: SandboxTenant, upnOrOid: string): SandboxAdmin | null {
  const key = upnOrOid.toLowerCase()
  return (
    tenant.admins.find((a) => a.upn.toLowerCase() === key || a.objectId.toLowerCase() === key) ??
    null
  )
}

export function findApp(tenant: SandboxTenant, clientId: string): SandboxApp | null {
  const key = clientId.toLowerCase()
  return tenant.apps.find((a) => a.clientId.toLowerCase() === key) ?? null
}

/** The name shown on the device-login pages for a client id. */
export function clientName(ctx: IdentityContext, clientId: string): string {
  const named = ctx.clientNames[clientId.toLowerCase()]
  if (named !== undefined) return named
  for (const t of ctx.world().tenants) {
    const app = findApp(t, clientId)
    if (app !== null) return app.displayName
  }
  return 'passage'
}
