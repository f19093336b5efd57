/** Minting and checking the tokens the sandbox issues. */
import { createHash } from 'node:crypto'
import type {
  Caller,
  SandboxAdmin,
  SandboxApp,
  SandboxTenant,
  VerifiedToken,
} from '../contracts.js'
import { type IdentityContext, findAdmin, findApp, findTenant, tenantById } from './context.js'
import { Errors } from './errors.js'
import { randomSecret, stableGuid } from './ids.js'
import { decodeJwt, signJwt, verifyRs256 } from './jwt.js'
import { MEMBER_USER_TEMPLATE_ID, rolesFromWids, widsFromRoles } from './roles.js'
import {
  RESOURCES,
  type Resource,
  type ScopeRequest,
  checkDelegatedClient,
  delegatedScopes,
} from './scopes.js'

export type VerifyResult =
  | { ok: true; token: VerifiedToken }
  | { ok: false; status: 401; error: string; description: string }

/** A token endpoint success body. */
export interface TokenResponse {
  token_type: 'Bearer'
  scope?: string
  expires_in: number
  ext_expires_in: number
  access_token: string
  refresh_token?: string
  id_token?: string
  client_info?: string
}

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000)

function issuer(ctx: IdentityContext, tenantId: string): string {
  return `${ctx.baseUrl()}/${tenantId}/v2.0`
}

/** The service principal object id of an app in a tenant (stable, per tenant). */
export function servicePrincipalId(tenantId: string, clientId: string): string {
  return stableGuid('servicePrincipal', tenantId.toLowerCase(), clientId.toLowerCase())
}

/** A pairwise subject, as Entra computes one per user and app. */
function pairwiseSub(oid: string, clientId: string): string {
  return createHash('sha256').update(`${oid}|${clientId}`).digest('base64url')
}

export function mintUserAccessToken(
  ctx: IdentityContext,
  tenant: SandboxTenant,
  admin: SandboxAdmin,
  clientId: string,
  resource: Resource,
  scp: string[],
  lifetimeSeconds = ctx.accessTokenLifetimeSeconds,
): { token: string; expiresIn: number } {
  const iat = seconds(ctx.now())
  const tid = tenant.snapshot.tenant.id
  const payload = {
    aud: resource.uri,
    iss: issuer(ctx, tid),
    iat,
    nbf: iat,
    exp: iat + lifetimeSeconds,
    acr: '1',
    amr: ['pwd'],
    appid: clientId,
    appidacr: '0',
    azp: clientId,
    azpacr: '0',
    idtyp: 'user',
    name: admin.displayName,
    oid: admin.objectId,
    scp: scp.join(' '),
    sub: pairwiseSub(admin.objectId, clientId),
    tid,
    unique_name: admin.upn,
    upn: admin.upn,
    uti: randomSecret(16),
    ver: '2.0',
    wids: [...widsFromRoles(admin.roles), MEMBER_USER_TEMPLATE_ID],
  }
  return { token: signJwt(payload, ctx.key.privateKey, ctx.key.kid), expiresIn: lifetimeSeconds }
}

export function mintAppAccessToken(
  ctx: IdentityContext,
  tenant: SandboxTenant,
  app: SandboxApp,
  resource: Resource,
  lifetimeSeconds = ctx.accessTokenLifetimeSeconds,
): { token: string; expiresIn: number } {
  const iat = seconds(ctx.now())
  const tid = tenant.snapshot.tenant.id
  // The service principal's object id in this tenant: what consent created, else a stable one.
  const oid = app.objectId ?? servicePrincipalId(tid, app.clientId)
  const roles = app.appRoles.filter((r) => resource.ownsAppRole(r))
  const payload: Record<string, unknown> = {
    aud: resource.uri,
    iss: issuer(ctx, tid),
    iat,
    nbf: iat,
    exp: iat + lifetimeSeconds,
    app_displayname: app.displayName,
    appid: app.clientId,
    appidacr: '2',
    azp: app.clientId,
    azpacr: '2',
    idtyp: 'app',
    oid,
    sub: oid,
    tid,
    uti: randomSecret(16),
    ver: '2.0',
    wids: widsFromRoles(app.roles),
  }
  if (roles.length > 0) payload['roles'] = roles
  return { token: signJwt(payload, ctx.key.privateKey, ctx.key.kid), expiresIn: lifetimeSeconds }
}

function mintIdToken(
  ctx: IdentityContext,
  tenant: SandboxTenant,
  admin: SandboxAdmin,
  clientId: string,
): string {
  const iat = seconds(ctx.now())
  const tid = tenant.snapshot.tenant.id
  return signJwt(
    {
      aud: clientId,
      iss: issuer(ctx, tid),
      iat,
      nbf: iat,
      exp: iat + ctx.accessTokenLifetimeSeconds,
      name: admin.displayName,
      oid: admin.objectId,
      preferred_username: admin.upn,
      sub: pairwiseSub(admin.objectId, clientId),
      tid,
      uti: randomSecret(16),
      ver: '2.0',
    },
    ctx.key.privateKey,
    ctx.key.kid,
  )
}

/** Refresh tokens are signed by the identity, so they survive a restart when the key is kept. */
function mintRefreshToken(
  ctx: IdentityContext,
  tenant: SandboxTenant,
  admin: SandboxAdmin,
  clientId: string,
  scope: string,
): string {
  const iat = seconds(ctx.now())
  return signJwt(
    {
      token_use: 'refresh',
      iss: issuer(ctx, tenant.snapshot.tenant.id),
      aud: clientId,
      tid: tenant.snapshot.tenant.id,
      oid: admin.objectId,
      scope,
      iat,
      exp: iat + ctx.refreshTokenLifetimeSeconds,
      jti: randomSecret(16),
    },
    ctx.key.privateKey,
    ctx.key.kid,
    'RT',
  )
}

/** The token response of a delegated flow (device code, refresh token). */
export function delegatedResponse(
  ctx: IdentityContext,
  tenant: SandboxTenant,
  admin: SandboxAdmin,
  clientId: string,
  req: ScopeRequest,
  scopeText: string,
  clientInfoRequested: boolean,
): TokenResponse {
  checkDelegatedClient(req, clientId, tenant)
  const { token, expiresIn } = mintUserAccessToken(
    ctx,
    tenant,
    admin,
    clientId,
    req.resource,
    delegatedScopes(req),
  )
  const response: TokenResponse = {
    token_type: 'Bearer',
    scope: [...req.echoed, ...req.oidc].join(' '),
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: token,
  }
  if (req.oidc.includes('offline_access'))
    response.refresh_token = mintRefreshToken(ctx, tenant, admin, clientId, scopeText)
  if (req.oidc.includes('openid')) response.id_token = mintIdToken(ctx, tenant, admin, clientId)
  if (clientInfoRequested || req.oidc.includes('openid') || req.oidc.includes('profile')) {
    const info = { uid: admin.objectId, utid: tenant.snapshot.tenant.id }
    response.client_info = Buffer.from(JSON.stringify(info)).toString('base64url')
  }
  return response
}

/** Checks a refresh token and returns whom it is for. Throws EntraError. */
export function redeemRefreshToken(
  ctx: IdentityContext,
  refreshToken: string,
  clientId: string,
  pathTenant: SandboxTenant | null,
): { tenant: SandboxTenant; admin: SandboxAdmin; scope: string } {
  const jwt = decodeJwt(refreshToken)
  if (
    jwt === null ||
    jwt.header['kid'] !== ctx.key.kid ||
    !verifyRs256(jwt, ctx.key.publicKey) ||
    jwt.payload['token_use'] !== 'refresh'
  )
    throw Errors.invalidGrant('The refresh token is malformed or was not issued by this service.')
  const p = jwt.payload
  if (typeof p['exp'] !== 'number' || p['exp'] <= seconds(ctx.now())) throw Errors.refreshExpired()
  if (String(p['aud']).toLowerCase() !== clientId.toLowerCase()) throw Errors.clientMismatch()
  const tenant = tenantById(ctx, String(p['tid']))
  if (tenant === null) throw Errors.tenantNotFound(String(p['tid']))
  if (pathTenant !== null && pathTenant !== tenant)
    throw Errors.invalidGrant('The refresh token was issued for a different tenant.')
  const admin = findAdmin(tenant, String(p['oid']))
  if (admin === null) throw Errors.userGone(String(p['oid']), tenant.snapshot.tenant.name)
  return { tenant, admin, scope: typeof p['scope'] === 'string' ? p['scope'] : '' }
}

function normaliseAudience(aud: string): string {
  const a = aud.trim().toLowerCase().replace(/\/+$/, '')
  const byAppId = RESOURCES.find((r) => r.appId === a)
  return byAppId === undefined ? a : byAppId.uri
}

function fail(description: string): VerifyResult {
  return { ok: false, status: 401, error: 'invalid_token', description }
}

/**
 * Verifies an access token for `audience`; `tenant` (GUID or a domain of the tenant, from the
 * request URL) must be the token's tenant unless null (Graph, whose URLs carry no tenant).
 */
export function verifyAccessToken(
  ctx: IdentityContext,
  token: string,
  audience: string,
  tenant: string | null,
): VerifyResult {
  const raw = token.replace(/^Bearer\s+/i, '').trim()
  if (raw === '') return fail('Access token is empty.')
  const jwt = decodeJwt(raw)
  if (jwt === null) return fail('Access token is malformed: it is not a JWT.')
  if (jwt.header['kid'] !== ctx.key.kid || !verifyRs256(jwt, ctx.key.publicKey))
    return fail('Access token validation failure: the signature is invalid.')
  const p = jwt.payload
  if (p['token_use'] !== undefined || typeof p['idtyp'] !== 'string')
    return fail('Access token validation failure: not an access token.')
  const aud = typeof p['aud'] === 'string' ? p['aud'] : ''
  if (normaliseAudience(aud) !== normaliseAudience(audience))
    return fail(`Invalid audience. The token is for '${aud}', not '${audience}'.`)
  const now = seconds(ctx.now())
  const exp = typeof p['exp'] === 'number' ? p['exp'] : 0
  const nbf = typeof p['nbf'] === 'number' ? p['nbf'] : 0
  if (now >= exp || now + 300 < nbf) return fail('Access token has expired or is not yet valid.')
  const tid = typeof p['tid'] === 'string' ? p['tid'] : ''
  if (typeof p['iss'] !== 'string' || !p['iss'].endsWith(`/${tid}/v2.0`))
    return fail('Access token validation failure: invalid issuer.')
  const owner = tenantById(ctx, tid)
  if (owner === null) return fail(`Access token validation failure: tenant '${tid}' not found.`)
  if (tenant !== null) {
    const named = findTenant(ctx.world(), tenant)
    if (named === null || named !== owner)
      return fail(`The access token's tenant '${tid}' does not match the tenant '${tenant}'.`)
  }
  const wids = Array.isArray(p['wids']) ? p['wids'].map(String) : []
  const oid = String(p['oid'] ?? '')
  let caller: Caller
  if (p['idtyp'] === 'user') {
    const admin = findAdmin(owner, oid)
    if (admin === null) return fail('Access token validation failure: the user no longer exists.')
    caller = {
      tenantId: owner.snapshot.tenant.id,
      kind: 'user',
      name: admin.upn,
      objectId: admin.objectId,
      roles: rolesFromWids(wids),
      exchangeApiEnabled: admin.exchangeApiEnabled,
      scopes: String(p['scp'] ?? '')
        .split(' ')
        .filter((s) => s !== ''),
    }
  } else {
    const appId = String(p['appid'] ?? '')
    if (findApp(owner, appId) === null)
      return fail('Access token validation failure: the application no longer exists.')
    caller = {
      tenantId: owner.snapshot.tenant.id,
      kind: 'app',
      name: appId,
      objectId: oid,
      roles: rolesFromWids(wids),
      exchangeApiEnabled: true,
      scopes: Array.isArray(p['roles']) ? p['roles'].map(String) : [],
    }
  }
  return { ok: true, token: { caller, audience: normaliseAudience(aud), expiresAt: exp } }
}
