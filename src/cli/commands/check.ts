import type { Command } from 'commander'
import { check } from '../../app/check.js'
import { loadPlan } from '../../app/plan-file.js'
import { progress, sessionFor, withStore } from '../connection.js'
import { paint, printJson } from '../output.js'

/** `passage check`: verify a plan (default: the last applied) is in effect. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description(
      'read the tenant back and verify a plan is in effect (default: the last applied one)',
    )
    .option('--plan <file>', 'the plan to check')
    .option('--tenant <name|guid>', 'a tenant connected before (default: the plan’s, or the last)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { plan?: string; tenant?: string; json?: boolean }, cmd: Command) => {
      const plan = opts.plan ? loadPlan(opts.plan) : undefined
      await withStore(cmd, async (store) => {
        const session = await sessionFor(store, plan?.tenant.id ?? opts.tenant)
        try {
          progress('Reading the tenant back...')
          const r = await check(session, store, plan)
          if (opts.json) printJson(r)
          else if (r.partial) {
            console.log(
              paint(
                'red',
                `The last apply of the ${r.vendor} plan is ${r.partial.status}: ${r.partial.inEffect.length} of ${r.checked} change(s) in effect.`,
              ),
            )
            if (r.partial.notInEffect.length)
              console.log(`  not in effect: ${r.partial.notInEffect.join(', ')}`)
            for (const f of r.findings)
              console.log(
                `  ${f.changeId} ${f.problem}\n    why: ${f.diagnosis}\n    fix: ${f.fix}`,
              )
            console.log(r.partial.next)
          } else if (r.green)
            console.log(
              paint(
                'green',
                `Green: all ${r.checked} change(s) of the ${r.vendor} plan are in effect.`,
              ),
            )
          else {
            console.log(paint('red', `${r.findings.length} finding(s) for the ${r.vendor} plan:`))
            for (const f of r.findings)
              console.log(
                `  ${f.changeId} ${f.problem}\n    why: ${f.diagnosis}\n    fix: ${f.fix}`,
              )
          }
          if (!r.green || r.partial) process.exitCode = 3
        } finally {
          session.close()
        }
      })
    })
}
