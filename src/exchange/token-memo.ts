/**
 * A token provider that hands the token it was last given out again for a few seconds, instead of
 * asking msal for every request: msal's acquireTokenByClientCredential / acquireTokenSilent walk
 * its whole cache (filters over every credential, authority metadata) on each call, one to three
 * milliseconds of CPU per request on the apply path (bench/apply.ts profile, client process).
 *
 * Equivalent to asking msal each time: a token is reused only while msal itself would still hand
 * it out, and at most MEMO_MS after msal last decided: msal renews a cached access token when it
 * is within five minutes of its expiry (msal-common's default tokenRenewalOffsetSeconds, 300 s) or
 * past its refresh time (refresh_in), so a memo that stops EXPIRY_MARGIN_S before the token's
 * `exp` claim never outlives msal's own choice by more than MEMO_MS, far inside the token's
 * validity. A forced refresh (the service refused the token: exchange/transport.ts) always goes to
 * the provider and replaces the memo; a token that is not a JWT with an `exp` claim is never kept.
 * Never logged, never put in an error (the provider's rule, tokens.ts).
 *
 * Calls that come while the provider is already asked for the same audience (not forced) wait for
 * that answer instead of asking too: a job's first requests go out together, and each of them
 * missed msal's empty cache and sent its own token request (bench/fleet.ts counted four token
 * requests per tenant's first job where two audiences need two). A failure is every waiter's.
 */
import type { Audience } from './config.js'
import { readClaims } from './claims.js'
import type { TokenProvider, TokenRequestOptions } from './tokens.js'

/** How long a token msal handed out is handed out again without asking msal (ms). */
export const MEMO_MS = 30_000
/** A token within this many seconds of its expiry is never reused (msal's renewal offset). */
export const EXPIRY_MARGIN_S = 300

/** A TokenProvider with its memo, which `forget` empties (on sign-out). */
export interface MemoTokenProvider extends TokenProvider {
  forget(): void
}

/** Wraps `provider` (see the module comment). `now` is the clock in ms (tests pass a fake one). */
export function memoTokens(
  provider: TokenProvider,
  now: () => number = Date.now,
): MemoTokenProvider {
  const kept = new Map<Audience, { token: string; until: number }>()
  /** The provider's answer being waited for, per audience (not forced). */
  const asking = new Map<Audience, Promise<string>>()
  const ask = async (audience: Audience, opts: TokenRequestOptions): Promise<string> => {
    const token = await provider.getToken(audience, opts)
    const exp = readClaims(token)?.expiresAt
    const at = now()
    if (typeof exp === 'number') {
      const until = Math.min(at + MEMO_MS, (exp - EXPIRY_MARGIN_S) * 1000)
      if (until > at) kept.set(audience, { token, until })
      else kept.delete(audience)
    } else kept.delete(audience)
    return token
  }
  return {
    async getToken(audience, opts = {}) {
      if (opts.forceRefresh) {
        kept.delete(audience)
        return ask(audience, opts)
      }
      const hit = kept.get(audience)
      if (hit && now() < hit.until) return hit.token
      const pending = asking.get(audience)
      if (pending) return pending
      const asked = ask(audience, opts).finally(() => {
        if (asking.get(audience) === asked) asking.delete(audience)
      })
      asking.set(audience, asked)
      return asked
    },
    forget() {
      kept.clear()
      asking.clear()
    },
  }
}
