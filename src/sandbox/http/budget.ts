/**
 * Per-tenant throttling of the admin API: a concurrency limit and a token-bucket rate budget.
 * Exchange publishes no number for InvokeCommand (reference §1.8 (6)); the defaults are generous
 * and a fault spec (`budget=20/s`, `concurrency=4`) tightens them.
 */

/** The text Exchange answers with when a tenant is throttled (reference §1.8 (6)). */
export const THROTTLE_TEXT =
  'You have reached the maximum number of concurrent requests per tenant. Please wait and try again'

export interface BudgetLimits {
  /** Concurrent requests per tenant. */
  concurrency: number
  /** Requests per `perMs` per tenant (the bucket also holds at most `count`). */
  count: number
  perMs: number
}

export const DEFAULT_LIMITS: BudgetLimits = { concurrency: 512, count: 2000, perMs: 1000 }

/** The outcome of asking for a slot. */
export type Admission =
  | { ok: true; remaining: number; resetSeconds: number; release: () => void }
  | { ok: false; retryAfter: number; remaining: number; resetSeconds: number; why: string }

interface Bucket {
  tokens: number
  at: number
  inFlight: number
}

/** Budgets for every tenant, keyed by tenant id. */
export class TenantBudgets {
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    readonly limits: BudgetLimits,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  private bucket(tenant: string, now: number): Bucket {
    let b = this.buckets.get(tenant)
    if (!b) {
      b = { tokens: this.limits.count, at: now, inFlight: 0 }
      this.buckets.set(tenant, b)
    }
    const rate = this.limits.count / this.limits.perMs
    b.tokens = Math.min(this.limits.count, b.tokens + (now - b.at) * rate)
    b.at = now
    return b
  }

  /** Takes a token and a concurrency slot for the tenant, or says how long to wait. */
  admit(tenant: string): Admission {
    const now = this.clock()
    const b = this.bucket(tenant, now)
    const rate = this.limits.count / this.limits.perMs
    const resetSeconds = Math.ceil((this.limits.count - b.tokens) / rate / 1000)
    if (b.inFlight >= this.limits.concurrency)
      return {
        ok: false,
        retryAfter: 1,
        remaining: Math.floor(b.tokens),
        resetSeconds,
        why: 'concurrency',
      }
    if (b.tokens < 1)
      return {
        ok: false,
        retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000)),
        remaining: 0,
        resetSeconds,
        why: 'rate',
      }
    b.tokens -= 1
    b.inFlight += 1
    let released = false
    return {
      ok: true,
      remaining: Math.floor(b.tokens),
      resetSeconds: Math.ceil((this.limits.count - b.tokens) / rate / 1000),
      release: () => {
        if (released) return
        released = true
        b.inFlight -= 1
      },
    }
  }
}
