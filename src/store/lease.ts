import { PassageError } from '../core/errors/index.js'
import type { StoreContext } from './context.js'
import type { LeaseResult } from './records.js'

/** Leases: one run at a time per tenant. */
export interface LeaseStore {
  /**
   * Takes the tenant's lease for `ttlMs` when it is free, expired, or already held by `holder`
   * (which then renews it and may attach its run id). Atomic on both dialects: a single
   * INSERT ... ON CONFLICT DO UPDATE ... WHERE expired-or-ours, so of concurrent callers exactly
   * one wins. Otherwise says who holds it.
   */
  acquireLease(
    tenantId: string,
    holder: string,
    runId: number | null,
    ttlMs: number,
  ): Promise<LeaseResult>
  /** Extends a lease `holder` still holds; false when it has lost it (another took it). */
  renewLease(tenantId: string, holder: string, ttlMs: number): Promise<boolean>
  /** Gives the lease up; false when `holder` did not hold it. */
  releaseLease(tenantId: string, holder: string): Promise<boolean>
  /** The current lease of a tenant (possibly expired), or undefined. */
  getLease(
    tenantId: string,
  ): Promise<{ holder: string; runId: number | null; expiresAt: string } | undefined>
}

function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0)
    throw new PassageError('PASSAGE_E_INTERNAL', `Lease TTL must be a positive integer: ${ttlMs}`)
}

/** The PassageError an app raises when acquireLease said no. */
export function leaseHeldError(
  tenantId: string,
  held: Extract<LeaseResult, { ok: false }>,
): PassageError {
  const run = held.runId === null ? '' : ` (run ${held.runId})`
  return new PassageError(
    'PASSAGE_E_LEASE_HELD',
    `Tenant ${tenantId} is busy: ${held.heldBy}${run} holds it until ${held.expiresAt}.`,
    { details: { tenantId, heldBy: held.heldBy, runId: held.runId, expiresAt: held.expiresAt } },
  )
}

/** The lease module of a store. */
export function leaseStore(ctx: StoreContext): LeaseStore {
  const { db } = ctx
  const getLease = async (tenantId: string) => {
    const row = await db
      .selectFrom('leases')
      .select(['holder', 'run_id', 'expires_at'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst()
    return row && { holder: row.holder, runId: row.run_id, expiresAt: row.expires_at }
  }
  return {
    async acquireLease(tenantId, holder, runId, ttlMs) {
      checkTtl(ttlMs)
      // A lease released between our failed insert and the read: try again (bounded).
      for (let attempt = 0; attempt < 5; attempt++) {
        const now = ctx.now()
        const expiresAt = new Date(ctx.nowMs() + ttlMs).toISOString()
        const won = await db
          .insertInto('leases')
          .values({ tenant_id: tenantId, holder, run_id: runId, expires_at: expiresAt })
          .onConflict((oc) =>
            oc
              .column('tenant_id')
              .doUpdateSet((eb) => ({
                holder: eb.ref('excluded.holder'),
                run_id: eb.ref('excluded.run_id'),
                expires_at: eb.ref('excluded.expires_at'),
              }))
              .where((eb) =>
                eb.or([eb('leases.expires_at', '<=', now), eb('leases.holder', '=', holder)]),
              ),
          )
          .returning('expires_at')
          .executeTakeFirst()
        if (won) return { ok: true, expiresAt: won.expires_at }
        const held = await getLease(tenantId)
        if (held)
          return { ok: false, heldBy: held.holder, runId: held.runId, expiresAt: held.expiresAt }
      }
      throw new PassageError(
        'PASSAGE_E_STORE_LOCKED',
        `The lease of tenant ${tenantId} keeps changing hands.`,
      )
    },
    async renewLease(tenantId, holder, ttlMs) {
      checkTtl(ttlMs)
      const rows = await db
        .updateTable('leases')
        .set({ expires_at: new Date(ctx.nowMs() + ttlMs).toISOString() })
        .where('tenant_id', '=', tenantId)
        .where('holder', '=', holder)
        .returning('tenant_id')
        .execute()
      return rows.length > 0
    },
    async releaseLease(tenantId, holder) {
      const rows = await db
        .deleteFrom('leases')
        .where('tenant_id', '=', tenantId)
        .where('holder', '=', holder)
        .returning('tenant_id')
        .execute()
      return rows.length > 0
    },
    getLease,
  }
}
