import type { Command } from 'commander'
import { apply } from '../../app/apply.js'
import { loadPlanFile } from '../../app/plan-file.js'
import { requireSignature } from '../../app/plan-signing.js'
import { vendorOfPlan } from '../../app/plan-vendor.js'
import { confirmOrYes, progress, sessionFor, withStore } from '../connection.js'
import { printJson } from '../output.js'
import { printSteps } from '../steps.js'
import { formatPlan } from './plan.js'

/** `passage apply <plan.json>`: run a plan against its tenant, with a journal. */
export function registerApplyCommand(program: Command): void {
  program
    .command('apply')
    .description('apply a plan to its tenant (journaled; resumes an interrupted run of it)')
    .argument('<plan>', 'plan JSON file (from passage plan --out, signed by this installation)')
    .option('--yes', 'do not ask for confirmation')
    .option(
      '--vendor-file <file>',
      'the vendor profile the plan was made from, for a vendor outside the catalog',
    )
    .option('--concurrency <n>', 'changes in flight at once', '4')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Apply runs only plans this installation of passage signed (passage plan --out signs with a key
kept in the store), and derives every cmdlet call from the plan's changes itself: it never runs
calls a plan file lists, and refuses a change passage would not plan for this vendor and tenant.
To apply on another machine, plan there (passage plan --tenant ...), or review the plan file and
sign it there with: passage plan --resign <plan.json>`,
    )
    .action(
      async (
        file: string,
        opts: { yes?: boolean; json?: boolean; concurrency: string; vendorFile?: string },
        cmd: Command,
      ) => {
        const { plan, signature } = loadPlanFile(file)
        const vendor = vendorOfPlan(plan, opts.vendorFile)
        // Refuse an unsigned or edited plan before asking anything.
        await withStore(cmd, (store) => requireSignature(store, plan, signature))
        if (!opts.json) process.stderr.write(`${formatPlan(plan)}\n\n`)
        if (
          !(await confirmOrYes(
            `Apply ${plan.changes.length} change(s) to ${plan.tenant.name}?`,
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
            progress(`Applying ${plan.changes.length} change(s) to ${plan.tenant.name}...`)
            const r = await apply(session, store, plan, {
              concurrency: Math.max(1, Number(opts.concurrency) || 4),
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
      },
    )
}
