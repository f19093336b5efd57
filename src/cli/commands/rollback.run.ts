/** `passage rollback`: the implementation, loaded when the command runs (see ./rollback.ts). */
import type { Command } from 'commander'
import { rollback, runToUndo } from '../../app/rollback.js'
import { PassageError } from '../../core/errors/index.js'
import { loadProfile } from '../../app/session.js'
import {
  confirmOrYes,
  progress,
  refuseReadOnly,
  requireYesOrTerminal,
  sessionFor,
  withStore,
} from '../connection.js'
import { printJson } from '../output.js'
import { stepLine } from '../steps.js'
import type { RollbackOptions } from './rollback.js'

/** Undoes exactly what an apply changed, from its journal. */
export async function run(
  runArg: string | undefined,
  opts: RollbackOptions,
  cmd: Command,
): Promise<void> {
  const runId = runArg === undefined ? undefined : Number(runArg)
  if (runId !== undefined && !Number.isInteger(runId))
    throw new PassageError('PASSAGE_E_INPUT', `'${runArg}' is not a run id.`)
  await withStore(cmd, async (store) => {
    const tenant =
      opts.tenant ?? (runId !== undefined ? (await store.getRun(runId))?.tenantId : undefined)
    // All that needs no sign-in comes first: the connection, the run to undo, the confirmation.
    const profile = await loadProfile(store, tenant)
    refuseReadOnly(profile, 'a rollback')
    const known = profile.tenantId
      ? await runToUndo(store, profile.tenantId, runId, profile.tenantName)
      : null
    if (known?.status === 'rolled-back') {
      // Nothing to undo: said from the store, without signing in.
      if (opts.json)
        printJson({ appliedRun: known.id, runId: null, status: 'noop', steps: [], ms: 0 })
      else console.log(`Run ${known.id} was already rolled back; nothing to do.`)
      return
    }
    requireYesOrTerminal(opts.yes, 'Rollback')
    const what = known ? `apply run ${known.id}` : 'the last apply'
    if (
      !(await confirmOrYes(`Undo ${what} on ${profile.tenantName ?? profile.tenant}?`, opts.yes))
    ) {
      progress('Nothing undone.')
      process.exitCode = 2
      return
    }
    const session = await sessionFor(store, tenant)
    try {
      const target =
        known ?? (await runToUndo(store, session.tenantId, runId, session.profile.tenantName))
      const r = await rollback(session, store, {
        runId: target.id,
        force: opts.force === true,
        onStep: (s) => progress(stepLine(s)),
      })
      if (opts.json) printJson(r)
      else if (r.status === 'noop')
        console.log(`Run ${r.appliedRun} was already rolled back; nothing to do.`)
      else console.log(`Rollback of run ${r.appliedRun}: ${r.status} (run ${r.runId}, ${r.ms} ms).`)
      if (!opts.json && r.status === 'conflict')
        console.log(
          [
            'Left as someone set them after apply (not undone):',
            ...r.steps.flatMap((s) =>
              (s.conflicts ?? []).map(
                (c) =>
                  `  ${s.changeId} ${s.summary}: ${c.field} is ${JSON.stringify(c.current)} (passage set ${JSON.stringify(c.passage)}, it was ${JSON.stringify(c.prior)})`,
              ),
            ),
            'Run `passage rollback --force` to put the prior values back over them.',
          ].join('\n'),
        )
      if (r.status === 'failed' || r.status === 'conflict') process.exitCode = 3
    } finally {
      session.close()
    }
  })
}
