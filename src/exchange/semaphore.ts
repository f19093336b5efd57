/**
 * A counting semaphore, and one per tenant shared by every client in the process: Exchange
 * throttles concurrent requests per tenant (reference §1.8 (6)), so two clients of the same
 * tenant must share the cap.
 */

/** Limits how many tasks run at once; waiters are served first come, first served. */
export class Semaphore {
  private active = 0
  private readonly waiting: { resolve: () => void; reject: (e: unknown) => void }[] = []

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be at least 1')
  }

  /** Requests running now. */
  get inUse(): number {
    return this.active
  }

  /** Waits for a slot; the returned function frees it (calling it twice frees it once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.limit) this.active++
    else {
      await new Promise<void>((resolve, reject) => {
        const entry = {
          resolve: () => {
            signal?.removeEventListener('abort', onAbort)
            resolve()
          },
          reject,
        }
        const onAbort = () => {
          const i = this.waiting.indexOf(entry)
          if (i >= 0) this.waiting.splice(i, 1)
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'))
        }
        if (signal?.aborted) return onAbort()
        signal?.addEventListener('abort', onAbort, { once: true })
        this.waiting.push(entry)
      })
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      // Hand the slot straight to the next waiter; the count stays the same.
      if (next) next.resolve()
      else this.active--
    }
  }

  /** Runs `task` in a slot. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal)
    try {
      return await task()
    } finally {
      release()
    }
  }
}

/** The default cap of concurrent admin API requests per tenant. */
export const DEFAULT_TENANT_CONCURRENCY = 3

const perTenant = new Map<string, Semaphore>()

/**
 * The process-wide semaphore of a tenant at a given API host. The first caller's limit wins;
 * a later caller asking for another limit gets its own semaphore under a distinct key.
 */
export function tenantSemaphore(
  host: string,
  tenant: string,
  limit = DEFAULT_TENANT_CONCURRENCY,
): Semaphore {
  const key = `${host.toLowerCase()}|${tenant.toLowerCase()}|${limit}`
  let s = perTenant.get(key)
  if (!s) {
    s = new Semaphore(limit)
    perTenant.set(key, s)
  }
  return s
}
