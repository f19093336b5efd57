/**
 * Check configuration: read back every object a plan changed and verify that it is in effect for
 * its recipients: each change's surface verifies it (in effect, enabled, not expiring, not
 * overridden by a preset), and mail flow rules keep the plan's order. Without a plan, the
 * tenant's last applied plan: a drift check. Recorded as a `check` run.
 */
import { PassageError } from '../core/errors/index.js'
import { hasDefender } from '../core/model/licence.js'
import { planHashValid } from '../core/planner/plan.js'
import type { Plan } from '../core/planner/types.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import { surfaceOf } from '../core/surfaces/registry.js'
import { objectOf } from '../core/surfaces/snapshot-edit.js'
import type { Finding } from '../core/surfaces/surface.js'
import { ruleOrderFindings } from '../core/surfaces/transport-rule.js'
import type { Store } from '../store/index.js'
import { readTenant, snapshotAround } from './read-state.js'
import type { Session } from './session.js'

/** One reason a change is not (or soon no longer) in effect, with its diagnosis and fix. */
export type CheckFinding = Finding

/** Every finding of a plan against the tenant as read back; empty means green. Pure. */
export function checkFindings(snapshot: TenantSnapshot, plan: Plan, nowMs: number): Finding[] {
  return [
    ...plan.changes.flatMap((c) =>
      surfaceOf(c.surface).verify(objectOf(snapshot, c), c, { snapshot, nowMs }),
    ),
    ...ruleOrderFindings(plan.changes, (c) => objectOf(snapshot, c)),
  ]
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
}

/** The plan of the tenant's last apply that finished done. */
export async function lastAppliedPlan(
  store: Store,
  tenantId: string,
): Promise<{ plan: Plan; runId: number }> {
  const run = await store.lastAppliedRun(tenantId)
  const plan = run?.planHash ? await store.getPlan(run.planHash) : undefined
  if (!run || !plan)
    throw new PassageError(
      'PASSAGE_E_RUN_UNKNOWN',
      `No plan has been applied to tenant ${tenantId}.`,
      {
        hint: 'Give the plan to check with --plan, or apply one first.',
      },
    )
  return { plan, runId: run.id }
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
  if (given) {
    if (!planHashValid(given))
      throw new PassageError(
        'PASSAGE_E_PLAN_TAMPERED',
        "The plan's content does not match its hash.",
      )
    plan = given
  } else {
    const last = await lastAppliedPlan(store, session.tenantId)
    plan = last.plan
    appliedRun = last.runId
  }
  // Presets decide whether policy changes reach their recipients: read them with the surfaces.
  const read = await readTenant(session.exo, {
    defender: hasDefender(plan.tenant.licence),
  })
  const snapshot = snapshotAround(plan.tenant, read)
  const findings = checkFindings(snapshot, plan, (opts.now?.() ?? new Date()).getTime())
  await store.savePlan(plan)
  const run = await store.createRun({
    tenantId: plan.tenant.id,
    planHash: plan.hash,
    kind: 'check',
    actor: session.actor,
  })
  await store.finishRun(
    run.id,
    findings.length ? 'failed' : 'done',
    findings.length
      ? { code: 'PASSAGE_E_PLAN_DRIFT', message: `${findings.length} finding(s)` }
      : null,
  )
  return {
    green: findings.length === 0,
    planHash: plan.hash,
    vendor: plan.vendor.name,
    appliedRun,
    checked: plan.changes.length,
    findings,
    runId: run.id,
  }
}
