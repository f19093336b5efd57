/**
 * Resume after an injected failure: the sandbox (with a state file) fails a cmdlet at step k,
 * apply stops and marks the rest not-run; the sandbox restarts without the fault, the same apply
 * resumes from the journal without duplicating any entry or rule, and rollback then restores the
 * original byte for byte.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { apply } from '../../src/app/apply.js'
import { check } from '../../src/app/check.js'
import { discover } from '../../src/app/discover.js'
import { rollback } from '../../src/app/rollback.js'
import { chooseVendor } from '../../src/app/vendor-choice.js'
import { plan } from '../../src/core/planner/plan.js'
import { startSandbox } from '../../src/sandbox/index.js'
import { sandboxEndpoints } from '../../src/exchange/index.js'
import { appSession, cleanupFiles, memoryStore, worldState, type Sandbox } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'passage-resume-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  cleanupFiles()
})

async function start(faults?: string): Promise<Sandbox> {
  const sb = await startSandbox({
    port: 0,
    stateFile: join(dir, 'world.json'),
    ...(faults ? { faults } : {}),
  })
  return { sb, endpoints: sandboxEndpoints(sb.url, sb.caPem), close: () => sb.close() }
}

const contoso = (s: Sandbox) =>
  s.sb.world.tenants.find((t) => t.snapshot.tenant.name.startsWith('contoso'))!

it('resumes after a failure at the mail flow rule step, with no duplicates', async () => {
  const store = await memoryStore()
  // Step 5 (the rule) fails with a 503 every time; steps 1-4 (URL allows) succeed.
  let s = await start('cmdlet:New-TransportRule=503')
  const original = worldState(contoso(s))
  let x = await appSession(s, contoso(s))
  const snap = (await discover(x, store)).snapshot
  const p = plan(
    chooseVendor('contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' }),
    { mode: 'recommended' },
    snap,
    { now: new Date().toISOString() },
  )
  const rule = p.changes.find((c) => c.surface === 'transport-rule')!
  const first = await apply(x, store, p)
  expect(first.status).toBe('failed')
  expect(first.steps.find((st) => st.changeId === rule.id)?.status).toBe('failed')
  expect(first.steps.filter((st) => st.status === 'done')).toHaveLength(p.changes.length - 1)
  expect((await store.getRun(first.runId))?.status).toBe('failed')
  x.close()
  await s.close()

  // The fault is gone; the same plan resumes in the same run.
  s = await start()
  try {
    x = await appSession(s, contoso(s))
    const second = await apply(x, store, p)
    expect(second).toMatchObject({ status: 'done', resumed: true, runId: first.runId })
    const ran = second.steps.filter((st) => !st.note)
    expect(ran.map((st) => st.changeId)).toEqual([rule.id])
    const state = contoso(s).snapshot.state
    const values = state.tabl.items.map((i) => `${i.ListType}:${i.Value}`)
    expect(new Set(values).size).toBe(values.length)
    expect(state.transportRules.filter((r) => r.Name === rule.after?.Name)).toHaveLength(1)
    expect((await check(x, store)).green).toBe(true)
    // The journal kept one prior per change, the first.
    expect(await store.getJournal(first.runId)).toHaveLength(p.changes.length)
    expect((await rollback(x, store)).status).toBe('done')
    expect(worldState(contoso(s))).toBe(original)
    x.close()
  } finally {
    await s.close()
    await store.close()
  }
}, 60_000)
