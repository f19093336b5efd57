/** `passage renew`: the implementation, loaded when the command runs (see ./renew.ts). */
import type { Command } from 'commander'
import { renewAllows, type RenewResult } from '../../app/monitor/renew.js'
import { writeTextAtomic } from '../../app/files.js'
import { renderPlanScript } from '../../core/powershell/render.js'
import { progress, sessionFor, withStore } from '../connection.js'
import { wholeNumber } from '../numbers.js'
import { paint, printJson } from '../output.js'
import { table } from '../table.js'
import type { RenewOptions } from './renew.js'

/** True when every entry that lapses soon was renewed (or would be, in a dry run). */
export function renewedAll(r: RenewResult): boolean {
  return (
    r.decisions.every((d) => d.action === 'renew') &&
    (r.applied === null || r.applied.status === 'done')
  )
}

/** Renews the tenant's soon-lapsing allows and prints what was done. */
export async function run(opts: RenewOptions, cmd: Command): Promise<void> {
  const withinDays = wholeNumber('--within-days', opts.withinDays, 1, 60)
  await withStore(cmd, async (store) => {
    const session = await sessionFor(store, opts.tenant)
    try {
      progress("Reading the tenant's allow and block entries...")
      const r = await renewAllows(session, store, {
        withinDays,
        ...(opts.dryRun ? { dryRun: true } : {}),
      })
      if (opts.powershell && r.plan) {
        const script = renderPlanScript(r.plan)
        if (opts.powershell === '-') process.stdout.write(script)
        else writeTextAtomic(opts.powershell, script)
      }
      if (opts.json) printJson(r)
      else print(r, Boolean(opts.dryRun), withinDays)
      if (!renewedAll(r)) process.exitCode = 3
    } finally {
      session.close()
    }
  })
}

function print(r: RenewResult, dryRun: boolean, withinDays: number): void {
  if (r.decisions.length === 0) {
    console.log(
      paint('green', `No allow passage created for ${r.vendor} lapses within ${withinDays} days.`),
    )
    return
  }
  console.log(
    table(
      ['entry', 'lapses', dryRun ? 'would' : 'done', 'why'],
      r.decisions.map((d) => [
        `${d.listType} ${d.value}`,
        d.lapses,
        d.action === 'renew' ? (dryRun ? 'renew' : 'renewed') : paint('red', 'left'),
        d.why,
      ]),
    ),
  )
  if (r.applied) {
    const failed = r.applied.steps.filter((s) => s.status !== 'done')
    console.log(
      r.applied.status === 'done'
        ? paint('green', `Renewed in run ${r.applied.runId} (\`passage runs\` lists it).`)
        : paint(
            'red',
            `The renewal (run ${r.applied.runId}) ended ${r.applied.status}: ${failed.length} not renewed. An allow removed but not created again is put back by \`passage rollback --run ${r.applied.runId}\`.`,
          ),
    )
    for (const s of failed) if (s.error) console.log(`  ${s.changeId} ${s.error.message}`)
  } else if (dryRun && r.plan) console.log('Nothing was changed (--dry-run).')
}
