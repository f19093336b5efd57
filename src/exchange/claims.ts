/**
 * The claims clients read from an access token (reference §1.5): `tid` for the URL, `upn` for
 * the anchor (absent: app-only), `wids` and `roles` for the caller's roles. The token is decoded,
 * not verified: the service it is sent to verifies it. The token itself is never kept here.
 */
import { decodeJwt } from 'jose'

/** What passage uses from an access token. */
export interface TokenClaims {
  /** Tenant GUID. */
  tenantId: string | null
  /** Signed-in user's UPN; null for an app-only token. */
  upn: string | null
  /** App id of the client the token was issued to. */
  appId: string | null
  /** Directory role template ids (`wids`), when the token carries them. */
  roleTemplateIds: string[]
  /** Application permissions (`roles`) of an app-only token. */
  appRoles: string[]
  /** Delegated scopes (`scp`). */
  scopes: string[]
  /** Expiry, seconds since the epoch. */
  expiresAt: number | null
  appOnly: boolean
}

const s = (v: unknown): string | null => (typeof v === 'string' && v ? v : null)
const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

/** Reads the claims of a JWT access token; null when it is not a JWT. */
export function readClaims(token: string): TokenClaims | null {
  let c: Record<string, unknown>
  try {
    c = decodeJwt(token) as Record<string, unknown>
  } catch {
    return null
  }
  const upn = s(c.upn) ?? (s(c.scp) ? (s(c.preferred_username) ?? s(c.unique_name)) : null)
  return {
    tenantId: s(c.tid),
    upn,
    appId: s(c.appid) ?? s(c.azp),
    roleTemplateIds: list(c.wids),
    appRoles: list(c.roles),
    scopes: (s(c.scp) ?? '').split(' ').filter(Boolean),
    expiresAt: typeof c.exp === 'number' ? c.exp : null,
    appOnly: upn === null && !s(c.scp),
  }
}
