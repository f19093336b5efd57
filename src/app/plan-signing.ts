/**
 * Plan signatures: passage signs every plan it writes with a key this installation keeps in its
 * store (HMAC-SHA-256 over the plan's canonical JSON), and apply refuses a plan file without a
 * valid signature. A plan edited by hand, or made by another installation, is applied only after
 * someone reviews it and re-signs it here (`passage plan --resign <file>`), or re-plans.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { PassageError } from '../core/errors/index.js'
import { canonicalJson } from '../core/hash.js'
import type { Plan } from '../core/planner/types.js'
import type { Store } from '../store/index.js'

/** Name of the store's local key that signs plans. */
const KEY_NAME = 'plan-signing'
const PREFIX = 'hmac-sha256:'

/** The signature of a plan with this installation's key. */
export async function signPlan(store: Store, plan: Plan): Promise<string> {
  const key = await store.localKey(KEY_NAME)
  return `${PREFIX}${createHmac('sha256', key).update(canonicalJson(plan)).digest('hex')}`
}

/** True when `signature` is this installation's signature of `plan`. */
export async function signatureValid(
  store: Store,
  plan: Plan,
  signature: string | undefined,
): Promise<boolean> {
  if (!signature?.startsWith(PREFIX)) return false
  const want = Buffer.from((await signPlan(store, plan)).slice(PREFIX.length), 'hex')
  const got = Buffer.from(signature.slice(PREFIX.length), 'hex')
  return got.length === want.length && timingSafeEqual(got, want)
}

/** Refuses a plan this installation did not sign (see the module comment). */
export async function requireSignature(
  store: Store,
  plan: Plan,
  signature: string | undefined,
): Promise<void> {
  if (await signatureValid(store, plan, signature)) return
  throw new PassageError(
    'PASSAGE_E_PLAN_UNSIGNED',
    signature
      ? `The plan for ${plan.vendor.name} in ${plan.tenant.name} was edited after it was signed, or signed by another installation of passage.`
      : `The plan for ${plan.vendor.name} in ${plan.tenant.name} carries no signature.`,
  )
}

/** The text of a signed plan file: the plan with its signature beside it. */
export function signedPlanText(plan: Plan, signature: string): string {
  return `${JSON.stringify({ ...plan, signature }, null, 2)}\n`
}
