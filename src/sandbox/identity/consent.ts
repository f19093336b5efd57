/**
 * Admin consent for a multi-tenant app registration, as Entra ID's admin consent endpoint does it
 * (entra-docs docs/identity-platform/v2-admin-consent.md; the v1 form
 * `{authority}/{tenant}/adminconsent?client_id=...` is the one office-docs-powershell
 * exchange/docs-conceptual/app-only-auth-powershell-v2.md, Step 4b, gives for Exchange.ManageAsApp):
 *
 * - `GET /{tenant}/adminconsent` and `GET /{tenant}/v2.0/adminconsent` with `client_id`, optional
 *   `redirect_uri`, `state` and `scope`: a page listing the app's permissions and the tenant's
 *   accounts, with Accept and Cancel.
 * - Accept by a Global Administrator: the tenant gets the app's service principal (an entry in
 *   `tenant.apps` with its own object id, the registration's certificate and application
 *   permissions, and no directory role), then a redirect to `redirect_uri` with
 *   `admin_consent=True&tenant=<id>&scope=...&state=...`, or a "permissions granted" page without one.
 * - Refusals: an unknown tenant (AADSTS90002), no or an unknown client id (AADSTS900144,
 *   AADSTS700016), a redirect URI the app did not register (AADSTS50011) are error pages; an
 *   account that is not a Global Administrator is refused (AADSTS90094 AdminConsentRequired); a
 *   cancel redirects with `error=consent_required` and AADSTS65004, the doc's error response.
 *   Which roles may consent in Entra depends on the permission (Global Administrator always can);
 *   the sandbox lets only a Global Administrator consent.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { SandboxApp, SandboxRegistration, SandboxTenant, SandboxWorld } from '../contracts.js'
import { deterministicGuid } from '../seed/guid.js'
import { lookupTenant } from '../world-index.js'
import { type IdentityContext, findAdmin, findRegistration, resolvePathTenant } from './context.js'
import { EntraError, Errors } from './errors.js'
import { GUID_RE, randomSecret } from './ids.js'
import { PAGE_HEADERS, consentDonePage, consentPage, errorPage } from './pages.js'

/** The object id of the app's service principal that consent creates in a tenant (stable). */
export function consentedServicePrincipalId(tenantId: string, clientId: string): string {
  return deterministicGuid(
    'sandbox-service-principal',
    tenantId.toLowerCase(),
    clientId.toLowerCase(),
  )
}

/**
 * The service principal consent creates (or the one already there: consenting again changes
 * nothing). It carries the registration's certificate and application permissions, no role.
 */
export function consentServicePrincipal(
  tenant: SandboxTenant,
  registration: SandboxRegistration,
): SandboxApp {
  const key = registration.clientId.toLowerCase()
  const existing = tenant.apps.find((a) => a.clientId.toLowerCase() === key)
  if (existing !== undefined) return existing
  const app: SandboxApp = {
    clientId: registration.clientId,
    displayName: registration.displayName,
    certificatePem: registration.certificatePem,
    appRoles: [...registration.appRoles],
    roles: [],
    objectId: consentedServicePrincipalId(tenant.snapshot.tenant.id, registration.clientId),
  }
  tenant.apps.push(app)
  return app
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Whether `uri` is one of the registered redirect URIs: exact, except that a loopback `http`
 * URI matches whatever its port (entra-docs reply-url.md, "Localhost exceptions").
 */
export function redirectAllowed(registration: SandboxRegistration, uri: string): boolean {
  let given: URL
  try {
    given = new URL(uri)
  } catch {
    return false
  }
  return (registration.redirectUris ?? []).some((r) => {
    if (r === uri) return true
    let reg: URL
    try {
      reg = new URL(r)
    } catch {
      return false
    }
    return (
      LOOPBACK_HOSTS.has(reg.hostname) &&
      reg.protocol === 'http:' &&
      given.protocol === 'http:' &&
      given.hostname === reg.hostname &&
      given.pathname === reg.pathname
    )
  })
}

interface ConsentRequest {
  tenantId: string
  clientId: string
  redirectUri: string | null
  state: string | null
  scope: string
  expiresAt: number
}

/** Pending consent pages, by a random flow handle (bounded: the oldest go first). */
class ConsentFlows {
  private readonly flows = new Map<string, ConsentRequest>()
  constructor(private readonly max = 1000) {}
  add(r: ConsentRequest): string {
    const flow = randomSecret(24)
    if (this.flows.size >= this.max) {
      const oldest = this.flows.keys().next()
      if (!oldest.done) this.flows.delete(oldest.value)
    }
    this.flows.set(flow, r)
    return flow
  }
  take(flow: string, now: number): ConsentRequest | null {
    const r = this.flows.get(flow)
    if (r === undefined) return null
    this.flows.delete(flow)
    return r.expiresAt > now ? r : null
  }
}

const FLOW_LIFETIME_MS = 15 * 60 * 1000
const DEFAULT_SCOPE = 'https://outlook.office365.com/.default'

type Query = Record<string, string | undefined>

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).headers(PAGE_HEADERS).send(body)

const entraPage = (reply: FastifyReply, e: EntraError) =>
  html(reply, e.status, errorPage('Sign-in failed', `AADSTS${e.code}: ${e.text}`))

function formOf(body: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (typeof body !== 'object' || body === null) return out
  for (const [k, v] of Object.entries(body as Record<string, unknown>))
    if (typeof v === 'string') out[k] = v
  return out
}

/** Where the browser goes after a decision (null: show a page instead). */
function redirectTo(r: ConsentRequest, fields: Record<string, string>): string | null {
  if (r.redirectUri === null) return null
  const url = new URL(r.redirectUri)
  for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, v)
  if (r.state !== null) url.searchParams.set('state', r.state)
  return url.toString()
}

/** Registers the admin consent endpoints (v1 and v2.0 paths) and the accept/cancel form. */
export function registerConsentRoutes(app: FastifyInstance, ctx: IdentityContext): void {
  const flows = new ConsentFlows()
  const show = (
    req: { params: { tenant: string }; query: Query },
    reply: FastifyReply,
  ): FastifyReply => {
    let tenant: SandboxTenant | null
    try {
      tenant = resolvePathTenant(ctx, req.params.tenant)
    } catch (e) {
      if (e instanceof EntraError) return entraPage(reply, e)
      throw e
    }
    // `common` names no tenant: admin consent is for one directory (v2-admin-consent.md).
    if (tenant === null) return entraPage(reply, Errors.tenantNotFound(req.params.tenant))
    const clientId = (req.query['client_id'] ?? '').trim()
    if (clientId === '') return entraPage(reply, Errors.missingParameter('client_id'))
    const registration = GUID_RE.test(clientId) ? findRegistration(ctx.world(), clientId) : null
    if (registration === null)
      return entraPage(reply, Errors.appNotFound(clientId, tenant.snapshot.tenant.id))
    const redirectUri = req.query['redirect_uri'] ?? null
    if (redirectUri !== null && !redirectAllowed(registration, redirectUri))
      return entraPage(reply, Errors.replyMismatch(redirectUri, registration.clientId))
    const flow = flows.add({
      tenantId: tenant.snapshot.tenant.id,
      clientId: registration.clientId,
      redirectUri,
      state: req.query['state'] ?? null,
      scope: req.query['scope'] ?? DEFAULT_SCOPE,
      expiresAt: ctx.now().getTime() + FLOW_LIFETIME_MS,
    })
    return html(
      reply,
      200,
      consentPage({
        flow,
        action: `/${encodeURIComponent(tenant.snapshot.tenant.id)}/adminconsent`,
        appName: registration.displayName,
        tenantName: tenant.snapshot.tenant.name,
        permissions: registration.appRoles,
        admins: tenant.admins,
      }),
    )
  }
  app.get<{ Params: { tenant: string }; Querystring: Query }>('/:tenant/adminconsent', show)
  app.get<{ Params: { tenant: string }; Querystring: Query }>('/:tenant/v2.0/adminconsent', show)

  app.post<{ Params: { tenant: string } }>('/:tenant/adminconsent', (req, reply) => {
    const form = formOf(req.body)
    const r = flows.take(form['flow'] ?? '', ctx.now().getTime())
    if (r === null)
      return html(
        reply,
        400,
        errorPage('Consent failed', 'This consent request is no longer valid. Start again.'),
      )
    const world: SandboxWorld = ctx.world()
    const tenant = lookupTenant(world, r.tenantId, 'id')
    const registration = findRegistration(world, r.clientId)
    if (tenant === null || registration === null)
      return html(reply, 400, errorPage('Consent failed', 'The tenant or the app is gone.'))
    if (form['decision'] !== 'accept') {
      const e = Errors.consentDeclined()
      const to = redirectTo(r, {
        admin_consent: 'True',
        error: e.error,
        error_description: `AADSTS${e.code}: ${e.text}`,
      })
      if (to !== null) return reply.code(302).header('location', to).send()
      return html(reply, 200, errorPage('Consent cancelled', `AADSTS${e.code}: ${e.text}`))
    }
    const admin = findAdmin(tenant, form['upn'] ?? '')
    if (admin === null)
      return html(reply, 400, errorPage('Consent failed', 'That account cannot sign in here.'))
    if (!admin.roles.includes('Global Administrator'))
      return entraPage(reply, Errors.adminConsentRequired(admin.upn))
    const sp = consentServicePrincipal(tenant, registration)
    ctx.persist?.()
    const to = redirectTo(r, {
      admin_consent: 'True',
      tenant: tenant.snapshot.tenant.id,
      scope: r.scope,
    })
    if (to !== null) return reply.code(302).header('location', to).send()
    return html(
      reply,
      200,
      consentDonePage(registration.displayName, tenant.snapshot.tenant.name, sp.objectId ?? ''),
    )
  })
}
