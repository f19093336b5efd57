/**
 * Renews, in one tenant, the allows passage created that lapse soon (renewal.ts says which and
 * how): reads the tenant's allow/block entries, proposes the renewal plan and applies it as any
 * plan is applied (lease, guard, drift refusal, journal, resume), as a run marked `renewal`.
 */
import { hasDefender } from '../../core/model/licence.js'
import type { Plan } from '../../core/plan-format.js'
import type { Store } from '../../store/index.js'
import { apply, type ApplyOptions, type ApplyResult } from '../apply.js'
import { lastAppliedPlan } from '../check.js'
import { readTenant, snapshotAround } from '../read-state.js'
import type { Session } from '../session.js'
import { passageTablEntries } from './passage-entries.js'
import { proposeRenewal, type RenewalDecision } from './renewal.js'
import { DEFAULT_EXPIRING_WITHIN_DAYS } from './tabl-expiry.js'

/** Options of renewAllows. */
export interface RenewOptions {
  /** Now (ms since the epoch); default the clock's. */
  nowMs?: number
  /** Entries that lapse within this many days are renewed; default 7. */
  withinDays?: number
  /** Only propose: nothing is written. */
  dryRun?: boolean
  onStep?: ApplyOptions['onStep']
}

/** What renewAllows did. */
export interface RenewResult {
  tenantId: string
  vendor: string
  /** The plan whose allows were looked at. */
  planHash: string
  /** One per entry that lapses within the window. */
  decisions: RenewalDecision[]
  /** The renewal plan (null: nothing to renew). */
  plan: Plan | null
  /** Its apply (null: nothing to renew, or a dry run). */
  applied: ApplyResult | null
}

/** Renews the tenant's soon-lapsing passage allows (see the module comment). */
export async function renewAllows(
  session: Session,
  store: Store,
  opts: RenewOptions = {},
): Promise<RenewResult> {
  const nowMs = opts.nowMs ?? Date.now()
  const now = new Date(nowMs).toISOString()
  const { plan, runId } = await lastAppliedPlan(store, session.tenantId)
  const read = await readTenant(session.exo, {
    surfaces: ['tabl-item'],
    defender: hasDefender(plan.tenant.licence),
  })
  const snapshot = snapshotAround(plan.tenant, read)
  const entries = await passageTablEntries(store, plan, runId, snapshot, now)
  const proposal = proposeRenewal(
    plan,
    snapshot,
    entries,
    now,
    opts.withinDays ?? DEFAULT_EXPIRING_WITHIN_DAYS,
  )
  const base = {
    tenantId: session.tenantId,
    vendor: plan.vendor.id,
    planHash: plan.hash,
    decisions: proposal.decisions,
    plan: proposal.plan,
  }
  if (!proposal.plan || opts.dryRun) return { ...base, applied: null }
  const applied = await apply(session, store, proposal.plan, {
    ...(opts.onStep ? { onStep: opts.onStep } : {}),
  })
  return { ...base, applied }
}
