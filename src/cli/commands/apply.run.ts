/** `passage apply`: the implementation, loaded when the command runs (see ./apply.ts). */
import type { Command } from 'commander'
import { apply } from '../../app/apply.js'
import { loadPlanFile } from '../../app/plan-file.js'
import { requireSignature } from '../../app/plan-signing.js'
import { vendorOfPlan } from '../../app/plan-vendor.js'
import { requireCmdlets } from '../../app/access.js'
import { loadProfile } from '../../app/session.js'
import {
  confirmOrYes,
  progress,
  refuseReadOnly,
  requireYesOrTerminal,
  sessionFor,
  withStore,
} from '../connection.js'
import { formatPlan } from '../format-plan.js'
import { printJson } from '../output.js'
import { printSteps } from '../steps.js'
import type { ApplyOptions } from './apply.js'

/** Runs a plan against its tenant, with a journal. */
export async function run(file: string, opts: ApplyOptions, cmd: Command): Promise<void> {
  const { plan, signature } = loadPlanFile(file)
  const vendor = vendorOfPlan(plan, opts.vendorFile)
  // Refuse an unsigned or edited plan, a read-only connection, or a run nobody can confirm,
  // before asking anything or signing in.
  await withStore(cmd, async (store) => {
    const profile = await loadProfile(store, plan.tenant.id).catch(() => null)
    if (profile) refuseReadOnly(profile, 'this apply')
    await requireSignature(store, plan, signature)
  })
  requireYesOrTerminal(opts.yes, 'Apply')
  if (!opts.json) process.stderr.write(`${formatPlan(plan)}\n\n`)
  if (
    !(await confirmOrYes(
      `Apply ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to ${plan.tenant.name}?`,
      opts.yes,
    ))
  ) {
    progress('Not applied.')
    process.exitCode = 2
    return
  }
  await withStore(cmd, async (store) => {
    const session = await sessionFor(store, plan.tenant.id)
    try {
      // The admin's cmdlets, before the first change (a Security Reader is refused here).
      await requireCmdlets(
        session,
        plan.changes.flatMap((c) => c.calls.map((call) => call.cmdlet)),
        'this plan',
      )
      progress(
        `Applying ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to ${plan.tenant.name}...`,
      )
      const r = await apply(session, store, plan, {
        // Absent: apply's default, from the client's per-tenant cap (one limit).
        ...(Number(opts.concurrency) >= 1
          ? { concurrency: Math.floor(Number(opts.concurrency)) }
          : {}),
        vendor,
        onStep: printSteps(progress),
      })
      if (opts.json) printJson(r)
      else if (r.alreadyApplied)
        console.log(`Already applied in run ${r.runId}; \`passage check\` verifies it.`)
      else {
        const done = r.steps.filter((s) => s.status === 'done').length
        console.log(
          `Run ${r.runId}${r.resumed ? ' (resumed)' : ''}: ${r.status}, ${done}/${r.steps.length} changes in ${r.ms} ms.`,
        )
        if (r.status === 'failed')
          console.log(
            'Fix the cause and run the same apply again to resume, or `passage rollback` to undo.',
          )
      }
      if (r.status === 'failed') process.exitCode = 3
    } finally {
      session.close()
    }
  })
}
