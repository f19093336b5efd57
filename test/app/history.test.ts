/**
 * History that is complete (issue 14, item 5): a `test` (with or without a release) is a run with
 * its vendor and tenant; runs of a plan carry its vendor; after a rollback, `check` names the
 * tenant, not its GUID; rollback says what each undo did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apply } from '../../src/app/apply.js'
import { check } from '../../src/app/check.js'
import { discover } from '../../src/app/discover.js'
import { rollback } from '../../src/app/rollback.js'
import type { Session } from '../../src/app/session.js'
import { recordedTestDelivery } from '../../src/app/test-run.js'
import { chooseVendor } from '../../src/app/vendor-choice.js'
import { resultOf } from '../../src/cli/commands/runs.run.js'
import { plan } from '../../src/core/planner/plan.js'
import type { Store } from '../../src/store/index.js'
import {
  appSession,
  cleanupFiles,
  failure,
  memoryStore,
  sandbox,
  tenantNamed,
  type Sandbox,
} from './helpers.js'

let s: Sandbox
let store: Store
const sessions: Session[] = []
const CM = { region: 'us', dedicatedIp: '167.89.10.20' }

beforeAll(async () => {
  s = await sandbox()
  store = await memoryStore()
})

afterAll(async () => {
  for (const x of sessions) x.close()
  await store?.close()
  await s?.close()
  cleanupFiles()
})

describe('run history', () => {
  it('records test runs (and releases) with the vendor and the tenant; plan runs with their vendor', async () => {
    const t = tenantNamed(s, 'contoso')
    const x = await appSession(s, t)
    sessions.push(x)
    const vendor = chooseVendor('contactmonkey', { ...CM })
    const snap = (await discover(x, store)).snapshot
    const r = await recordedTestDelivery(x, store, vendor, snap, {
      send: true,
      since: new Date(),
      release: true,
      confirmRelease: async () => false,
    })
    const run = await store.getRun(r.runId)
    expect(run).toMatchObject({ kind: 'test', status: 'done', vendorId: 'contactmonkey' })
    expect(run?.summary).toMatch(/message cop(y|ies)/)
    expect(run?.summary).toMatch(/0 released/)
    expect((await store.getTenant(run!.tenantId))?.name).toBe(snap.tenant.name)
    // `passage runs` shows the outcome in words.
    expect(resultOf(run!)).toMatch(/^done: \d+ message cop(y|ies)/)

    const p = plan(vendor, { mode: 'recommended' }, snap, { now: new Date().toISOString() })
    const applied = await apply(x, store, p)
    expect((await store.getRun(applied.runId))?.vendorId).toBe('contactmonkey')

    const undone = await rollback(x, store)
    expect(undone.steps.length).toBeGreaterThan(0)
    for (const step of undone.steps) expect(step.summary).toMatch(/^(Remove|Restore|Re-create) /)

    const e = await failure(check(x, store))
    expect(e.code).toBe('PASSAGE_E_NOTHING_APPLIED')
    expect(e.message).toContain(snap.tenant.name)
    expect(e.message).not.toContain(snap.tenant.id)
    expect(e.message).toMatch(/was undone/)
    const undoneApply = await store.getRun(applied.runId)
    expect(resultOf(undoneApply!)).toBe('done, undone since')
  })

  it('a failed test is recorded failed, with its error', async () => {
    const t = tenantNamed(s, 'northwind')
    const x = await appSession(s, t)
    sessions.push(x)
    const vendor = chooseVendor('contactmonkey', { ...CM })
    const snap = (await discover(x, store)).snapshot
    // A window older than message trace keeps: Exchange refuses it.
    const old = new Date(Date.now() - 200 * 86_400_000)
    await failure(recordedTestDelivery(x, store, vendor, snap, { since: old }))
    const [last] = await store.listRuns(snap.tenant.id, 1)
    expect(last).toMatchObject({ kind: 'test', status: 'failed', vendorId: 'contactmonkey' })
    expect(last?.errorCode).toMatch(/^PASSAGE_E_/)
  })
})
