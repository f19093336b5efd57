/**
 * Where the client gets its access tokens: auth.ts implements this with msal's cache (and its
 * silent refresh). Where that cache is kept between commands (an encrypted file whose key is in
 * the system's secret store, passage's key agent or a passphrase; or memory) plugs into msal
 * there (`SignInOptions.cachePlugin`, chosen by app/token-keeping.ts), not here.
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
