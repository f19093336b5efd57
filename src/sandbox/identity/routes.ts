/** The sign-in endpoints, as Fastify routes, shaped like login.microsoftonline.com's. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SandboxTenant } from '../contracts.js'
import { JtiCache, verifyClientAssertion } from './assertion.js'
import {
  type IdentityContext,
  clientName,
  findAdmin,
  findApp,
  resolvePathTenant,
  tenantById,
} from './context.js'
import { registerConsentRoutes } from './consent.js'
import { DeviceSessions, type DeviceSession } from './device.js'
import { EntraError, Errors, errorBody } from './errors.js'
import { GUID_RE, randomSecret } from './ids.js'
import {
  type AccountChoice,
  PAGE_HEADERS,
  STYLESHEET,
  cancelledPage,
  confirmPage,
  donePage,
  enterCodePage,
  errorPage,
  pickAccountPage,
} from './pages.js'
import { parseScopes } from './scopes.js'
import {
  type TokenResponse,
  delegatedResponse,
  mintAppAccessToken,
  redeemRefreshToken,
} from './tokens.js'

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const FORM = 'application/x-www-form-urlencoded'

type Form = Record<string, string>
type TenantParams = { Params: { tenant: string } }

/** A form body as a flat record (the first value of a repeated field wins). */
function formOf(body: unknown): Form {
  const out: Form = {}
  if (typeof body !== 'object' || body === null) return out
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v
    else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0]
  }
  return out
}

function required(form: Form, name: string): string {
  const v = form[name]
  if (v === undefined || v.trim() === '') throw Errors.missingParameter(name)
  return v
}

function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** What the route groups share: the server, the identity context, and the sign-in state. */
interface Routes {
  app: FastifyInstance
  ctx: IdentityContext
  sessions: DeviceSessions
  jtis: JtiCache
  nowMs(): number
  /** Sends an Entra error body (or rethrows anything else). */
  sendError(req: FastifyRequest, reply: FastifyReply, e: unknown): FastifyReply
}

/**
 * Registers the sign-in endpoints: OpenID discovery and keys, the device-code and token
 * endpoints (device code, client credentials with a certificate, refresh token), and the
 * /devicelogin pages where an admin enters the code and approves.
 */
export function registerIdentityRoutes(app: FastifyInstance, ctx: IdentityContext): void {
  if (!app.hasContentTypeParser(FORM))
    app.addContentTypeParser(FORM, { parseAs: 'string' }, (_req, body, done) => {
      const out: Form = {}
      for (const [k, v] of new URLSearchParams(String(body))) if (!(k in out)) out[k] = v
      done(null, out)
    })
  const r: Routes = {
    app,
    ctx,
    sessions: new DeviceSessions(),
    jtis: new JtiCache(),
    nowMs: () => ctx.now().getTime(),
    sendError(req, reply, e) {
      if (!(e instanceof EntraError)) throw e
      return reply
        .code(e.status)
        .header('cache-control', 'no-store')
        .send(errorBody(e, ctx.now(), ctx.baseUrl(), headerValue(req, 'client-request-id')))
    },
  }
  registerDiscoveryRoutes(r)
  registerDeviceCodeRoute(r)
  // The sandbox's own counters (not an Entra endpoint): how many device codes were issued, so a
  // test can prove a flow asked for one sign-in. Counts only; never a code.
  app.get('/_sandbox/sign-in/counts', (_req, reply) =>
    reply.header('cache-control', 'no-store').send(r.sessions.counts),
  )
  registerTokenRoute(r)
  registerDeviceLoginPages(r)
  registerConsentRoutes(app, ctx)
}

/** The OpenID configuration document of a tenant (or of `common`/`organizations`). */
function openIdConfiguration(ctx: IdentityContext, segment: string, tenant: SandboxTenant | null) {
  const base = ctx.baseUrl()
  const host = new URL(base).host
  const t = tenant === null ? segment.toLowerCase() : tenant.snapshot.tenant.id
  const issuerTenant = tenant === null ? '{tenantid}' : tenant.snapshot.tenant.id
  return {
    token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'nbf',
      'name',
      'oid',
      'preferred_username',
      'tid',
      'ver',
    ],
    tenant_region_scope: 'WW',
    cloud_instance_name: host,
    cloud_graph_host_name: host,
    msgraph_host: host,
    rbac_url: base,
  }
}

/** Discovery: the OpenID configuration, instance discovery and the signing keys. */
function registerDiscoveryRoutes({ app, ctx, sendError }: Routes): void {
  app.get<TenantParams>('/:tenant/v2.0/.well-known/openid-configuration', (req, reply) => {
    try {
      const tenant = resolvePathTenant(ctx, req.params.tenant)
      return reply.send(openIdConfiguration(ctx, req.params.tenant, tenant))
    } catch (e) {
      if (e instanceof EntraError) {
        const body = errorBody(e, ctx.now(), ctx.baseUrl(), headerValue(req, 'client-request-id'))
        return reply.code(400).send({ ...body, error: 'invalid_tenant' })
      }
      throw e
    }
  })

  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/common/discovery/instance',
    (req, reply) => {
      const base = ctx.baseUrl()
      const host = new URL(base).host
      const endpoint = req.query['authorization_endpoint'] ?? `${base}/common/oauth2/v2.0/authorize`
      let tenant = 'common'
      try {
        const url = new URL(endpoint)
        if (url.host !== host) {
          const err = new EntraError(400, 'invalid_instance', 50049, 'Unknown or invalid instance.')
          return sendError(req, reply, err)
        }
        tenant = url.pathname.split('/').filter((s) => s !== '')[0] ?? 'common'
      } catch {
        return sendError(req, reply, Errors.missingParameter('authorization_endpoint'))
      }
      return reply.send({
        tenant_discovery_endpoint: `${base}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      })
    },
  )

  app.get<TenantParams>('/:tenant/discovery/v2.0/keys', (req, reply) => {
    try {
      resolvePathTenant(ctx, req.params.tenant)
      return reply.send({ keys: [ctx.key.jwk] })
    } catch (e) {
      return sendError(req, reply, e)
    }
  })
}

/** The device authorization endpoint: a user code and a device code for a public client. */
function registerDeviceCodeRoute({ app, ctx, sessions, nowMs, sendError }: Routes): void {
  app.post<TenantParams>('/:tenant/oauth2/v2.0/devicecode', (req, reply) => {
    try {
      const tenant = resolvePathTenant(ctx, req.params.tenant)
      const form = formOf(req.body)
      const clientId = required(form, 'client_id')
      if (!GUID_RE.test(clientId)) throw Errors.invalidClientId(clientId)
      const scope = required(form, 'scope')
      parseScopes(scope, tenant?.snapshot.tenant.name ?? req.params.tenant)
      const session = sessions.create({
        clientId,
        scope,
        tenantId: tenant?.snapshot.tenant.id ?? null,
        nowMs: nowMs(),
        lifetimeSeconds: ctx.deviceCodeLifetimeSeconds,
        intervalSeconds: ctx.pollIntervalSeconds,
      })
      const verificationUri = `${ctx.baseUrl()}/devicelogin`
      return reply.header('cache-control', 'no-store').send({
        user_code: session.userCode,
        device_code: session.deviceCode,
        verification_uri: verificationUri,
        expires_in: ctx.deviceCodeLifetimeSeconds,
        interval: ctx.pollIntervalSeconds,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${session.userCode} to authenticate.`,
      })
    } catch (e) {
      return sendError(req, reply, e)
    }
  })
}

/** The token endpoint: one grant per grant_type. */
function registerTokenRoute(r: Routes): void {
  r.app.post<TenantParams>('/:tenant/oauth2/v2.0/token', async (req, reply) => {
    try {
      const pathTenant = resolvePathTenant(r.ctx, req.params.tenant)
      const form = formOf(req.body)
      const grant = required(form, 'grant_type')
      let response: TokenResponse
      if (grant === DEVICE_CODE_GRANT || grant === 'device_code') {
        await holdPendingPoll(r, form)
        response = deviceCodeGrant(r, form, pathTenant)
      } else if (grant === 'client_credentials')
        response = await clientCredentialsGrant(r, form, pathTenant, req.params.tenant)
      else if (grant === 'refresh_token') response = refreshTokenGrant(r, form, pathTenant)
      else throw Errors.unsupportedGrant(grant)
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response)
    } catch (e) {
      return r.sendError(req, reply, e)
    }
  })
}

/**
 * A poll of a pending device code waits for the admin's decision, up to
 * `holdPendingPollSeconds`, before it is answered. Entra answers a pending poll at once and the
 * sandbox does too by default; a sandbox run for the demo (a sub-second interval) holds it, so the
 * sign-in completes the moment the code is approved on the device-login pages: the first poll,
 * sent while the admin is still on them, is answered with the tokens, with no fixed wait and no
 * second poll. The hold ends early when the code expires.
 */
async function holdPendingPoll({ sessions, nowMs, ctx }: Routes, form: Form): Promise<void> {
  const code = form['device_code']
  const session = code ? sessions.byDevice(code) : null
  if (session === null || session.state !== 'pending') return
  const ms = Math.min(ctx.holdPendingPollSeconds * 1000, session.expiresAt - nowMs())
  if (ms > 0) await sessions.settled(session, ms)
}

/** The device-code grant: pending (with slow_down), declined, expired, or the tokens once. */
function deviceCodeGrant(
  { sessions, nowMs, ctx }: Routes,
  form: Form,
  pathTenant: SandboxTenant | null,
): TokenResponse {
  const clientId = required(form, 'client_id')
  const session = sessions.byDevice(required(form, 'device_code'))
  if (session === null) throw Errors.badVerificationCode()
  if (session.clientId.toLowerCase() !== clientId.toLowerCase()) throw Errors.clientMismatch()
  if (
    pathTenant !== null &&
    session.tenantId !== null &&
    pathTenant.snapshot.tenant.id !== session.tenantId
  )
    throw Errors.badVerificationCode()
  const now = nowMs()
  if (now >= session.expiresAt) throw Errors.expiredCode()
  switch (session.state) {
    case 'redeemed':
      throw Errors.codeRedeemed()
    case 'declined':
      throw Errors.declined()
    case 'approved': {
      const tokens = redeemDeviceCode(ctx, session, form)
      sessions.counts.redeemed += 1
      return tokens
    }
    case 'pending': {
      const last = session.lastPollAt
      session.lastPollAt = now
      const minGap = session.interval * 1000 - Math.min(500, session.interval * 100)
      if (last !== null && now - last < minGap) {
        session.interval += 5
        throw Errors.slowDown(session.interval)
      }
      throw Errors.pending()
    }
  }
}

function redeemDeviceCode(ctx: IdentityContext, session: DeviceSession, form: Form): TokenResponse {
  const selected = session.selected
  const tenant = selected === null ? null : tenantById(ctx, selected.tenantId)
  const admin = tenant === null || selected === null ? null : findAdmin(tenant, selected.upn)
  if (tenant === null || admin === null || selected === null) {
    session.state = 'declined'
    throw Errors.userGone(selected?.upn ?? '', selected?.tenantId ?? '')
  }
  const req = parseScopes(session.scope, tenant.snapshot.tenant.name)
  session.state = 'redeemed'
  return delegatedResponse(
    ctx,
    tenant,
    admin,
    session.clientId,
    req,
    session.scope,
    form['client_info'] === '1',
  )
}

/** App-only sign-in: client credentials with a certificate's signed assertion (no secrets). */
async function clientCredentialsGrant(
  { ctx, jtis }: Routes,
  form: Form,
  pathTenant: SandboxTenant | null,
  segment: string,
): Promise<TokenResponse> {
  const clientId = required(form, 'client_id')
  if (pathTenant === null) throw Errors.noTenantInfo()
  const tenantName = pathTenant.snapshot.tenant.name
  const scope = required(form, 'scope')
  const req = parseScopes(scope, tenantName)
  if (!req.isDefault || req.oidc.length > 0) throw Errors.clientCredentialsScope(scope)
  // No service principal in this tenant (the multi-tenant app was never consented here):
  // AADSTS700016, "application not found in the directory ... not been installed by the
  // administrator of the tenant or consented to" (entra-docs reference-error-codes.md).
  const app = findApp(pathTenant, clientId)
  if (app === null) throw Errors.appNotFound(clientId, pathTenant.snapshot.tenant.id)
  if (form['client_secret'] !== undefined) throw Errors.clientSecret()
  const assertion = form['client_assertion']
  if (assertion === undefined || assertion === '') throw Errors.missingAssertion()
  if (form['client_assertion_type'] !== JWT_BEARER) throw Errors.assertionType()
  await verifyClientAssertion(ctx, jtis, assertion, app, pathTenant, segment)
  // A disabled service principal gets no new token; tokens issued before stay valid until they
  // expire (entra-docs identity/enterprise-apps/deactivate-application-portal.md).
  if (app.disabled === true) throw Errors.appDisabled(app.clientId, app.displayName)
  const { token, expiresIn } = mintAppAccessToken(ctx, pathTenant, app, req.resource)
  return {
    token_type: 'Bearer',
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: token,
  }
}

/** A refresh token for new tokens (a public client: no assertion or secret). */
function refreshTokenGrant(
  { ctx }: Routes,
  form: Form,
  pathTenant: SandboxTenant | null,
): TokenResponse {
  const clientId = required(form, 'client_id')
  const rt = required(form, 'refresh_token')
  if (form['client_assertion'] !== undefined || form['client_secret'] !== undefined)
    throw Errors.publicClientWithAssertion()
  const { tenant, admin, scope: granted } = redeemRefreshToken(ctx, rt, clientId, pathTenant)
  const scope = form['scope'] !== undefined && form['scope'].trim() !== '' ? form['scope'] : granted
  const req = parseScopes(scope, tenant.snapshot.tenant.name)
  return delegatedResponse(ctx, tenant, admin, clientId, req, scope, form['client_info'] === '1')
}

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).headers(PAGE_HEADERS).send(body)

/** The admins who may approve a session: those of its tenant, or of every tenant for `common`. */
function accountsFor(ctx: IdentityContext, session: DeviceSession): AccountChoice[] {
  const tenants =
    session.tenantId === null
      ? ctx.world().tenants
      : ctx.world().tenants.filter((t) => t.snapshot.tenant.id === session.tenantId)
  return tenants.flatMap((t) =>
    t.admins.map((admin) => ({
      tenantId: t.snapshot.tenant.id,
      tenantName: t.snapshot.tenant.name,
      admin,
    })),
  )
}

/** The session behind a form's flow handle, if it can still be completed (else why not). */
function liveSession({ sessions, nowMs }: Routes, form: Form): DeviceSession | string {
  const session = sessions.byFlow(form['flow'] ?? '')
  if (session === null) return 'This sign-in request is no longer valid. Start again.'
  if (nowMs() >= session.expiresAt)
    return 'That code has expired. Go back to the app and get a new code.'
  if (session.state !== 'pending') return 'This sign-in request has already been completed.'
  return session
}

/** The /devicelogin pages: enter the code, pick an account, then continue or cancel. */
function registerDeviceLoginPages(r: Routes): void {
  const { app, ctx, sessions, nowMs } = r
  app.get('/devicelogin/style.css', (_req, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(STYLESHEET),
  )

  app.get<{ Querystring: Record<string, string | undefined> }>('/devicelogin', (req, reply) =>
    html(reply, 200, enterCodePage(null, req.query['otc'] ?? '')),
  )

  app.post('/devicelogin/code', (req, reply) => {
    const form = formOf(req.body)
    const code = (form['otc'] ?? '').trim()
    const session = code === '' ? null : sessions.byUserCode(code)
    if (session === null)
      return html(
        reply,
        400,
        enterCodePage("That code didn't work. Check the code and try again.", code),
      )
    if (nowMs() >= session.expiresAt)
      return html(
        reply,
        400,
        enterCodePage('That code has expired. Go back to the app and get a new code.', code),
      )
    if (session.state !== 'pending')
      return html(reply, 400, enterCodePage('That code has already been used.', code))
    session.flow = randomSecret(32)
    session.selected = null
    return html(
      reply,
      200,
      pickAccountPage(session.flow, clientName(ctx, session.clientId), accountsFor(ctx, session)),
    )
  })

  app.post('/devicelogin/account', (req, reply) => {
    const form = formOf(req.body)
    const session = liveSession(r, form)
    if (typeof session === 'string') return html(reply, 400, errorPage('Sign-in failed', session))
    const upn = (form['upn'] ?? '').toLowerCase()
    const choice = accountsFor(ctx, session).find((c) => c.admin.upn.toLowerCase() === upn)
    if (choice === undefined)
      return html(reply, 400, errorPage('Sign-in failed', 'That account cannot sign in here.'))
    session.selected = { tenantId: choice.tenantId, upn: choice.admin.upn }
    let resourceName = 'your organisation'
    try {
      resourceName = parseScopes(session.scope, choice.tenantName).resource.displayName
    } catch {
      // validated when the code was issued
    }
    return html(
      reply,
      200,
      confirmPage(
        session.flow ?? '',
        clientName(ctx, session.clientId),
        choice.admin,
        resourceName,
      ),
    )
  })

  app.post('/devicelogin/confirm', (req, reply) => {
    const form = formOf(req.body)
    const session = liveSession(r, form)
    if (typeof session === 'string') return html(reply, 400, errorPage('Sign-in failed', session))
    if (session.selected === null)
      return html(reply, 400, errorPage('Sign-in failed', 'Pick an account first.'))
    const name = clientName(ctx, session.clientId)
    session.flow = null
    if (form['decision'] === 'continue') {
      sessions.settle(session, 'approved')
      return html(reply, 200, donePage(name))
    }
    sessions.settle(session, 'declined')
    return html(reply, 200, cancelledPage(name))
  })
}
