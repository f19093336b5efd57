/**
 * The sandbox's sign-in: an emulation of Microsoft Entra ID's v2.0 endpoints (discovery, JWKS,
 * device code, token) and the device-login pages, faithful enough for @azure/msal-node to use it
 * unchanged. Tokens are RS256 JWTs signed with a key the identity owns.
 */
import type { FastifyInstance } from 'fastify'
import type { SandboxApp, SandboxTenant, SandboxWorld } from '../contracts.js'
import { type IdentityContext, findAdmin, findApp, findTenant } from './context.js'
import { loadSigningKey } from './keys.js'
import { registerIdentityRoutes } from './routes.js'
import { EXCHANGE, GRAPH, RESOURCES } from './scopes.js'
import {
  type VerifyResult,
  mintAppAccessToken,
  mintUserAccessToken,
  servicePrincipalId,
  verifyAccessToken,
} from './tokens.js'

export { createAppCredentials, thumbprints } from './app-cert.js'
export type { AppCredentials, Thumbprints } from './app-cert.js'
export { ROLE_TEMPLATE_IDS, ROLE_DESCRIPTIONS, rolesFromWids, widsFromRoles } from './roles.js'
export { stableGuid } from './ids.js'
export { consentServicePrincipal, consentedServicePrincipalId, redirectAllowed } from './consent.js'
export { findTenant, servicePrincipalId }
export type { VerifyResult }

/** The client id of the Exchange Online PowerShell module (reference §1.5). */
export const EXO_MODULE_CLIENT_ID = 'fb78d390-0c51-40cd-8e17-fdbfab77341b'

/** Audiences of the APIs the sandbox serves. */
export const EXCHANGE_AUDIENCE = EXCHANGE.uri
export const GRAPH_AUDIENCE = GRAPH.uri

export interface IdentityOptions {
  world: () => SandboxWorld
  /** The sandbox's origin, e.g. `https://127.0.0.1:8443` (no trailing slash). */
  baseUrl: () => string
  now?: () => Date
  /** Where the token-signing key is kept (0600); null or absent: in memory. */
  signingKeyDir?: string | null
  /** The `interval` of device-code responses, in seconds. Default 5. */
  pollIntervalSeconds?: number
  /**
   * How long a poll of a pending device code waits for the admin's decision before it is answered
   * (routes.ts holdPendingPoll). Default: 5 seconds (Entra's interval) when the poll interval is
   * under a second (a sandbox run for the demo), else 0: answered at once, as Entra does.
   */
  holdPendingPollSeconds?: number
  /** Device code lifetime in seconds. Default 900. */
  deviceCodeLifetimeSeconds?: number
  /** Access and ID token lifetime in seconds. Default 3600. */
  accessTokenLifetimeSeconds?: number
  /** Refresh token lifetime in seconds. Default 90 days. */
  refreshTokenLifetimeSeconds?: number
  /** Names the device-login page shows per client id (default: the app's name, else "passage"). */
  clientNames?: Record<string, string>
  /** Saves the world after admin consent created a service principal. */
  persist?: () => void
}

export interface MintTokenOptions {
  /** Tenant GUID or domain. */
  tenant: string
  /** Audience: `https://outlook.office365.com` or `https://graph.microsoft.com`. */
  audience: string
  /** A user token for this admin (UPN or object id)... */
  user?: string
  /** ...or an app-only token for this registered app. */
  clientId?: string
  /** Delegated client id for user tokens. Default: the Exchange module's. */
  publicClientId?: string
  lifetimeSeconds?: number
}

export interface Identity {
  /** Registers discovery, JWKS, devicecode, token and /devicelogin routes on `app`. */
  registerRoutes(app: FastifyInstance): void
  /** Checks a bearer token for an API; `tenant` from the request URL, null for Graph. */
  verifyAccessToken(token: string, audience: string, tenant: string | null): VerifyResult
  /** Registers (or replaces, by client id) an app on a tenant. */
  addApp(tenantIdOrName: string, app: SandboxApp): void
  /** A tenant by GUID, onmicrosoft name or accepted domain. */
  findTenant(tenantIdOrName: string): SandboxTenant | null
  /** Issues an access token directly, as a successful sign-in would (tests, seeding). */
  mintAccessToken(opts: MintTokenOptions): string
  /** The public signing keys (what the JWKS endpoint serves). */
  jwks(): { keys: Record<string, unknown>[] }
}

export async function createIdentity(opts: IdentityOptions): Promise<Identity> {
  const key = await loadSigningKey(opts.signingKeyDir ?? null)
  const ctx: IdentityContext = {
    world: opts.world,
    baseUrl: () => opts.baseUrl().replace(/\/+$/, ''),
    now: opts.now ?? (() => new Date()),
    key,
    pollIntervalSeconds: opts.pollIntervalSeconds ?? 5,
    holdPendingPollSeconds:
      opts.holdPendingPollSeconds ?? ((opts.pollIntervalSeconds ?? 5) < 1 ? 5 : 0),
    deviceCodeLifetimeSeconds: opts.deviceCodeLifetimeSeconds ?? 900,
    accessTokenLifetimeSeconds: opts.accessTokenLifetimeSeconds ?? 3600,
    refreshTokenLifetimeSeconds: opts.refreshTokenLifetimeSeconds ?? 90 * 24 * 3600,
    clientNames: Object.fromEntries(
      Object.entries(opts.clientNames ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    ),
    ...(opts.persist ? { persist: opts.persist } : {}),
  }
  const tenantOrThrow = (idOrName: string): SandboxTenant => {
    const tenant = findTenant(ctx.world(), idOrName)
    if (tenant === null) throw new Error(`sandbox identity: no tenant '${idOrName}'`)
    return tenant
  }
  return {
    registerRoutes: (app) => registerIdentityRoutes(app, ctx),
    verifyAccessToken: (token, audience, tenant) => verifyAccessToken(ctx, token, audience, tenant),
    addApp(tenantIdOrName, app) {
      const tenant = tenantOrThrow(tenantIdOrName)
      const i = tenant.apps.findIndex(
        (a) => a.clientId.toLowerCase() === app.clientId.toLowerCase(),
      )
      if (i >= 0) tenant.apps[i] = app
      else tenant.apps.push(app)
    },
    findTenant: (idOrName) => findTenant(ctx.world(), idOrName),
    mintAccessToken(o) {
      const tenant = tenantOrThrow(o.tenant)
      const audience = o.audience.toLowerCase().replace(/\/+$/, '')
      const resource = RESOURCES.find((r) => r.uri === audience || r.appId === audience)
      if (resource === undefined)
        throw new Error(`sandbox identity: unknown audience '${o.audience}'`)
      if (o.user !== undefined) {
        const admin = findAdmin(tenant, o.user)
        if (admin === null) throw new Error(`sandbox identity: no user '${o.user}'`)
        const clientId = o.publicClientId ?? EXO_MODULE_CLIENT_ID
        return mintUserAccessToken(
          ctx,
          tenant,
          admin,
          clientId,
          resource,
          [...resource.delegatedDefault],
          o.lifetimeSeconds,
        ).token
      }
      if (o.clientId !== undefined) {
        const app = findApp(tenant, o.clientId)
        if (app === null) throw new Error(`sandbox identity: no app '${o.clientId}'`)
        return mintAppAccessToken(ctx, tenant, app, resource, o.lifetimeSeconds).token
      }
      throw new Error('sandbox identity: mintAccessToken needs user or clientId')
    },
    jwks: () => ({ keys: [key.jwk] }),
  }
}
