/**
 * Rollback's use of the shared scheduler (schedule.ts) where the lease is concerned: once the
 * tenant's lease is lost nothing more is undone, the undos left are reported not run without
 * blaming another undo, the apply run stays undoable, and the next rollback finishes the work.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { rollback } from './rollback.js'
import type { CmdletCall } from '../core/cmdlet.js'
import type { Store } from '../store/index.js'
import { cleanupFiles, worldState, contactMonkeyApplied } from '../../test/app/helpers.js'

const open: { close(): unknown }[] = []
afterAll(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
  cleanupFiles()
})

/** The store, except that attaching a run to the lease finds another process holding it. */
function leaseTakenOnAttach(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'acquireLease')
        return (tenantId: string, holder: string, runId: number | null, ttlMs: number) =>
          runId === null
            ? target.acquireLease(tenantId, holder, runId, ttlMs)
            : Promise.resolve({
                ok: false as const,
                heldBy: 'someone else on another host',
                runId: null,
                expiresAt: new Date(Date.now() + 60_000).toISOString(),
              })
      const v: unknown = Reflect.get(target, prop, receiver)
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
}

describe('rollback and the lease', () => {
  it('a lease lost before the undos start: none is sent, each is not-run unblamed, the next rollback finishes', async () => {
    const { t, x, store, runId, original } = await contactMonkeyApplied(open)
    const afterApply = worldState(t)

    const writes: string[] = []
    const isWrite = (c: CmdletCall) => !/^Get-/i.test(c.cmdlet)
    const exo = x.exo as unknown as {
      batch: (calls: CmdletCall[], ...rest: unknown[]) => Promise<unknown>
      invoke: (call: CmdletCall, ...rest: unknown[]) => Promise<unknown>
    }
    const batch = exo.batch.bind(exo)
    const invoke = exo.invoke.bind(exo)
    exo.batch = (calls, ...rest) => {
      writes.push(...calls.filter(isWrite).map((c) => c.cmdlet))
      return batch(calls, ...rest)
    }
    exo.invoke = (call, ...rest) => {
      if (isWrite(call)) writes.push(call.cmdlet)
      return invoke(call, ...rest)
    }

    const lost = await rollback(x, leaseTakenOnAttach(store))
    expect(writes).toEqual([])
    expect(worldState(t)).toBe(afterApply)
    expect(lost.status).toBe('failed')
    const journaled = (await store.getJournal(runId)).map((j) => j.changeId).reverse()
    expect(lost.steps.map((st) => st.changeId)).toEqual(journaled)
    for (const st of lost.steps) {
      expect(st.status).toBe('not-run')
      // Not "an earlier undo of this object failed": nothing failed, the lease was lost.
      expect(st.note).toBeUndefined()
    }
    expect((await store.listSteps(lost.runId!)).map((st) => st.status)).toEqual(
      journaled.map(() => 'not-run'),
    )
    expect((await store.getRun(runId))?.status).toBe('done')

    const next = await rollback(x, store)
    expect(next.status).toBe('done')
    expect(writes.length).toBeGreaterThan(0)
    expect(worldState(t)).toBe(original)
  })
})
