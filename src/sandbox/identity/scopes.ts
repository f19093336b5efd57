/** Which API a requested scope is for, and what the token may do there. */
import type { SandboxTenant } from '../contracts.js'
import { findApp } from './context.js'
import { Errors } from './errors.js'

export interface Resource {
  /** The token's `aud`. */
  uri: string
  /** The resource's well-known application id (also accepted as a scope prefix). */
  appId: string
  displayName: string
  /** `scp` of a delegated token requested with `/.default` by a public client. */
  delegatedDefault: string[]
  /** Whether an application role (SandboxApp.appRoles) belongs to this resource. */
  ownsAppRole: (role: string) => boolean
}

export const EXCHANGE: Resource = {
  uri: 'https://outlook.office365.com',
  appId: '00000002-0000-0ff1-ce00-000000000000',
  displayName: 'Office 365 Exchange Online',
  delegatedDefault: [
    'AdminApi.AccessAsUser.All',
    'FfoPowerShell.RW.All',
    'RemotePowerShell.AccessAsUser.All',
  ],
  ownsAppRole: (role) => role.startsWith('Exchange.'),
}

export const GRAPH: Resource = {
  uri: 'https://graph.microsoft.com',
  appId: '00000003-0000-0000-c000-000000000000',
  displayName: 'Microsoft Graph',
  delegatedDefault: [
    'Domain.Read.All',
    'GroupMember.Read.All',
    'Organization.Read.All',
    'User.Read',
  ],
  ownsAppRole: (role) => !role.startsWith('Exchange.'),
}

export const RESOURCES: readonly Resource[] = [EXCHANGE, GRAPH]

/** Scopes that ask for sign-in itself rather than an API. */
export const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email'])

export interface ScopeRequest {
  /** The OIDC scopes asked for (openid, profile, offline_access, email). */
  oidc: string[]
  resource: Resource
  /** True for `<resource>/.default`. */
  isDefault: boolean
  /** Permission names asked for explicitly (`User.Read`). */
  permissions: string[]
  /** The scopes as requested, echoed in the token response's `scope`. */
  echoed: string[]
}

function resourceFor(prefix: string, tenant: string): Resource {
  const p = prefix.toLowerCase().replace(/\/+$/, '')
  const found = RESOURCES.find((r) => r.uri === p || r.appId === p)
  if (found === undefined) throw Errors.resourceNotFound(prefix, tenant)
  return found
}

/**
 * Parses a space-separated `scope`. Scopes without a resource prefix (`User.Read`) are Graph's;
 * with only OIDC scopes, the token is for Graph (as Entra does).
 */
export function parseScopes(scope: string, tenant: string): ScopeRequest {
  const items = scope.split(/\s+/).filter((s) => s !== '')
  const oidc: string[] = []
  const permissions: string[] = []
  const echoed: string[] = []
  let resource: Resource | null = null
  let isDefault = false
  for (const item of items) {
    if (OIDC_SCOPES.has(item.toLowerCase())) {
      if (!oidc.includes(item.toLowerCase())) oidc.push(item.toLowerCase())
      continue
    }
    const slash = item.lastIndexOf('/')
    const res = slash > 0 ? resourceFor(item.slice(0, slash), tenant) : GRAPH
    const permission = slash > 0 ? item.slice(slash + 1) : item
    if (resource !== null && resource !== res) throw Errors.multipleResources(scope)
    resource = res
    if (permission === '.default') isDefault = true
    else if (permission !== '' && !permissions.includes(permission)) permissions.push(permission)
    echoed.push(item)
  }
  if (isDefault && permissions.length > 0)
    throw Errors.invalidScope(
      `The provided value for the input parameter 'scope' is not valid. The scope ${scope} combines '/.default' with other scopes of the same resource.`,
    )
  return { oidc, resource: resource ?? GRAPH, isDefault, permissions, echoed }
}

/** The `scp` of a delegated token for this request. */
export function delegatedScopes(req: ScopeRequest): string[] {
  if (req.isDefault || req.permissions.length === 0) return [...req.resource.delegatedDefault]
  return [...req.permissions]
}

/** The Exchange Online PowerShell module's public client id (reference §1.5). */
export const EXO_MODULE_CLIENT = 'fb78d390-0c51-40cd-8e17-fdbfab77341b'

/**
 * The Microsoft Graph PowerShell SDK's public client ("Microsoft Graph Command Line Tools"), the
 * client Microsoft's own Graph tooling signs admins in with
 * (microsoftgraph/msgraph-sdk-powershell, src/Authentication/Authentication/Models/AuthContext.cs).
 */
export const GRAPH_CLI_CLIENT = '14d82eec-204b-4c2f-b7e8-296a70dab67e'

/**
 * Refuses a delegated token for an API the public client may not call. Graph goes only to the
 * Graph command-line client or an app registered in the tenant: nothing public shows the
 * Exchange Online PowerShell client getting a Graph token, so the sandbox refuses it (as Entra
 * refuses a first-party client that is not preauthorized for a resource), and a client nobody
 * consented to in the tenant gets "consent required". This lets the sandbox catch a product that
 * asks Graph of the wrong client. Exchange Online stays open to any public client, as before.
 * ms-rule: client.graph-client
 */
export function checkDelegatedClient(
  req: ScopeRequest,
  clientId: string,
  tenant: SandboxTenant,
): void {
  if (req.resource !== GRAPH) return
  const id = clientId.toLowerCase()
  if (id === GRAPH_CLI_CLIENT || findApp(tenant, id) !== null) return
  if (id === EXO_MODULE_CLIENT) throw Errors.notPreauthorized(clientId, GRAPH.appId)
  throw Errors.consentRequired(clientId, GRAPH.appId)
}
