import type { Command } from 'commander'
import { apply } from '../../app/apply.js'
import { loadPlan } from '../../app/plan-file.js'
import { confirmOrYes, progress, sessionFor, withStore } from '../connection.js'
import { printJson } from '../output.js'
import { printSteps } from '../steps.js'
import { formatPlan } from './plan.js'

/** `passage apply <plan.json>`: run a plan against its tenant, with a journal. */
export function registerApplyCommand(program: Command): void {
  program
    .command('apply')
    .description('apply a plan to its tenant (journaled; resumes an interrupted run of it)')
    .argument('<plan>', 'plan JSON file (from passage plan --out)')
    .option('--yes', 'do not ask for confirmation')
    .option('--concurrency <n>', 'changes in flight at once', '4')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        opts: { yes?: boolean; json?: boolean; concurrency: string },
        cmd: Command,
      ) => {
        const plan = loadPlan(file)
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
