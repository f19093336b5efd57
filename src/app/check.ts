/**
 * Check configuration: read back every object a plan changed and verify that it is in effect for
 * its recipients: each change's surface verifies it (in effect, enabled, not expiring, not
 * overridden by a preset), and mail flow rules keep the plan's order. Without a plan, the
 * tenant's last applied plan: a drift check. Recorded as a `check` run.
 */
import { PassageError } from '../core/errors/index.js'
import { hasDefender } from '../core/model/licence.js'
import type { Plan } from '../core/planner/types.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import type { SurfaceKind } from '../core/change.js'
import { isSurfaceKind, surfaceOf } from '../core/surfaces/registry.js'
import { inEffect, objectOf } from '../core/surfaces/snapshot-edit.js'
import type { Finding } from '../core/surfaces/surface.js'
import { ruleOrderFindings } from '../core/surfaces/transport-rule.js'
import type { Store } from '../store/index.js'
import { planVerified } from '../store/plans.js'
import { readTenant, snapshotAround } from './read-state.js'
import type { Session } from './session.js'

/** One reason a change is not (or soon no longer) in effect, with its diagnosis and fix. */
export type CheckFinding = Finding

/** Every finding of a plan against the tenant as read back; empty means green. Pure. */
export function checkFindings(snapshot: TenantSnapshot, plan: Plan, nowMs: number): Finding[] {
  return [
    ...plan.changes.flatMap((c) =>
      surfaceOf(c.surface).verify(objectOf(snapshot, c), c, {
        snapshot,
        nowMs,
        // Presets the plan said leave some recipients unchanged are not findings (issue 14).
        declaredPresets: plan.presets ?? [],
      }),
    ),
    ...ruleOrderFindings(plan.changes, (c) => objectOf(snapshot, c)),
  ]
}

/** The surfaces a plan's changes touch (what check reads back). */
export function surfacesOf(plan: Plan): SurfaceKind[] {
  return [...new Set(plan.changes.map((c) => c.surface).filter(isSurfaceKind))]
}

/** What check found. */
export interface CheckResult {
  green: boolean
  planHash: string
  vendor: string
  /** The apply run the plan came from, when checking the last applied plan. */
  appliedRun: number | null
  checked: number
  findings: CheckFinding[]
  runId: number
  /**
   * Set when the last apply did not finish (failed, interrupted or still marked running): which of
   * its changes are in effect and which are not, and what to do.
   */
  partial?: {
    status: string
    inEffect: string[]
    notInEffect: string[]
    next: string
  }
}

/**
 * The plan of the tenant's last apply: the newest one when it did not finish (a partial run is
 * checked as such), else the last that finished done (one rolled back since is skipped).
 */
export async function lastAppliedPlan(
  store: Store,
  tenantId: string,
): Promise<{ plan: Plan; runId: number; status: string }> {
  // A renewal re-creates allows of an earlier apply: that apply stays the one checked.
  const newest = (await store.listRuns(tenantId, 500)).find((r) => r.kind === 'apply' && !r.purpose)
  const unfinished =
    newest && ['failed', 'interrupted', 'running'].includes(newest.status) ? newest : undefined
  const run = unfinished ?? (await store.lastAppliedRun(tenantId))
  const plan = run?.planHash ? await store.getPlan(run.planHash) : undefined
  if (!run || !plan) {
    // Name the tenant as the admin knows it, and say when its last apply was undone.
    const name = (await store.tenantName(tenantId)) ?? tenantId
    throw new PassageError(
      'PASSAGE_E_NOTHING_APPLIED',
      newest?.status === 'rolled-back'
        ? `Nothing passage applied is in effect in ${name}: its last apply (run ${newest.id}) was undone.`
        : `No plan has been applied to ${name}.`,
      {
        hint: 'Give the plan to check with --plan, or apply one first.',
      },
    )
  }
  return { plan, runId: run.id, status: run.status }
}

/** Checks a plan (default: the last applied one) against the tenant as it is now. */
export async function check(
  session: Session,
  store: Store,
  given?: Plan,
  opts: { now?: () => Date } = {},
): Promise<CheckResult> {
  let plan: Plan
  let appliedRun: number | null = null
  let runStatus = 'done'
  if (given) {
    // Remembered for this plan object (store/plans.ts): saving it below checks no second hash.
    if (!planVerified(given))
      throw new PassageError(
        'PASSAGE_E_PLAN_TAMPERED',
        "The plan's content does not match its hash.",
      )
    plan = given
  } else {
    const last = await lastAppliedPlan(store, session.tenantId)
    plan = last.plan
    appliedRun = last.runId
    runStatus = last.status
  }
  // A plan that changes nothing has nothing to read back: "green, 0 checked" would read as "in
  // effect" while the tenant may hold nothing for the vendor (first-use review, item 3).
  if (plan.changes.length === 0)
    throw new PassageError(
      'PASSAGE_E_NOTHING_TO_CHECK',
      `The plan for ${plan.vendor.name} makes no change, so there is nothing to check.`,
    )
  // Only the surfaces the plan changes: each change is verified against its own object, and
  // presets (the tenant context, read with them) decide whether policy changes reach their
  // recipients. A plan that adds no allow/block entry does not page through the list.
  const read = await readTenant(session.exo, {
    surfaces: surfacesOf(plan),
    context: true,
    defender: hasDefender(plan.tenant.licence),
  })
  const snapshot = snapshotAround(plan.tenant, read)
  const partial =
    runStatus === 'done' ? undefined : partialOf(plan, snapshot, runStatus, appliedRun ?? 0)
  // After a run that stopped, a change not in effect was most likely never made: say that.
  const findings = checkFindings(snapshot, plan, (opts.now?.() ?? new Date()).getTime()).map((f) =>
    partial?.notInEffect.includes(f.changeId)
      ? {
          ...f,
          diagnosis: `Apply run ${appliedRun} stopped before this change took effect.`,
          fix: partial.next,
        }
      : f,
  )
  await store.savePlan(plan)
  const run = await recordCheckRun(store, plan, session.actor, findings.length)
  return {
    green: findings.length === 0 && partial === undefined,
    planHash: plan.hash,
    vendor: plan.vendor.name,
    appliedRun,
    checked: plan.changes.length,
    findings,
    runId: run.id,
    ...(partial ? { partial } : {}),
  }
}

/** What a run that did not finish left in effect, and the way on. */
function partialOf(
  plan: Plan,
  snapshot: TenantSnapshot,
  status: string,
  runId: number,
): NonNullable<CheckResult['partial']> {
  const inEffectIds = plan.changes.filter((c) => inEffect(snapshot, c)).map((c) => c.id)
  const notInEffect = plan.changes.map((c) => c.id).filter((id) => !inEffectIds.includes(id))
  return {
    status,
    inEffect: inEffectIds,
    notInEffect,
    next: `Apply run ${runId} ${status === 'running' ? 'did not finish' : `is ${status}`}: fix the cause and run the same \`passage apply <plan>\` again to resume it, or \`passage rollback ${runId}\` to undo what it did.`,
  }
}

/**
 * Records a check of `plan` as a finished run (failed with PASSAGE_E_PLAN_DRIFT when it had
 * findings), so that history shows every time the tenant was read back: by `check` or a monitor.
 */
export async function recordCheckRun(
  store: Store,
  plan: Plan,
  actor: string,
  findings: number,
): Promise<{ id: number }> {
  const run = await store.createRun({
    tenantId: plan.tenant.id,
    planHash: plan.hash,
    kind: 'check',
    actor,
  })
  await store.finishRun(
    run.id,
    findings ? 'failed' : 'done',
    findings
      ? { code: 'PASSAGE_E_PLAN_DRIFT', message: `${findings} finding${findings === 1 ? '' : 's'}` }
      : null,
  )
  return run
}
