/** `passage check`: the implementation, loaded when the command runs (see ./check.ts). */
import type { Command } from 'commander'
import { check } from '../../app/check.js'
import { loadPlan } from '../../app/plan-file.js'
import { progress, sessionFor, withStore } from '../connection.js'
import { paint, printJson } from '../output.js'
import { plural } from '../../app/test-run.js'
import type { CheckOptions } from './check.js'

/** Reads the tenant back and verifies a plan (default: the last applied) is in effect. */
export async function run(opts: CheckOptions, cmd: Command): Promise<void> {
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
            `The last apply of the ${r.vendor} plan is ${r.partial.status}: ${r.partial.inEffect.length} of ${plural(r.checked, 'change')} in effect.`,
          ),
        )
        if (r.partial.notInEffect.length)
          console.log(`  not in effect: ${r.partial.notInEffect.join(', ')}`)
        for (const f of r.findings)
          console.log(`  ${f.changeId} ${f.problem}\n    why: ${f.diagnosis}\n    fix: ${f.fix}`)
        console.log(r.partial.next)
      } else if (r.green)
        console.log(
          paint(
            'green',
            r.checked === 1
              ? `Green: the one change of the ${r.vendor} plan is in effect.`
              : `Green: all ${r.checked} changes of the ${r.vendor} plan are in effect.`,
          ),
        )
      else {
        console.log(
          paint('red', `${plural(r.findings.length, 'finding')} for the ${r.vendor} plan:`),
        )
        for (const f of r.findings)
          console.log(`  ${f.changeId} ${f.problem}\n    why: ${f.diagnosis}\n    fix: ${f.fix}`)
      }
      if (!r.green || r.partial) process.exitCode = 3
    } finally {
      session.close()
    }
  })
}
