import { PassageError } from '../core/errors/index.js'
// The plan format, not the planner: the store keeps plans, it never makes them.
import { planHashValid, PlanSchema, type Plan } from '../core/plan-format.js'
import type { StoreContext } from './context.js'
import { corrupt, fromJsonText, toJsonText } from './json.js'
import type { PlanRecordSummary } from './records.js'

/** Plans: savePlan (idempotent by hash), getPlan, listPlans. */
export interface PlanStore {
  /**
   * Stores a frozen plan under its content hash; saving the same plan again changes nothing.
   * Refuses a plan whose hash does not match its content (PASSAGE_E_PLAN_TAMPERED).
   * Returns whether the plan was new.
   */
  savePlan(plan: Plan): Promise<{ hash: string; created: boolean }>
  /** The plan with this hash, validated and hash-checked, or undefined. */
  getPlan(hash: string): Promise<Plan | undefined>
  /** Summaries of a tenant's plans, newest first. */
  listPlans(tenantId: string): Promise<PlanRecordSummary[]>
}

/**
 * Plans this process found to match their hash, each with its JSON text at the time. Saving the
 * same object again unchanged (apply saves the plan it runs, check the plan it reads back, and
 * check has just checked the hash of the plan it was given) needs no second hash of its
 * canonical form: its JSON text, which the insert needs anyway, is compared instead. Any change
 * to the object changes that text, and then the hash is checked again.
 */
const verified = new WeakMap<object, string>()

/**
 * True when a plan's content matches its hash (planHashValid), remembered for this object as
 * long as its JSON text stays the same; `text` is that text when the caller has it already.
 */
export function planVerified(plan: Plan, text: string = JSON.stringify(plan)): boolean {
  if (verified.get(plan) === text) return true
  if (!planHashValid(plan)) return false
  verified.set(plan, text)
  return true
}

/** Plans a store keeps parsed after reading them (getPlan), at most. */
const RECENT_PLANS = 64

/** The plans module of a store. */
export function planStore(ctx: StoreContext): PlanStore {
  const { db } = ctx
  /**
   * Plans this store handed out (getPlan), with the hash they had: saving one again, its content
   * still matching that hash, has nothing to write (plans are kept by hash and never deleted), so
   * apply and check, which save the plan they run, send no insert for a plan read from here.
   */
  const fromHere = new WeakMap<object, string>()
  /**
   * The plans read last, by hash, the most recent last (a fleet worker reads a tenant's plan for
   * its apply, then often again for its check and its rollback).
   */
  const recent = new Map<string, Plan>()
  return {
    async savePlan(plan) {
      const text = JSON.stringify(plan)
      if (!planVerified(plan, text))
        throw new PassageError(
          'PASSAGE_E_PLAN_TAMPERED',
          `Plan ${plan.hash}: its content does not match its hash; it was not stored.`,
        )
      if (fromHere.get(plan) === plan.hash) return { hash: plan.hash, created: false }
      const inserted = await db
        .insertInto('plans')
        .values({
          hash: plan.hash,
          tenant_id: plan.tenant.id,
          vendor_id: plan.vendor.id,
          created_at: plan.createdAt,
          plan_json: toJsonText(plan, `plan ${plan.hash}`, text),
        })
        .onConflict((oc) => oc.column('hash').doNothing())
        .returning('hash')
        .executeTakeFirst()
      return { hash: plan.hash, created: inserted !== undefined }
    },
    async getPlan(hash) {
      // Content-addressed: a plan read before is the same plan (its JSON text unchanged since it
      // was verified, so no caller changed it), handed out again without a read, a parse or a hash.
      const kept = recent.get(hash)
      if (kept && planVerified(kept)) {
        recent.delete(hash)
        recent.set(hash, kept)
        return kept
      }
      recent.delete(hash)
      const row = await db
        .selectFrom('plans')
        .select('plan_json')
        .where('hash', '=', hash)
        .executeTakeFirst()
      if (!row) return undefined
      const what = `plan ${hash}`
      const plan = fromJsonText(PlanSchema, row.plan_json, what)
      // planVerified remembers the check for this object: apply's checkPlan does not hash it again.
      if (plan.hash !== hash || !planVerified(plan as unknown as Plan))
        throw corrupt(what, 'its content does not match its hash')
      fromHere.set(plan, hash)
      // The schema checks the structure; changes keep their surface-specific objects as JSON.
      const read = plan as unknown as Plan
      recent.set(hash, read)
      if (recent.size > RECENT_PLANS) recent.delete(recent.keys().next().value!)
      return read
    },
    async listPlans(tenantId) {
      const rows = await db
        .selectFrom('plans')
        .select(['hash', 'tenant_id', 'vendor_id', 'created_at'])
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at', 'desc')
        .orderBy('hash')
        .execute()
      return rows.map((r) => ({
        hash: r.hash,
        tenantId: r.tenant_id,
        vendorId: r.vendor_id,
        createdAt: r.created_at,
      }))
    },
  }
}
