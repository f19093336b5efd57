/**
 * The authenticated, retrying request loop shared by the admin API and Graph: bearer token
 * (refreshed once when the service refuses it), a per-tenant concurrency cap, a time-out per
 * attempt, retries on throttling and transient failures (reference §1.8 (6)) and, for the admin
 * API, the regional redirect (§1.2).
 */
import { PassageError } from '../core/errors/index.js'
import type { Audience, ExchangeEndpoints } from './config.js'
import { networkError } from './errors.js'
import { createHttpClient, HttpFailure, type HttpClient, type HttpResponse } from './http.js'
import {
  backoffMs,
  classifyStatus,
  DEFAULT_RETRY,
  realSleep,
  retryAfterMs,
  type RetryPolicy,
  type Sleep,
} from './retry.js'
import type { Semaphore } from './semaphore.js'
import type { TokenProvider } from './tokens.js'

/** Something worth logging that happened on the wire. Never carries a token or a body. */
export type TransportEvent =
  | {
      type: 'retry'
      what: string
      attempt: number
      waitMs: number
      /** The HTTP status, or the failure kind of a request that got no response. */
      reason: number | string
    }
  | { type: 'redirect'; what: string; to: string }
  | { type: 'token-refresh'; what: string }

/** The shared machinery of a transport. */
export interface TransportDeps {
  http: HttpClient
  tokens: TokenProvider
  retry: RetryPolicy
  /** Time-out of each attempt, in ms. */
  timeoutMs: number
  sleep: Sleep
  random: () => number
  now: () => number
  onEvent?: (e: TransportEvent) => void
}

/** One logical request (retried as needed). */
export interface SendRequest {
  method: 'GET' | 'POST'
  /** The URL; a function so that a pinned regional host applies to retries. */
  url: () => string
  /** Headers besides Authorization. */
  headers: Record<string, string>
  body?: string
  audience: Audience
  /** Names the request in messages and events (a cmdlet name, a Graph path). */
  what: string
  /** True when running it twice is harmless: then ambiguous failures are retried too. */
  idempotent: boolean
  /** Concurrency cap to hold while each attempt is in flight. */
  semaphore?: Semaphore | null
  signal?: AbortSignal
  /** Where a 3xx may lead; absent: redirects are failures. Returns the URL to use, or null. */
  redirect?: (from: string, location: string) => string | null
  /** Maps a final failed response to an error; `mayHaveRun` when a write's outcome is unknown. */
  mapError: (res: HttpResponse, mayHaveRun: boolean) => PassageError
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 3

/** Fills in defaults for the shared machinery. */
export function transportDeps(
  d: Pick<TransportDeps, 'http' | 'tokens'> &
    Partial<Omit<TransportDeps, 'retry'>> & {
      retry?: Partial<RetryPolicy>
    },
): TransportDeps {
  return {
    http: d.http,
    tokens: d.tokens,
    retry: { ...DEFAULT_RETRY, ...d.retry },
    timeoutMs: d.timeoutMs ?? 120_000,
    sleep: d.sleep ?? realSleep,
    random: d.random ?? Math.random,
    now: d.now ?? Date.now,
    ...(d.onEvent ? { onEvent: d.onEvent } : {}),
  }
}

/** The transport options the admin API client and the Graph client both take. */
export interface ClientTransportOptions {
  tokens: TokenProvider
  /** Sends the requests (default: node:https trusting `endpoints.ca`). */
  http?: HttpClient
  retry?: Partial<RetryPolicy>
  /** Time-out of each HTTP attempt in ms (default 120 s). */
  timeoutMs?: number
  /** For tests: the clock's sleep, the jitter's randomness, the clock. */
  sleep?: Sleep
  random?: () => number
  now?: () => number
  /** Retries, redirects and token refreshes, for progress and logs (never a token). */
  onEvent?: (e: TransportEvent) => void
}

/**
 * A client's transport: the HTTP client given, or one of its own trusting the endpoints' CA
 * (`ownsHttp`: the client closes it).
 */
export function clientTransport(
  opts: ClientTransportOptions,
  endpoints: ExchangeEndpoints,
): { deps: TransportDeps; ownsHttp: boolean } {
  const http = opts.http ?? createHttpClient(endpoints.ca ? { ca: endpoints.ca } : {})
  return {
    ownsHttp: opts.http === undefined,
    deps: transportDeps({
      http,
      tokens: opts.tokens,
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    }),
  }
}

/** Sends a request until it succeeds (2xx) or fails for good; throws a PassageError then. */
export async function send(deps: TransportDeps, req: SendRequest): Promise<HttpResponse> {
  const policy = deps.retry
  let attempt = 0
  let redirects = 0
  let refreshed = false
  let forceRefresh = false
  let redirectedTo: string | null = null
  for (;;) {
    attempt++
    checkAborted(req)
    const url = redirectedTo ?? req.url()
    let res: HttpResponse
    try {
      const token = await deps.tokens.getToken(req.audience, {
        forceRefresh,
        ...(req.signal ? { signal: req.signal } : {}),
      })
      forceRefresh = false
      const release = req.semaphore ? await req.semaphore.acquire(req.signal) : null
      try {
        res = await deps.http.request({
          method: req.method,
          url,
          headers: { ...req.headers, authorization: `Bearer ${token}` },
          ...(req.body !== undefined ? { body: req.body } : {}),
          timeoutMs: deps.timeoutMs,
          ...(req.signal ? { signal: req.signal } : {}),
        })
      } finally {
        release?.()
      }
    } catch (e) {
      // Cancelled while waiting for a token, a slot or the answer: one error for all three.
      checkAborted(req)
      if (!(e instanceof HttpFailure)) throw e
      // A request the server cannot have seen is always safe to repeat; one it may have run
      // only when repeating it is harmless.
      const safe = e.kind !== 'tls' && (!e.maybeReceived || req.idempotent)
      if (safe && attempt < policy.maxAttempts) {
        await wait(deps, req, attempt, backoffMs(attempt, policy, deps.random), e.kind)
        continue
      }
      throw networkError(e, `No answer for ${req.what}`, {
        mayHaveRun: e.maybeReceived && !req.idempotent,
        attempts: attempt,
      })
    }
    if (res.status >= 200 && res.status < 300) return res

    const location = res.headers.location
    if (REDIRECTS.has(res.status) && location && req.redirect) {
      const next = req.redirect(url, location)
      if (next && ++redirects <= MAX_REDIRECTS) {
        deps.onEvent?.({ type: 'redirect', what: req.what, to: new URL(next).host })
        redirectedTo = next
        attempt--
        continue
      }
    }

    // A refused token (expired early, revoked): get a fresh one once. An RBAC denial is also a
    // 401 (reference §1.8 (3)) but names the cmdlet; a new token would not change it.
    if (res.status === 401 && !refreshed && !/not allowed to call/i.test(res.text)) {
      refreshed = true
      forceRefresh = true
      attempt--
      deps.onEvent?.({ type: 'token-refresh', what: req.what })
      continue
    }

    const cls = classifyStatus(res.status, res.text)
    const retryable =
      cls === 'throttled' || cls === 'unavailable' || (cls === 'ambiguous' && req.idempotent)
    if (retryable && attempt < policy.maxAttempts) {
      const asked = retryAfterMs(res.headers, policy, deps.now())
      // Honour Retry-After, plus a little jitter so that parallel callers spread out.
      const ms =
        asked !== null
          ? asked + Math.round(deps.random() * Math.min(1000, asked * 0.1))
          : backoffMs(attempt, policy, deps.random)
      await wait(deps, req, attempt, ms, res.status)
      continue
    }
    throw req.mapError(res, cls === 'ambiguous' && !req.idempotent)
  }
}

async function wait(
  deps: TransportDeps,
  req: SendRequest,
  attempt: number,
  ms: number,
  reason: number | string,
): Promise<void> {
  deps.onEvent?.({ type: 'retry', what: req.what, attempt, waitMs: ms, reason })
  try {
    await deps.sleep(ms, req.signal)
  } catch {
    checkAborted(req)
  }
}

function checkAborted(req: SendRequest): void {
  if (req.signal?.aborted)
    throw new PassageError('PASSAGE_E_NETWORK', `${req.what} was cancelled.`, {
      details: { failure: 'aborted' },
      hint: 'The operation was cancelled or ran out of time; run the command again.',
    })
}
