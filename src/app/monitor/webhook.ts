/**
 * Alerts by webhook: a POST of the alert as JSON, signed so the receiver can tell it came from
 * passage and was not replayed.
 *
 * Headers:
 * - `Content-Type: application/json`
 * - `X-Passage-Timestamp: <unix seconds>` when this attempt was sent;
 * - `X-Passage-Signature: sha256=<hex>`: HMAC-SHA256, keyed with the shared secret, of the string
 *   `<timestamp>.<raw body>` (the timestamp header's value, a full stop, then the body's bytes
 *   exactly as sent). A receiver recomputes it over the raw body before parsing, compares in
 *   constant time, and rejects timestamps too far from its own clock (verifySignature: 5 minutes);
 * - `X-Passage-Delivery: <uuid>`: the same on every attempt of one alert, to drop duplicates.
 *
 * Retries: a network failure, a 5xx or a 429 is retried with exponential backoff (base, doubled
 * per attempt, capped), a Retry-After header (seconds or an HTTP date) taking precedence, up to
 * `maxAttempts`. Any other answer ends it. The secret never appears in a result or a log line.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Alert, AlertSink } from './alert.js'

/** Options of a webhook sink. */
export interface WebhookOptions {
  url: string
  /** The shared secret (read from the environment or a file by the caller: secret-source.ts). */
  secret: string
  /** Attempts in all; default 5. */
  maxAttempts?: number
  /** First backoff; default 1 s. */
  baseDelayMs?: number
  /** Longest wait between attempts (backoff or Retry-After); default 60 s. */
  maxDelayMs?: number
  /** Per attempt; default 10 s. */
  timeoutMs?: number
  /** The clock for the timestamp (tests pass theirs); default the system clock. */
  now?: () => Date
  /** How to wait (tests pass a fake); default setTimeout. */
  sleep?: (ms: number) => Promise<void>
}

/** The outcome of one delivery. */
export interface WebhookResult {
  ok: boolean
  attempts: number
  /** The last HTTP status, or null when the last attempt got no answer. */
  status: number | null
  /** Why it failed (no secret in it). */
  error?: string
}

/** The signature header's value for a body sent at `timestamp` (unix seconds, as text). */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/**
 * Whether a received body's signature is good and its timestamp within `toleranceSec` of `nowMs`:
 * what a receiver does (documented here; passage's tests use it).
 */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  opts: { nowMs?: number; toleranceSec?: number } = {},
): boolean {
  const { timestamp, signature: given } = headers
  if (!timestamp || !given || !/^\d+$/.test(timestamp)) return false
  const skew = Math.abs((opts.nowMs ?? Date.now()) / 1000 - Number(timestamp))
  if (skew > (opts.toleranceSec ?? 300)) return false
  const want = Buffer.from(signature(secret, timestamp, rawBody))
  const got = Buffer.from(given)
  return want.length === got.length && timingSafeEqual(want, got)
}

/** The wait a Retry-After header asks for (seconds or an HTTP date), or null. */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (!value) return null
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null
}

const retryable = (status: number) => status === 429 || status >= 500

/** The URL as it may be shown: no credentials, no query (a token may hide there). */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}

/** POSTs one JSON payload with retries (see the module comment). */
export async function postSigned(opts: WebhookOptions, payload: unknown): Promise<WebhookResult> {
  const max = Math.max(1, opts.maxAttempts ?? 5)
  const base = opts.baseDelayMs ?? 1000
  const cap = opts.maxDelayMs ?? 60_000
  const now = opts.now ?? (() => new Date())
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const body = JSON.stringify(payload)
  const delivery = randomUUID()
  let status: number | null = null
  let error = ''
  for (let attempt = 1; attempt <= max; attempt++) {
    const timestamp = String(Math.floor(now().getTime() / 1000))
    let wait: number | null = null
    try {
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-passage-timestamp': timestamp,
          'x-passage-signature': signature(opts.secret, timestamp, body),
          'x-passage-delivery': delivery,
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      })
      status = res.status
      await res.body?.cancel().catch(() => {})
      if (res.ok) return { ok: true, attempts: attempt, status }
      error = `the receiver answered ${res.status}`
      if (!retryable(res.status)) return { ok: false, attempts: attempt, status, error }
      wait = retryAfterMs(res.headers.get('retry-after'), now().getTime())
    } catch (e) {
      status = null
      error = `no answer: ${e instanceof Error ? e.message : String(e)}`
    }
    if (attempt < max) await sleep(Math.min(cap, wait ?? base * 2 ** (attempt - 1)))
  }
  return { ok: false, attempts: max, status, error }
}

/** A sink that POSTs each alert, signed, to a webhook. */
export function webhookSink(opts: WebhookOptions): AlertSink {
  return {
    name: `webhook ${shownUrl(opts.url)}`,
    async send(alert: Alert) {
      const r = await postSigned(opts, { type: 'passage.monitor.alert', version: 1, alert })
      return r.ok
        ? { ok: true, detail: `delivered after ${r.attempts} attempt(s)` }
        : { ok: false, detail: `${r.error} (after ${r.attempts} attempt(s))` }
    },
  }
}
