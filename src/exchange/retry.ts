/**
 * When and how long to wait before trying a request again (reference §1.8 (6)): 429 with its
 * Retry-After, the plain-text "maximum number of concurrent requests per tenant" answer, 408,
 * 5xx and dropped connections, with capped exponential backoff and jitter, a bounded number of
 * attempts.
 */

/** How retries behave. Every field has a default (DEFAULT_RETRY). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number
  /** Backoff before the second attempt, in ms; it doubles each time. */
  baseDelayMs: number
  /** The most any computed backoff waits, in ms. */
  maxDelayMs: number
  /** The most a server's Retry-After is honoured, in ms (longer asks are capped to this). */
  maxRetryAfterMs: number
}

/** ScubaGear doubles from 1 s; ExoHelper gives up after 10 tries. Six attempts span about 1 min. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
}

/** The text Exchange sends when a tenant has too many requests in flight (§1.8 (6)). */
export const CONCURRENCY_THROTTLE_TEXT = 'maximum number of concurrent requests per tenant'

/** Waits `ms`, or rejects when the signal aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** The real clock's sleep. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
      return
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

/**
 * Backoff before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with "equal
 * jitter" (half fixed, half random) so that parallel callers do not retry in lockstep.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(exp / 2 + random() * (exp / 2))
}

/**
 * The wait a response asks for in `Retry-After` (seconds, or an HTTP date), in ms, capped by the
 * policy; null when absent or unreadable.
 */
export function retryAfterMs(
  headers: Record<string, string>,
  policy: RetryPolicy,
  now: number = Date.now(),
): number | null {
  const v = headers['retry-after']?.trim()
  if (!v) return null
  let ms: number
  if (/^\d+(\.\d+)?$/.test(v)) ms = Number(v) * 1000
  else {
    const at = Date.parse(v)
    if (Number.isNaN(at)) return null
    ms = Math.max(0, at - now)
  }
  return Math.min(ms, policy.maxRetryAfterMs)
}

/** True when a body is Exchange's plain-text concurrency throttle. */
export function isThrottleText(text: string): boolean {
  return text.toLowerCase().includes(CONCURRENCY_THROTTLE_TEXT)
}

/** How a failed response should be treated. */
export type RetryClass =
  /** The server refused before doing anything (429, throttle text, 408, 503): always safe. */
  | 'throttled'
  | 'unavailable'
  /** The server may have run the request (500, 502, 504): safe for idempotent calls only. */
  | 'ambiguous'
  /** A final answer. */
  | 'final'

const CMDLET_ERROR = /"Ex[0-9A-F]{6}\|/i

/** Classifies an HTTP response for retrying. */
export function classifyStatus(status: number, text: string): RetryClass {
  if (status === 429) return 'throttled'
  if (status >= 400 && isThrottleText(text)) return 'throttled'
  if (status === 408 || status === 503) return 'unavailable'
  // A cmdlet that threw (`details[].message` = `ExId|Type|text`, §1.8 (1)) answers the same way
  // however often it is asked, whatever the status (which is UNCONFIRMED).
  if (status >= 500 && CMDLET_ERROR.test(text)) return 'final'
  if (status >= 500) return 'ambiguous'
  return 'final'
}
