/**
 * Where the client gets its access tokens. Tokens live in memory only: auth.ts implements this
 * with msal's in-memory cache (and its silent refresh); an opt-in encrypted cache plugs into
 * msal there (see `SignInOptions.cachePlugin`), not here.
 */
import type { Audience } from './config.js'

/** Options of one token request. */
export interface TokenRequestOptions {
  /** Skip any cached token (the service refused the one it had). */
  forceRefresh?: boolean
  signal?: AbortSignal
}

/** Gives access tokens for Exchange Online and Microsoft Graph. */
export interface TokenProvider {
  /** An access token for the audience. Never logged, never put in an error. */
  getToken(audience: Audience, opts?: TokenRequestOptions): Promise<string>
}
