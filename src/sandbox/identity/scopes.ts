/** Which API a requested scope is for, and what the token may do there. */
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
  delegatedDefault: ['Domain.Read.All', 'Organization.Read.All', 'User.Read'],
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
