/** What the sandbox's routes share: the world, the engine, identity, faults, budgets, persistence. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Caller, ExchangeEngine, SandboxTenant, SandboxWorld } from '../contracts.js'
import type { Faults } from '../faults/index.js'
import type { TenantBudgets } from './budget.js'
import { lookupTenant } from '../world-index.js'
import { frontEndError } from './shapes.js'

/** The audience of Exchange admin API tokens. */
export const EXCHANGE_AUDIENCE = 'https://outlook.office365.com'

/** What verifyAccessToken answers (identity helper's contract). */
export type VerifyResult =
  | { ok: true; token: { caller: Caller; audience: string; expiresAt: number } }
  | { ok: false; status: number; error: string; description: string }

export interface ServerContext {
  world: () => SandboxWorld
  engine: ExchangeEngine
  faults: Faults
  budgets: TenantBudgets
  baseUrl: () => string
  now: () => Date
  newId: () => string
  verify: (token: string, audience: string, tenant: string) => Promise<VerifyResult>
  /** Saves the world (after a successful write or delivery). */
  persist: () => void
}

/** Finds a tenant by GUID or `*.onmicrosoft.com` name (case-insensitive). */
export function findTenant(world: SandboxWorld, key: string): SandboxTenant | null {
  return lookupTenant(world, key, 'name')
}

/** The bearer token of a request, or null. */
export function bearer(request: FastifyRequest): string | null {
  const h = request.headers.authorization
  if (typeof h !== 'string') return null
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h)
  return m?.[1] ?? null
}

/**
 * Authenticates a request for the given audience and tenant. On failure it answers 401 with a
 * WWW-Authenticate challenge (RFC 6750) and returns null.
 */
export async function authenticate(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  audience: string,
  tenantKey: string,
): Promise<{ caller: Caller; tenant: SandboxTenant } | null> {
  const challenge = (error: string | null, description: string) => {
    const parts = [
      `Bearer realm=""`,
      `authorization_uri="${ctx.baseUrl()}/common/oauth2/authorize"`,
      `resource_id="${audience}"`,
    ]
    if (error)
      parts.push(`error="${error}"`, `error_description="${description.replace(/"/g, "'")}"`)
    void reply
      .code(401)
      .header('www-authenticate', parts.join(', '))
      .send(
        frontEndError(
          'Unauthorized',
          error ? `Provide valid credential. ${description}` : 'Provide valid credential.',
        ),
      )
    return null
  }
  const token = bearer(request)
  if (!token) return challenge(null, 'The request has no bearer token.')
  const tenant = findTenant(ctx.world(), tenantKey)
  const v = await ctx.verify(token, audience, tenant ? tenant.snapshot.tenant.id : tenantKey)
  if (!v.ok) return challenge(v.error || 'invalid_token', v.description)
  if (!tenant) return challenge('invalid_token', `Tenant '${tenantKey}' is not known here.`)
  if (v.token.caller.tenantId.toLowerCase() !== tenant.snapshot.tenant.id.toLowerCase())
    return challenge('invalid_token', 'The token was issued for another tenant.')
  return { caller: v.token.caller, tenant }
}
