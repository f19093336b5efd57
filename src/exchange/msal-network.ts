/**
 * msal-node's network module on passage's HTTP client, so that sign-in trusts the same CA as the
 * API calls (msal's own fetch-based client cannot take one), so that the device-code poll
 * honours `slow_down` (RFC 8628 §3.5, reference §1.6), which msal treats as a failure, and so that
 * sign-in survives what the admin API survives: a dropped connection, a 429 (with its
 * Retry-After), a 408 or a 5xx are tried again, a bounded number of times. Token and discovery
 * requests change nothing on the server but the grant they redeem, so a repeat is safe.
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'
import { metadataFor, templateFrom, type AuthorityTemplate } from './authority-metadata.js'
import type { HttpClient } from './http.js'
import {
  backoffMs,
  classifyStatus,
  realSleep,
  retryAfterMs,
  type RetryPolicy,
  type Sleep,
} from './retry.js'

/** Sign-in's retries: quicker than the admin API's, the admin is waiting at a prompt. */
export const SIGNIN_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 5000,
  maxRetryAfterMs: 30_000,
}

const DEVICE_CODE_GRANT = 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code'

/** What an authority said when it refused OpenID discovery for a tenant. */
export interface DiscoveryRefusal {
  refused?: { status: number; error: string; description: string }
}

/** Options of the network module. */
export interface MsalNetworkOptions {
  /** Time-out of each request, in ms (default 60 s). */
  timeoutMs?: number
  sleep?: Sleep
  /** Retries of failed requests (default SIGNIN_RETRY). */
  retry?: RetryPolicy
  /**
   * Filled with the authority's own words when it refuses its OpenID discovery (an unknown
   * tenant: AADSTS90002), which msal reports only as "endpoints cannot be resolved".
   */
  discovery?: DiscoveryRefusal
  random?: () => number
  /** The clock of the discovery answers' 24 hours (tests). */
  now?: () => number
}

/**
 * OpenID discovery answers (an authority's `.well-known/openid-configuration`, Microsoft's
 * instance discovery) that said 200, per HTTP client and URL, kept as msal keeps them in its own
 * cache: for 24 hours. msal asks again with every new client application, which is every sign-in;
 * a fleet worker signs in to hundreds of tenants, and asking again cost a request (a round trip
 * to the authority) per sign-in. A refusal is never kept: it is asked again, and reported.
 * Microsoft documents the same for its MSAL for Java: the discovery metadata is kept in memory and
 * used for the life of the process, so that only the first call goes to the network
 * (learn.microsoft.com/entra/msal/java/advanced/instance-discovery).
 */
const DISCOVERY_TTL_MS = 24 * 3600 * 1000
const MAX_DISCOVERY_ANSWERS = 4096
const discoveryAnswers = new WeakMap<
  HttpClient,
  Map<string, { status: number; headers: Record<string, string>; text: string; until: number }>
>()

/**
 * Per HTTP client and authority: the template of the last tenant document it answered with 200
 * (authority-metadata.ts), kept as long as a discovery answer (24 hours).
 */
const templates = new WeakMap<
  HttpClient,
  Map<string, { template: AuthorityTemplate; until: number }>
>()

/**
 * msal's `authorityMetadata` for a tenant GUID of `authority`, derived from another tenant's
 * document that this HTTP client fetched within 24 hours (authority-metadata.ts); undefined when
 * there is none, or on any doubt (then msal fetches the tenant's own document, as before).
 */
export function knownAuthorityMetadata(
  http: HttpClient,
  authority: string,
  tenant: string,
  now: () => number = Date.now,
): string | undefined {
  const kept = templates.get(http)?.get(authority.replace(/\/+$/, '').toLowerCase())
  if (!kept || kept.until <= now()) return undefined
  return metadataFor(kept.template, authority, tenant) ?? undefined
}

function isDiscoveryUrl(url: string): boolean {
  const path = url.split('?')[0] ?? url
  return path.endsWith('/.well-known/openid-configuration') || path.endsWith('/discovery/instance')
}

/** An INetworkModule for msal-node. */
export function msalNetworkModule(http: HttpClient, opts: MsalNetworkOptions = {}): INetworkModule {
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? realSleep
  const timeoutMs = opts.timeoutMs ?? 60_000
  // Extra wait between device-code polls, grown by 5 s at each slow_down.
  let slowDownMs = 0

  const retry = opts.retry ?? SIGNIN_RETRY
  const random = opts.random ?? Math.random

  /** One request, tried again after a drop, a throttle, a time-out or a server error. */
  const sendRetrying = async (
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ) => {
    for (let attempt = 1; ; attempt++) {
      let wait: number
      try {
        const res = await http.request({
          method,
          url,
          headers: options?.headers ?? {},
          ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
          timeoutMs: timeout ?? timeoutMs,
        })
        if (classifyStatus(res.status, res.text) === 'final' || attempt >= retry.maxAttempts)
          return res
        wait = retryAfterMs(res.headers, retry) ?? backoffMs(attempt, retry, random)
      } catch (e) {
        // A dropped connection or a time-out: the same request once more, after a pause.
        if (attempt >= retry.maxAttempts) throw e
        wait = backoffMs(attempt, retry, random)
      }
      await sleep(wait)
    }
  }

  const sendOnce = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions | undefined,
    timeout?: number,
  ): Promise<NetworkResponse<T>> => {
    const discovery = method === 'GET' && isDiscoveryUrl(url)
    let answers = discovery ? discoveryAnswers.get(http) : undefined
    const kept = answers?.get(url)
    let res: { status: number; headers: Record<string, string>; text: string }
    if (kept && kept.until > now()) res = kept
    else {
      res = await sendRetrying(method, url, options, timeout)
      if (discovery && res.status === 200) {
        rememberTemplate(url, res.text)
        if (!answers) discoveryAnswers.set(http, (answers = new Map()))
        if (answers.size >= MAX_DISCOVERY_ANSWERS) answers.clear()
        answers.set(url, {
          status: res.status,
          headers: { ...res.headers },
          text: res.text,
          until: now() + DISCOVERY_TTL_MS,
        })
      }
    }
    let body: unknown = {}
    if (res.text.trim()) {
      try {
        body = JSON.parse(res.text)
      } catch {
        // msal reads `error` from the body; a non-JSON answer becomes a plain server error.
        body = { error: 'invalid_response', error_description: res.text.slice(0, 400) }
      }
    }
    return { status: res.status, headers: { ...res.headers }, body: body as T }
  }

  /** Keeps the template of a tenant's document (a 200 discovery answer just fetched). */
  const rememberTemplate = (url: string, text: string) => {
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return
    }
    const template = templateFrom(url, body)
    if (!template) return
    let byAuthority = templates.get(http)
    if (!byAuthority) templates.set(http, (byAuthority = new Map()))
    byAuthority.set(template.authority, { template, until: now() + DISCOVERY_TTL_MS })
  }

  return {
    async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number) {
      const res = await sendOnce<T>('GET', url, options, timeout)
      const body = res.body as { error?: unknown; error_description?: unknown } | null
      if (
        opts.discovery &&
        res.status >= 400 &&
        url.includes('/.well-known/openid-configuration') &&
        typeof body?.error === 'string'
      )
        opts.discovery.refused = {
          status: res.status,
          error: body.error,
          description: typeof body.error_description === 'string' ? body.error_description : '',
        }
      return res
    },
    async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions) {
      const polling = options?.body?.includes(DEVICE_CODE_GRANT) === true
      if (polling && slowDownMs > 0) await sleep(slowDownMs)
      for (let i = 0; ; i++) {
        const res = await sendOnce<T>('POST', url, options)
        const error = (res.body as { error?: unknown } | null)?.error
        if (!polling || error !== 'slow_down' || i >= 10) return res
        slowDownMs += 5000
        await sleep(slowDownMs)
      }
    },
  }
}
