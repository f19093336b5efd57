/**
 * Rollback sends the undos that do not depend on each other together, a round at a time, as
 * apply sends its writes: fewer rounds than undos, never fewer than the longest chain of undos
 * that must run in order, each undo with its own outcome, the steps reported and recorded in
 * the journal's reverse order, and the tenant restored byte for byte.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { rollback } from '../../src/app/rollback.js'
import { prerequisites } from '../../src/app/schedule.js'
import type { Change } from '../../src/core/change.js'
import type { CmdletCall } from '../../src/core/cmdlet.js'
import { cleanupFiles, worldState, contactMonkeyApplied } from './helpers.js'

const open: { close(): unknown }[] = []
afterAll(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
  cleanupFiles()
})

/** The longest chain of changes that depend on each other (in changes). */
function chain(changes: readonly Change[]): number {
  const pre = prerequisites(changes)
  const depth = new Map<string, number>()
  const of = (id: string): number =>
    depth.get(id) ??
    (depth.set(id, 1 + Math.max(0, ...[...(pre.get(id) ?? [])].map(of))), depth.get(id)!)
  return Math.max(0, ...changes.map((c) => of(c.id)))
}

const isWrite = (c: CmdletCall) => !/^Get-/i.test(c.cmdlet)

describe('rollback rounds', () => {
  it('sends independent undos together and dependent ones in order', async () => {
    const { t, x, store, plan: p, runId, original } = await contactMonkeyApplied(open)
    const journal = await store.getJournal(runId)
    const changes = journal.map((j) => p.changes.find((c) => c.id === j.changeId)!)

    // Every round of writes the rollback sends: a $batch, or a lone InvokeCommand.
    const rounds: string[][] = []
    const exo = x.exo as unknown as {
      batch: (calls: CmdletCall[], ...rest: unknown[]) => Promise<unknown>
      invoke: (call: CmdletCall, ...rest: unknown[]) => Promise<unknown>
    }
    const batch = exo.batch.bind(exo)
    const invoke = exo.invoke.bind(exo)
    exo.batch = (calls, ...rest) => {
      if (calls.some(isWrite)) rounds.push(calls.map((c) => c.cmdlet))
      return batch(calls, ...rest)
    }
    exo.invoke = (call, ...rest) => {
      if (isWrite(call)) rounds.push([call.cmdlet])
      return invoke(call, ...rest)
    }
    const reported: string[] = []
    const r = await rollback(x, store, { onStep: (st) => reported.push(st.changeId) })

    expect(r.status).toBe('done')
    expect(worldState(t)).toBe(original)
    const undos = r.steps.filter((st) => st.calls > 0).length
    expect(undos).toBeGreaterThan(3)
    expect(rounds.flat()).toHaveLength(r.steps.reduce((n, st) => n + st.calls, 0))
    // Together where they are independent; never fewer rounds than the chain that must run in
    // order.
    expect(rounds.length).toBeLessThan(undos)
    expect(rounds.length).toBeGreaterThanOrEqual(chain(changes))
    // Reported and recorded last journaled first, as one at a time did.
    const reversed = journal.map((j) => j.changeId).reverse()
    expect(reported).toEqual(reversed)
    expect(r.steps.map((st) => st.changeId)).toEqual(reversed)
  })
})
