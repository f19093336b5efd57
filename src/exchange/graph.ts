/**
 * Microsoft Graph, for what the admin API does not tell (reference §2): the tenant's licences
 * (subscribedSkus), the signed-in admin's directory roles, the organisation and its domains, and
 * the members of the groups policies are scoped by.
 */
import { isPassageError, PassageError } from '../core/errors/index.js'
import { readClaims } from './claims.js'
import { resolveEndpoints, type ExchangeEndpoints } from './config.js'
import { mapGraphError } from './errors.js'
import { detectLicence, type LicenceInfo, type SubscribedSku } from './licence.js'
import { ROLE_TEMPLATES, roleName } from './roles.js'
import {
  clientTransport,
  send,
  type ClientTransportOptions,
  type TransportDeps,
} from './transport.js'

/** How to build a Graph client. */
export interface GraphClientOptions extends ClientTransportOptions {
  endpoints?: Partial<ExchangeEndpoints>
}

/** The signed-in identity's directory roles. */
export interface RolesInfo {
  /** Display names (Exchange Administrator, ...). */
  roles: string[]
  roleTemplateIds: string[]
  /**
   * Where they came from: Graph (/me), or the Exchange token's `wids` (app-only, Graph refused,
   * or Graph not signed in: one sign-in with Microsoft's default apps).
   */
  source: 'graph' | 'token'
}

/** The organisation (tenant) as Graph describes it. */
export interface OrganizationInfo {
  id: string
  displayName: string
  /** The `*.onmicrosoft.com` domain. */
  initialDomain: string | null
  defaultDomain: string | null
}

/** One domain of the tenant. */
export interface DomainInfo {
  id: string
  isDefault: boolean
  isInitial: boolean
  isVerified: boolean
  supportedServices: string[]
}

/** Graph v1.0 reads. */
export class GraphClient {
  readonly endpoints: ExchangeEndpoints
  private readonly deps: TransportDeps
  private readonly ownsHttp: boolean

  constructor(opts: GraphClientOptions) {
    this.endpoints = resolveEndpoints(opts.endpoints)
    const t = clientTransport(opts, this.endpoints)
    this.deps = t.deps
    this.ownsHttp = t.ownsHttp
  }

  /** GETs a collection, following `@odata.nextLink` on the Graph host. */
  async list<T = Record<string, unknown>>(
    path: string,
    opts: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<T[]> {
    const out: T[] = []
    const base = new URL(this.endpoints.graphBase)
    let url: string | null = `${this.endpoints.graphBase}/v1.0/${path.replace(/^\//, '')}`
    for (let pages = 0; url; pages++) {
      const current: string = url
      const target = new URL(current)
      if (target.origin !== base.origin || pages >= 100)
        throw new PassageError(
          'PASSAGE_E_GRAPH_FAILED',
          `Graph paging of ${path} went astray; stopped.`,
        )
      const res = await send(this.deps, {
        method: 'GET',
        url: () => current,
        headers: { accept: 'application/json', ...opts.headers },
        audience: 'graph',
        what: path.split('?')[0] ?? path,
        idempotent: true,
        ...(opts.signal ? { signal: opts.signal } : {}),
        mapError: (r) => mapGraphError(r.status, r.text, path.split('?')[0] ?? path),
      })
      const body = JSON.parse(res.text) as { value?: T[]; '@odata.nextLink'?: string }
      out.push(...(body.value ?? []))
      url = body['@odata.nextLink'] ?? null
    }
    return out
  }

  /** The tenant's licence level (§2.1). Needs Organization.Read.All. */
  async licence(signal?: AbortSignal): Promise<LicenceInfo> {
    const skus = await this.list<SubscribedSku>(
      'subscribedSkus?$select=skuId,skuPartNumber,capabilityStatus,servicePlans',
      signal ? { signal } : {},
    )
    return detectLicence(skus)
  }

  /**
   * The directory roles the Exchange token names (its `wids` claim, which Entra ID puts in the
   * access tokens it issues to a user holding directory roles), without any Graph request; null
   * when the token carries no `wids` at all. The only Graph-free word on an admin's roles:
   * Exchange's own role assignments name role groups (Organization Management, ...) rather than
   * Entra roles, so Get-ManagementRoleAssignment is not used for this; what the admin may change
   * is read from Exchange itself (EXOModuleFile, app/access.ts).
   */
  async tokenRoles(signal?: AbortSignal): Promise<RolesInfo | null> {
    const claims = readClaims(await this.deps.tokens.getToken('exchange', signal ? { signal } : {}))
    const ids = claims?.roleTemplateIds ?? []
    // No `wids` at all: unknown. Only the default User role's: no administrator role.
    if (ids.length === 0) return null
    const known = ids.filter((id) => ROLE_TEMPLATES[id.toLowerCase()] !== undefined)
    return { roles: known.map(roleName), roleTemplateIds: known, source: 'token' }
  }

  /**
   * The signed-in identity's directory roles (§2.2). Delegated: `/me/transitiveMemberOf` cast to
   * directoryRole (needs ConsistencyLevel: eventual and $count). App-only, or when Graph refuses
   * a delegated read: the token's `wids` claim, when it carries one.
   */
  async roles(signal?: AbortSignal): Promise<RolesInfo> {
    const claims = readClaims(await this.deps.tokens.getToken('exchange', signal ? { signal } : {}))
    const fromToken = (): RolesInfo => ({
      roles: (claims?.roleTemplateIds ?? []).map(roleName),
      roleTemplateIds: claims?.roleTemplateIds ?? [],
      source: 'token',
    })
    if (claims?.appOnly) return fromToken()
    try {
      const roles = await this.list<{ displayName?: string; roleTemplateId?: string }>(
        'me/transitiveMemberOf/microsoft.graph.directoryRole?$count=true&$select=displayName,roleTemplateId',
        { headers: { consistencylevel: 'eventual' }, ...(signal ? { signal } : {}) },
      )
      const ids = roles.map((r) => r.roleTemplateId ?? '').filter(Boolean)
      return {
        roles: roles.map((r) =>
          r.roleTemplateId ? roleName(r.roleTemplateId) : (r.displayName ?? '(unknown role)'),
        ),
        roleTemplateIds: ids,
        source: 'graph',
      }
    } catch (e) {
      const refused =
        isPassageError(e, 'PASSAGE_E_GRAPH_DENIED') || isPassageError(e, 'PASSAGE_E_SIGNIN')
      if (refused && claims && claims.roleTemplateIds.length > 0) return fromToken()
      throw e
    }
  }

  /** The organisation: id, name and its initial and default domains. */
  async organization(signal?: AbortSignal): Promise<OrganizationInfo> {
    const orgs = await this.list<{
      id?: string
      displayName?: string
      verifiedDomains?: { name?: string; isDefault?: boolean; isInitial?: boolean }[]
    }>('organization?$select=id,displayName,verifiedDomains', signal ? { signal } : {})
    const org = orgs[0]
    if (!org?.id)
      throw new PassageError('PASSAGE_E_GRAPH_FAILED', 'Graph returned no organization.')
    const domains = org.verifiedDomains ?? []
    return {
      id: org.id,
      displayName: org.displayName ?? org.id,
      initialDomain: domains.find((d) => d.isInitial)?.name ?? null,
      defaultDomain: domains.find((d) => d.isDefault)?.name ?? null,
    }
  }

  /** The tenant's domains (§2: accepted domains as Entra knows them). Needs Domain.Read.All. */
  async domains(signal?: AbortSignal): Promise<DomainInfo[]> {
    const list = await this.list<Partial<DomainInfo>>('domains', signal ? { signal } : {})
    return list
      .filter((d) => typeof d.id === 'string')
      .map((d) => ({
        id: d.id!.toLowerCase(),
        isDefault: d.isDefault === true,
        isInitial: d.isInitial === true,
        isVerified: d.isVerified === true,
        supportedServices: Array.isArray(d.supportedServices) ? d.supportedServices : [],
      }))
  }

  /**
   * Whether Graph lets this sign-in read groups: one group's id (`GET /groups?$top=1`), which
   * needs the same permissions as groupMembers (GroupMember.Read.All, Group.Read.All,
   * Directory.Read.All; learn.microsoft.com/graph/api/group-list). Throws Graph's refusal as
   * groupMembers would (the same request path, `groups`), so that discovery can ask it beside
   * its first reads and go to Exchange for group members straight away when Graph refuses,
   * instead of learning it from the first lookup a round later.
   */
  async canReadGroups(signal?: AbortSignal): Promise<void> {
    // One page only: its next link is not followed.
    await send(this.deps, {
      method: 'GET',
      url: () => `${this.endpoints.graphBase}/v1.0/groups?$select=id&$top=1`,
      headers: { accept: 'application/json' },
      audience: 'graph',
      what: 'groups',
      idempotent: true,
      ...(signal ? { signal } : {}),
      mapError: (r) => mapGraphError(r.status, r.text, 'groups'),
    })
  }

  /**
   * The members of the mail-enabled group with this address (what policies and presets name in
   * SentToMemberOf), nested groups flattened: the group by `mail`, then its `transitiveMembers`,
   * every page followed. Lower-cased addresses (mail, else user principal name) of the members
   * that are not groups themselves; null when no group has the address. Needs
   * GroupMember.Read.All (or Group.Read.All, Directory.Read.All).
   * ms-rule: client.graph-group-members
   */
  async groupMembers(address: string, signal?: AbortSignal): Promise<string[] | null> {
    const opts = signal ? { signal } : {}
    const filter = encodeURIComponent(`mail eq '${address.replace(/'/g, "''")}'`)
    const groups = await this.list<{ id?: string }>(`groups?$filter=${filter}&$select=id`, opts)
    const id = groups[0]?.id
    if (!id) return null
    const members = await this.list<{
      '@odata.type'?: string
      mail?: string | null
      userPrincipalName?: string | null
    }>(
      `groups/${encodeURIComponent(id)}/transitiveMembers?$select=mail,userPrincipalName&$top=999`,
      opts,
    )
    const out = members
      .filter((m) => m['@odata.type'] !== '#microsoft.graph.group')
      .map((m) => (m.mail ?? m.userPrincipalName ?? '').toLowerCase())
      .filter(Boolean)
    return [...new Set(out)]
  }

  /** Closes idle connections (only those of a client this one created). */
  close(): void {
    if (this.ownsHttp) this.deps.http.close()
  }
}
