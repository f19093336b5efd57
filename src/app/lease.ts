/**
 * One run at a time per tenant: the store's lease, taken for the run and renewed while it works.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { leaseHeldError, type Store } from '../store/index.js'

/** A held lease: whether it was lost, and how to attach the run and give it up. */
export interface HeldLease {
  holder: string
  /** True once a renewal failed (another process took the tenant): stop starting work. */
  lost(): boolean
  /** Attaches the run id (so `passage runs` and a refusal can name it). */
  attach(runId: number): Promise<void>
  release(): Promise<void>
}

/** Default lease time: a crashed run frees its tenant after this long. */
export const LEASE_TTL_MS = 60_000

/** Takes the tenant's lease or throws PASSAGE_E_LEASE_HELD naming who holds it. */
export async function takeLease(
  store: Store,
  tenantId: string,
  actor: string,
  ttlMs = LEASE_TTL_MS,
): Promise<HeldLease> {
  const holder = `${actor} on ${hostname()} pid ${process.pid} ${randomUUID().slice(0, 8)}`
  let got = await store.acquireLease(tenantId, holder, null, ttlMs)
  if (!got.ok && holderIsDeadHere(got.heldBy)) {
    // A run on this machine whose process is gone (killed, crashed): shorten its lease, as only
    // its holder may, then take the tenant. Two racing takers still get one winner.
    await store.acquireLease(tenantId, got.heldBy, got.runId, 1)
    await sleep(5)
    got = await store.acquireLease(tenantId, holder, null, ttlMs)
  }
  if (!got.ok) throw leaseHeldError(tenantId, got)
  let lost = false
  // Renew at a third of the lease time, so that two renewals may fail before it lapses.
  const timer = setInterval(
    () => {
      store.renewLease(tenantId, holder, ttlMs).then(
        (ok) => {
          if (!ok) lost = true
        },
        () => {},
      )
    },
    Math.max(1000, Math.floor(ttlMs / 3)),
  )
  timer.unref()
  return {
    holder,
    lost: () => lost,
    async attach(runId) {
      const r = await store.acquireLease(tenantId, holder, runId, ttlMs)
      if (!r.ok) lost = true
    },
    async release() {
      clearInterval(timer)
      await store.releaseLease(tenantId, holder).catch(() => false)
    },
  }
}

/**
 * True when a lease holder names this machine and a process that no longer exists, so its run
 * cannot still be working. Holders from other machines wait for the lease to expire.
 */
export function holderIsDeadHere(heldBy: string): boolean {
  const m = / on (\S+) pid (\d+) /.exec(heldBy)
  if (!m || m[1] !== hostname()) return false
  const pid = Number(m[2])
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
