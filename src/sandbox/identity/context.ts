import type {
  SandboxAdmin,
  SandboxApp,
  SandboxRegistration,
  SandboxTenant,
  SandboxWorld,
} from '../contracts.js'
import { lookupTenant } from '../world-index.js'
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
  /** Saves the world after the identity changed it (admin consent); absent: nothing to save. */
  persist?: () => void
}

/** The tenant path segments that do not name a tenant. */
export const MULTI_TENANT = new Set(['common', 'organizations'])

/** A tenant by GUID, onmicrosoft name or any accepted domain (case-insensitive). */
export function findTenant(world: SandboxWorld, idOrName: string): SandboxTenant | null {
  return lookupTenant(world, idOrName, 'domain')
}

/** The tenant a URL path segment names, or null for `common` / `organizations`. */
export function resolvePathTenant(ctx: IdentityContext, segment: string): SandboxTenant | null {
  if (MULTI_TENANT.has(segment.toLowerCase())) return null
  const tenant = findTenant(ctx.world(), segment)
  if (tenant === null) throw Errors.tenantNotFound(segment)
  return tenant
}

export function tenantById(ctx: IdentityContext, id: string): SandboxTenant | null {
  return lookupTenant(ctx.world(), id, 'id')
}

export function findAdmin(tenant: SandboxTenant, upnOrOid: string): SandboxAdmin | null {
  const key = upnOrOid.toLowerCase()
  return (
    tenant.admins.find((a) => a.upn.toLowerCase() === key || a.objectId.toLowerCase() === key) ??
    null
  )
}

/** A multi-tenant app registration by client id (the fleet operator's app), or null. */
export function findRegistration(
  world: SandboxWorld,
  clientId: string,
): SandboxRegistration | null {
  const key = clientId.trim().toLowerCase()
  return world.registrations?.find((r) => r.clientId.toLowerCase() === key) ?? null
}

export function findApp(tenant: SandboxTenant, clientId: string): SandboxApp | null {
  const key = clientId.toLowerCase()
  return tenant.apps.find((a) => a.clientId.toLowerCase() === key) ?? null
}

/** The name shown on the device-login pages for a client id. */
export function clientName(ctx: IdentityContext, clientId: string): string {
  const named = ctx.clientNames[clientId.toLowerCase()]
  if (named !== undefined) return named
  const registration = findRegistration(ctx.world(), clientId)
  if (registration !== null) return registration.displayName
  for (const t of ctx.world().tenants) {
    const app = findApp(t, clientId)
    if (app !== null) return app.displayName
  }
  return 'passage'
}
