/**
 * A tenant's OpenID metadata derived from another tenant's document of the same authority
 * (authority-metadata.ts): the tenant substituted where Microsoft's document carries it, and
 * discovery as before on any doubt. The sign-in that uses it: test/exchange/authority-metadata.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { isTenantGuid, metadataFor, templateFrom } from './authority-metadata.js'

const A = '8eaef023-2b34-4da1-9baa-8bc8c9d6a490'
const B = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'
const MS = 'https://login.microsoftonline.com'

/** A tenant's document in the shape Microsoft documents (v2-protocols-oidc.md), trimmed. */
function documentOf(authority: string, tenant: string): Record<string, unknown> {
  return {
    authorization_endpoint: `${authority}/${tenant}/oauth2/v2.0/authorize`,
    token_endpoint: `${authority}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
    jwks_uri: `${authority}/${tenant}/discovery/v2.0/keys`,
    issuer: `${authority}/${tenant}/v2.0`,
    end_session_endpoint: `${authority}/${tenant}/oauth2/v2.0/logout`,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    tenant_region_scope: 'EU',
  }
}

const urlOf = (authority: string, tenant: string) =>
  `${authority}/${tenant}/v2.0/.well-known/openid-configuration`

describe('templateFrom / metadataFor', () => {
  it('client.signin-tenant-metadata: derives another GUID tenant’s endpoints by substituting the first path segment only', () => {
    const t = templateFrom(urlOf(MS, A), documentOf(MS, A))
    expect(t).not.toBeNull()
    const derived = JSON.parse(metadataFor(t!, MS, B)!) as Record<string, string>
    expect(derived).toEqual({
      authorization_endpoint: `${MS}/${B}/oauth2/v2.0/authorize`,
      token_endpoint: `${MS}/${B}/oauth2/v2.0/token`,
      jwks_uri: `${MS}/${B}/discovery/v2.0/keys`,
      issuer: `${MS}/${B}/v2.0`,
      end_session_endpoint: `${MS}/${B}/oauth2/v2.0/logout`,
    })
    // The same tenant gives back its own document's endpoints; an upper-case GUID is written lower.
    expect(JSON.parse(metadataFor(t!, `${MS}/`, A.toUpperCase())!).token_endpoint).toBe(
      `${MS}/${A}/oauth2/v2.0/token`,
    )
  })

  it('client.signin-tenant-metadata: refuses (null: discovery as before) on any doubt', () => {
    const ok = documentOf(MS, A)
    // The document was not a tenant GUID's: a domain name or `organizations` resolve elsewhere.
    expect(templateFrom(urlOf(MS, 'contoso.onmicrosoft.com'), documentOf(MS, A))).toBeNull()
    expect(templateFrom(urlOf(MS, 'organizations'), documentOf(MS, A))).toBeNull()
    expect(templateFrom(`${MS}/${A}/.well-known/openid-configuration`, ok)).toBeNull()
    const plain = 'http://login.example'
    expect(templateFrom(urlOf(plain, A), documentOf(plain, A))).toBeNull()
    // An endpoint on another host, without the tenant first, with it twice, or missing.
    expect(templateFrom(urlOf(MS, A), { ...ok, token_endpoint: `https://other/${A}/t` })).toBeNull()
    expect(
      templateFrom(urlOf(MS, A), { ...ok, jwks_uri: `${MS}/common/discovery/v2.0/keys` }),
    ).toBeNull()
    expect(
      templateFrom(urlOf(MS, A), { ...ok, authorization_endpoint: `${MS}/${A}/x?tenant=${A}` }),
    ).toBeNull()
    expect(templateFrom(urlOf(MS, A), { ...ok, issuer: undefined })).toBeNull()
    expect(templateFrom(urlOf(MS, A), { ...ok, end_session_endpoint: 42 })).toBeNull()
    expect(templateFrom(urlOf(MS, A), 'not a document')).toBeNull()
    // The tenant asked for is not a GUID, or the template is another authority's.
    const t = templateFrom(urlOf(MS, A), ok)!
    expect(metadataFor(t, MS, 'contoso.onmicrosoft.com')).toBeNull()
    expect(metadataFor(t, MS, 'organizations')).toBeNull()
    expect(metadataFor(t, 'https://login.microsoftonline.us', B)).toBeNull()
    expect(isTenantGuid(B)).toBe(true)
    expect(isTenantGuid('common')).toBe(false)
  })
})
