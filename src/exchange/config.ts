/**
 * Where the Exchange client talks to, and as whom. The same code serves Microsoft and the sandbox:
 * only these base URLs (and the CA to trust) differ.
 */
import { PassageError } from '../core/errors/index.js'

/** Base URLs of the three services, and an optional extra CA for them. */
export interface ExchangeEndpoints {
  /** Exchange Online admin API host (default https://outlook.office365.com). */
  exchangeBase: string
  /** Microsoft Graph (default https://graph.microsoft.com). */
  graphBase: string
  /** Entra ID sign-in (default https://login.microsoftonline.com). */
  authority: string
  /**
   * PEM of a CA to trust for these connections only (the sandbox's). Never a process-wide switch
   * such as NODE_TLS_REJECT_UNAUTHORIZED.
   */
  ca?: string
}

/** Microsoft's public endpoints. */
export const MICROSOFT_ENDPOINTS: ExchangeEndpoints = Object.freeze({
  exchangeBase: 'https://outlook.office365.com',
  graphBase: 'https://graph.microsoft.com',
  authority: 'https://login.microsoftonline.com',
})

/**
 * The Exchange Online PowerShell module's public client id (reference §1.5): it allows device
 * code. Microsoft Learn does not publish it; ExoHelper, ScubaGear and Maester use it.
 */
export const EXO_POWERSHELL_CLIENT_ID = 'fb78d390-0c51-40cd-8e17-fdbfab77341b'

/**
 * The public client Microsoft's own Graph tooling signs admins in with: the Microsoft Graph
 * PowerShell SDK's "Microsoft Graph Command Line Tools" (microsoftgraph/msgraph-sdk-powershell,
 * AuthContext.cs). Graph is asked of this client, never of the Exchange Online PowerShell one:
 * no public client shows that one getting Graph tokens (review item 10).
 * ms-rule: client.graph-client
 */
export const GRAPH_CLI_CLIENT_ID = '14d82eec-204b-4c2f-b7e8-296a70dab67e'

/**
 * The client a delegated sign-in asks Graph tokens of: the one given; else the sign-in's own
 * client when that is the admin's own app registration (it can carry both APIs' permissions);
 * else Microsoft's Graph command-line client.
 * ms-rule: client.graph-client
 */
export function graphClientIdFor(clientId?: string, graphClientId?: string): string {
  if (graphClientId) return graphClientId
  if (clientId && clientId.toLowerCase() !== EXO_POWERSHELL_CLIENT_ID) return clientId
  return GRAPH_CLI_CLIENT_ID
}

/** Token audiences (resources). They are Microsoft's names even when the base URLs are not. */
export const AUDIENCES = {
  exchange: 'https://outlook.office365.com',
  graph: 'https://graph.microsoft.com',
} as const

/** Which service a token is for. */
export type Audience = keyof typeof AUDIENCES

/** Sovereign clouds' own resource hosts (reference §1.2): their tokens name these instead. */
const SOVEREIGN = new Set([
  'outlook.office365.us',
  'outlook-dod.office365.us',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
])

/**
 * The resource a token must be for. Microsoft's commercial names, except for a sovereign cloud's
 * own hosts; the sandbox accepts the commercial names on its own URLs.
 */
export function resourceFor(endpoints: ExchangeEndpoints, audience: Audience): string {
  const url = new URL(audience === 'exchange' ? endpoints.exchangeBase : endpoints.graphBase)
  return SOVEREIGN.has(url.hostname.toLowerCase()) ? url.origin : AUDIENCES[audience]
}

/** The v2 `.default` scope of an audience (reference §1.5). */
export function defaultScope(
  audience: Audience,
  endpoints: ExchangeEndpoints = MICROSOFT_ENDPOINTS,
): string {
  return `${resourceFor(endpoints, audience)}/.default`
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

/** True for a tenant GUID. */
export function isTenantGuid(tenant: string): boolean {
  return GUID.test(tenant)
}

/**
 * Checks a tenant as the API takes it in its URL: the GUID (the token's `tid`) or a domain such
 * as `contoso.onmicrosoft.com` (reference §1.2). Returns it lower-cased.
 */
export function normaliseTenant(tenant: string): string {
  const t = tenant.trim().toLowerCase()
  if (GUID.test(t) || DOMAIN.test(t)) return t
  throw new PassageError(
    'PASSAGE_E_INPUT',
    `'${tenant}' is not a tenant: give its GUID or its domain, e.g. contoso.onmicrosoft.com.`,
  )
}

/** A base URL without its trailing slash; only http(s). */
function base(url: string, what: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new PassageError('PASSAGE_E_INPUT', `${what} '${url}' is not a URL.`)
  }
  // Plain http only on loopback (local test peers): elsewhere tokens would travel in clear text.
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback))
    throw new PassageError('PASSAGE_E_INPUT', `${what} '${url}' must be an https:// URL.`)
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '')
}

/** Fills in Microsoft's defaults and normalises the base URLs. */
export function resolveEndpoints(partial: Partial<ExchangeEndpoints> = {}): ExchangeEndpoints {
  const e: ExchangeEndpoints = {
    exchangeBase: base(partial.exchangeBase ?? MICROSOFT_ENDPOINTS.exchangeBase, 'exchangeBase'),
    graphBase: base(partial.graphBase ?? MICROSOFT_ENDPOINTS.graphBase, 'graphBase'),
    authority: base(partial.authority ?? MICROSOFT_ENDPOINTS.authority, 'authority'),
  }
  if (partial.ca !== undefined) {
    if (!partial.ca.includes('-----BEGIN CERTIFICATE-----'))
      throw new PassageError('PASSAGE_E_INPUT', 'The CA to trust must be a PEM certificate.')
    e.ca = partial.ca
  }
  return e
}

/** The endpoints of a sandbox (one base URL serves all three), trusting its CA. */
export function sandboxEndpoints(url: string, caPem: string): ExchangeEndpoints {
  return resolveEndpoints({ exchangeBase: url, graphBase: url, authority: url, ca: caPem })
}

/** True when the authority is Microsoft's own (msal then discovers its metadata as usual). */
export function isMicrosoftAuthority(authority: string): boolean {
  const host = new URL(authority).hostname.toLowerCase()
  return [
    'login.microsoftonline.com',
    'login.microsoftonline.us',
    'login.partner.microsoftonline.cn',
    'login.chinacloudapi.cn',
  ].includes(host)
}
