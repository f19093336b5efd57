/**
 * The slice of Microsoft Graph v1.0 passage reads: licences (subscribedSkus), the signed-in
 * admin's directory roles (me/transitiveMemberOf), the organization and its domains.
 * Every call needs a Graph-audience bearer token from the sandbox's identity.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Caller, SandboxAdmin, SandboxTenant, SandboxWorld } from '../contracts.js'
import {
  GRAPH_AUDIENCE,
  type Identity,
  ROLE_DESCRIPTIONS,
  ROLE_TEMPLATE_IDS,
  stableGuid,
} from '../identity/index.js'
import { groupObject, inGraph, registerGroupRoutes } from './groups.js'
import { lookupTenant } from '../world-index.js'
import { SKU_PROPERTIES, subscribedSkus } from './skus.js'

export { PLANS, skuDefinitions, subscribedSkus } from './skus.js'
export type { SubscribedSku } from './skus.js'

const GRAPH_BASE = 'https://graph.microsoft.com/v1.0'
const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8'

/** Graph's error body: `{error:{code,message,innerError:{date,request-id,client-request-id}}}`. */
export function graphError(
  reply: FastifyReply,
  req: FastifyRequest,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  const requestId = String(reply.getHeader('request-id') ?? randomUUID())
  const clientRequestId = headerValue(req, 'client-request-id') ?? requestId
  if (status === 401)
    reply.header(
      'www-authenticate',
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    )
  return reply
    .code(status)
    .header('content-type', 'application/json')
    .send({
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d+Z$/, ''),
          'request-id': requestId,
          'client-request-id': clientRequestId,
        },
      },
    })
}

function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

type Query = { Querystring: Record<string, string | undefined> }

/** Permissions that let a token read each kind of object (delegated `scp` or app `roles`). */
const READ_ORG = [
  'Organization.Read.All',
  'Organization.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
]
const READ_SKUS = [...READ_ORG, 'LicenseAssignment.Read.All', 'LicenseAssignment.ReadWrite.All']
const READ_DOMAINS = [
  'Domain.Read.All',
  'Domain.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
]

export function registerGraphRoutes(
  app: FastifyInstance,
  identity: Identity,
  world: () => SandboxWorld,
): void {
  /** The caller and tenant behind the bearer token, or null once an error was sent. */
  function authenticate(
    req: FastifyRequest,
    reply: FastifyReply,
  ): { caller: Caller; tenant: SandboxTenant } | null {
    const requestId = randomUUID()
    reply.header('request-id', requestId)
    reply.header('client-request-id', headerValue(req, 'client-request-id') ?? requestId)
    const auth = headerValue(req, 'authorization') ?? ''
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth)
    if (match === null || match[1] === undefined) {
      graphError(reply, req, 401, 'InvalidAuthenticationToken', 'Access token is empty.')
      return null
    }
    const result = identity.verifyAccessToken(match[1], GRAPH_AUDIENCE, null)
    if (!result.ok) {
      graphError(reply, req, 401, 'InvalidAuthenticationToken', result.description)
      return null
    }
    const caller = result.token.caller
    const tenant = lookupTenant(world(), caller.tenantId, 'id')
    if (tenant === null) {
      graphError(reply, req, 401, 'InvalidAuthenticationToken', 'Tenant not found.')
      return null
    }
    return { caller, tenant }
  }

  function allowed(
    caller: Caller,
    anyOf: readonly string[],
    delegatedAlso: readonly string[] = [],
  ) {
    const have = new Set(caller.scopes.map((s) => s.toLowerCase()))
    const wanted = caller.kind === 'user' ? [...anyOf, ...delegatedAlso] : anyOf
    return wanted.some((p) => have.has(p.toLowerCase()))
  }

  function denied(req: FastifyRequest, reply: FastifyReply): FastifyReply {
    return graphError(
      reply,
      req,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    )
  }

  const ok = (reply: FastifyReply, body: unknown) =>
    reply.code(200).header('content-type', JSON_TYPE).header('odata-version', '4.0').send(body)

  // --- subscribedSkus --------------------------------------------------------------------------

  app.get<Query>('/v1.0/subscribedSkus', (req, reply) => {
    const who = authenticate(req, reply)
    if (who === null) return reply
    if (!allowed(who.caller, READ_SKUS)) return denied(req, reply)
    for (const option of Object.keys(req.query))
      if (option.startsWith('$') && option !== '$select')
        return graphError(
          reply,
          req,
          400,
          'Request_UnsupportedQuery',
          `Query option '${option}' is not supported on subscribedSkus; only $select is.`,
        )
    let skus: Record<string, unknown>[] = subscribedSkus(who.tenant).map((s) => ({ ...s }))
    let context = `${GRAPH_BASE}/$metadata#subscribedSkus`
    const select = req.query['$select']
    if (select !== undefined && select.trim() !== '') {
      const wanted = select
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
      const props: string[] = []
      for (const w of wanted) {
        const prop = SKU_PROPERTIES.find((p) => p.toLowerCase() === w.toLowerCase())
        if (prop === undefined)
          return graphError(
            reply,
            req,
            400,
            'BadRequest',
            `Could not find a property named '${w}' on type 'microsoft.graph.subscribedSku'.`,
          )
        if (!props.includes(prop)) props.push(prop)
      }
      skus = skus.map((s) => Object.fromEntries(props.map((p) => [p, s[p]])))
      context = `${GRAPH_BASE}/$metadata#subscribedSkus(${props.join(',')})`
    }
    return ok(reply, { '@odata.context': context, value: skus })
  })

  // --- me/memberOf, me/transitiveMemberOf ------------------------------------------------------

  function directoryRoles(tenant: SandboxTenant, admin: SandboxAdmin) {
    return admin.roles.map((role) => ({
      '@odata.type': '#microsoft.graph.directoryRole',
      id: stableGuid('directoryRole', tenant.snapshot.tenant.id, ROLE_TEMPLATE_IDS[role]),
      deletedDateTime: null,
      description: ROLE_DESCRIPTIONS[role],
      displayName: role,
      roleTemplateId: ROLE_TEMPLATE_IDS[role],
    }))
  }

  // The admin's groups, as Graph's group objects (a dynamic distribution group is not in Graph).
  function groups(tenant: SandboxTenant, admin: SandboxAdmin) {
    const upn = admin.upn.toLowerCase()
    return tenant.snapshot.directory.groups
      .filter((g) => inGraph(g) && g.members.some((m) => m.toLowerCase() === upn))
      .map((g) => groupObject(tenant, g))
  }

  function membership(relation: 'memberOf' | 'transitiveMemberOf', cast: boolean) {
    return (req: FastifyRequest<Query>, reply: FastifyReply) => {
      const who = authenticate(req, reply)
      if (who === null) return reply
      if (who.caller.kind !== 'user')
        return graphError(
          reply,
          req,
          400,
          'BadRequest',
          '/me request is only valid with delegated authentication flow.',
        )
      const count = (req.query['$count'] ?? '').toLowerCase() === 'true'
      const eventual = (headerValue(req, 'consistencylevel') ?? '').toLowerCase() === 'eventual'
      if (count && !eventual)
        return graphError(
          reply,
          req,
          400,
          'Request_BadRequest',
          "$count is not currently supported without the ConsistencyLevel header set to 'eventual'.",
        )
      if (cast && relation === 'transitiveMemberOf' && !(count && eventual))
        return graphError(
          reply,
          req,
          400,
          'Request_UnsupportedQuery',
          'An OData cast on transitiveMemberOf needs the ConsistencyLevel: eventual header and $count=true.',
        )
      const admin = world()
        .tenants.find((t) => t === who.tenant)
        ?.admins.find((a) => a.objectId === who.caller.objectId)
      if (admin === undefined)
        return graphError(
          reply,
          req,
          404,
          'Request_ResourceNotFound',
          "Resource 'me' does not exist.",
        )
      const value = cast
        ? directoryRoles(who.tenant, admin)
        : [...directoryRoles(who.tenant, admin), ...groups(who.tenant, admin)]
      const context = cast
        ? `${GRAPH_BASE}/$metadata#directoryRoles`
        : `${GRAPH_BASE}/$metadata#directoryObjects`
      return ok(reply, {
        '@odata.context': context,
        ...(count ? { '@odata.count': value.length } : {}),
        value,
      })
    }
  }

  app.get<Query>('/v1.0/me/memberOf', membership('memberOf', false))
  app.get<Query>('/v1.0/me/transitiveMemberOf', membership('transitiveMemberOf', false))
  app.get<Query>('/v1.0/me/memberOf/microsoft.graph.directoryRole', membership('memberOf', true))
  app.get<Query>(
    '/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole',
    membership('transitiveMemberOf', true),
  )

  // --- organization, domains -------------------------------------------------------------------

  function domainsOf(tenant: SandboxTenant) {
    const initial = tenant.snapshot.tenant.name.toLowerCase()
    const names = tenant.snapshot.acceptedDomains.map((d) => ({
      name: d.DomainName.toLowerCase(),
      isDefault: d.Default,
    }))
    if (!names.some((d) => d.name === initial)) names.push({ name: initial, isDefault: false })
    if (!names.some((d) => d.isDefault)) {
      const i = names.findIndex((d) => d.name === initial)
      if (i >= 0) names[i] = { name: initial, isDefault: true }
    }
    return names.map((d) => ({ ...d, isInitial: d.name === initial }))
  }

  app.get('/v1.0/organization', (req, reply) => {
    const who = authenticate(req, reply)
    if (who === null) return reply
    if (!allowed(who.caller, READ_ORG, ['User.Read'])) return denied(req, reply)
    const t = who.tenant.snapshot.tenant
    return ok(reply, {
      '@odata.context': `${GRAPH_BASE}/$metadata#organization`,
      value: [
        {
          id: t.id,
          deletedDateTime: null,
          displayName: t.displayName === '' ? t.name : t.displayName,
          countryLetterCode: 'US',
          preferredLanguage: 'en',
          tenantType: 'AAD',
          onPremisesSyncEnabled: null,
          verifiedDomains: domainsOf(who.tenant).map((d) => ({
            capabilities: d.isInitial ? 'Email, OfficeCommunicationsOnline' : 'Email',
            isDefault: d.isDefault,
            isInitial: d.isInitial,
            name: d.name,
            type: 'Managed',
          })),
        },
      ],
    })
  })

  app.get('/v1.0/domains', (req, reply) => {
    const who = authenticate(req, reply)
    if (who === null) return reply
    if (!allowed(who.caller, READ_DOMAINS)) return denied(req, reply)
    return ok(reply, {
      '@odata.context': `${GRAPH_BASE}/$metadata#domains`,
      value: domainsOf(who.tenant).map((d) => ({
        authenticationType: 'Managed',
        availabilityStatus: null,
        id: d.name,
        isAdminManaged: true,
        isDefault: d.isDefault,
        isInitial: d.isInitial,
        isRoot: true,
        isVerified: true,
        passwordNotificationWindowInDays: null,
        passwordValidityPeriodInDays: null,
        supportedServices: d.isInitial ? ['Email', 'OfficeCommunicationsOnline'] : ['Email'],
        state: null,
      })),
    })
  })

  registerGroupRoutes(app, { authenticate, allowed, denied, ok, error: graphError })

  // Anything else under /v1.0 is a segment Graph does not know (in this sandbox).
  app.all<{ Params: { '*': string } }>('/v1.0/*', (req, reply) => {
    const segment = req.params['*'].split('/')[0] ?? ''
    return graphError(
      reply,
      req,
      400,
      'BadRequest',
      `Resource not found for the segment '${segment}'.`,
    )
  })
}
