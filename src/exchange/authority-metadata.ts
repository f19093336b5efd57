/**
 * A tenant's OpenID metadata derived from another tenant's document of the same authority, so
 * that an app signing in to hundreds of tenants (a fleet worker) does not fetch one document per
 * tenant before its first token.
 *
 * Microsoft documents the v2.0 OpenID configuration document per tenant at
 * `{authority}/{tenant}/v2.0/.well-known/openid-configuration`, whose endpoints carry the tenant
 * as the first segment of their path: `{authority}/{tenant}/oauth2/v2.0/authorize`,
 * `.../oauth2/v2.0/token`, `.../discovery/v2.0/keys`, and the issuer `{authority}/{tenantid}/v2.0`
 * (MicrosoftDocs/entra-docs docs/identity-platform/v2-protocols-oidc.md, "Fetch the OpenID
 * configuration document"; learn.microsoft.com/entra/identity-platform/v2-protocols-oidc). msal
 * itself ships these endpoints as a template with a `{tenantid}` placeholder for Microsoft's own
 * authority hosts (@azure/msal-common's built-in endpoint metadata), so against
 * login.microsoftonline.com it fetches no tenant's document at all; msal-node takes the same
 * metadata for any other authority through its `authorityMetadata` option. This module does for
 * an authority msal has no template for (the sandbox) what msal does for Microsoft's: one
 * document, discovered once, stands for every tenant of that authority.
 *
 * Only on no doubt (anything else: discovery as before): the document was fetched for a tenant
 * GUID and said 200, every endpoint passed on starts with `{authority}/{that GUID}/` and carries
 * the GUID nowhere else, and the tenant asked for is a GUID too (a domain name is resolved by the
 * authority into the tenant's id, which only its own document says). The derived metadata holds
 * the endpoints msal reads, the tenant substituted in that first segment only.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The path of a tenant's v2.0 OpenID configuration document under its authority. */
const DOCUMENT_PATH = '/v2.0/.well-known/openid-configuration'

/** The endpoints msal reads from the document (msal-common's OpenIdConfigResponse). */
const REQUIRED = ['authorization_endpoint', 'token_endpoint', 'issuer', 'jwks_uri'] as const
const OPTIONAL = ['end_session_endpoint'] as const

/** An authority's endpoints with the tenant taken out: `{authority}/` + tenant + `rest`. */
export interface AuthorityTemplate {
  /** The authority, lower case, without a trailing slash (`https://host[:port][/path]`). */
  authority: string
  /** The same as the document writes it. */
  written: string
  /** Each endpoint's text after `{authority}/{tenant}`. */
  rest: Partial<Record<(typeof REQUIRED)[number] | (typeof OPTIONAL)[number], string>>
}

/** True for a tenant id in GUID form. */
export function isTenantGuid(tenant: string): boolean {
  return GUID.test(tenant)
}

/**
 * The template of a tenant's OpenID configuration document fetched from `url`, or null when the
 * URL is not a tenant GUID's v2.0 document or the document is not of the documented shape.
 */
export function templateFrom(url: string, body: unknown): AuthorityTemplate | null {
  const path = url.split(/[?#]/)[0] ?? url
  if (!path.endsWith(DOCUMENT_PATH)) return null
  const head = path.slice(0, -DOCUMENT_PATH.length)
  const cut = head.lastIndexOf('/')
  if (cut < 0) return null
  const tenant = head.slice(cut + 1).toLowerCase()
  const authority = head.slice(0, cut).toLowerCase()
  if (!isTenantGuid(tenant) || !/^https:\/\/[^/]+/.test(authority)) return null
  if (body === null || typeof body !== 'object') return null
  const doc = body as Record<string, unknown>
  const prefix = `${authority}/${tenant}`
  const rest: AuthorityTemplate['rest'] = {}
  let written = authority
  for (const field of [...REQUIRED, ...OPTIONAL]) {
    const value = doc[field]
    if (value === undefined && (OPTIONAL as readonly string[]).includes(field)) continue
    if (typeof value !== 'string') return null
    const lower = value.toLowerCase()
    // The tenant as the first path segment, and nowhere else.
    if (!lower.startsWith(`${prefix}/`)) return null
    const after = value.slice(prefix.length)
    if (after.toLowerCase().includes(tenant)) return null
    rest[field] = after
    if (field === 'token_endpoint') written = value.slice(0, authority.length)
  }
  return { authority, written, rest }
}

/**
 * msal's `authorityMetadata` for `tenant` (a GUID) from `template` of `authority`, as JSON; null
 * when the tenant is not a GUID or the template is of another authority.
 */
export function metadataFor(
  template: AuthorityTemplate,
  authority: string,
  tenant: string,
): string | null {
  const base = authority.replace(/\/+$/, '').toLowerCase()
  if (base !== template.authority || !isTenantGuid(tenant)) return null
  const prefix = `${template.written}/${tenant.toLowerCase()}`
  const out: Record<string, string> = {}
  for (const [field, after] of Object.entries(template.rest)) out[field] = `${prefix}${after}`
  return JSON.stringify(out)
}
