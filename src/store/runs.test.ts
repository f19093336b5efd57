import { expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { describeStores, samplePlan, TENANT_ID } from './test-fixtures.js'

const OTHER = '11111111-2222-4333-8444-555555555555'

describeStores('runs', (f) => {
  it('creates, finishes and resumes a run', async () => {
    const s = f.store()
    const p = samplePlan()
    await s.savePlan(p)
    const run = await s.createRun({
      tenantId: TENANT_ID,
      planHash: p.hash,
      kind: 'apply',
      actor: 'admin@fabrikam.com',
    })
    expect(run).toMatchObject({
      tenantId: TENANT_ID,
      planHash: p.hash,
      kind: 'apply',
      status: 'running',
      startedAt: '2026-11-20T09:00:00.000Z',
      finishedAt: null,
      actor: 'admin@fabrikam.com',
      errorCode: null,
    })
    f.clock.advance(1000)
    const failed = await s.finishRun(run.id, 'interrupted', {
      code: 'PASSAGE_E_INTERNAL',
      message: 'killed',
    })
    expect(failed).toMatchObject({
      status: 'interrupted',
      finishedAt: '2026-11-20T09:00:01.000Z',
      errorCode: 'PASSAGE_E_INTERNAL',
      errorMessage: 'killed',
    })
    const resumed = await s.resumeRun(run.id)
    expect(resumed).toMatchObject({ status: 'running', finishedAt: null, errorCode: null })
    f.clock.advance(1000)
    expect(await s.finishRun(run.id, 'done')).toMatchObject({
      status: 'done',
      finishedAt: '2026-11-20T09:00:02.000Z',
    })
    // Marking an old apply rolled back keeps when it ended.
    f.clock.advance(1000)
    expect(await s.finishRun(run.id, 'rolled-back')).toMatchObject({
      status: 'rolled-back',
      finishedAt: '2026-11-20T09:00:02.000Z',
    })
    expect(await s.getRun(run.id + 1000)).toBeUndefined()
    expect(await s.finishRun(run.id + 1000, 'done')).toBeUndefined()
  })

  it('lists runs newest first, per tenant, with a limit', async () => {
    const s = f.store()
    const ids: number[] = []
    for (let i = 0; i < 5; i++) {
      const tenantId = i % 2 === 0 ? TENANT_ID : OTHER
      ids.push((await s.createRun({ tenantId, planHash: null, kind: 'check', actor: 'a' })).id)
      // Two runs in the same millisecond still come out newest first.
      if (i !== 2) f.clock.advance(10)
    }
    expect((await s.listRuns()).map((r) => r.id)).toEqual([...ids].reverse())
    expect((await s.listRuns(TENANT_ID)).map((r) => r.id)).toEqual([ids[4], ids[2], ids[0]])
    expect((await s.listRuns(undefined, 2)).map((r) => r.id)).toEqual([ids[4], ids[3]])
    expect(await s.listRuns('no-such-tenant')).toEqual([])
  })

  it('the last applied run is the newest apply that finished done', async () => {
    const s = f.store()
    const p = samplePlan()
    await s.savePlan(p)
    const base = { tenantId: TENANT_ID, planHash: p.hash, actor: 'a' }
    expect(await s.lastAppliedRun(TENANT_ID)).toBeUndefined()
    const first = await s.createRun({ ...base, kind: 'apply' })
    await s.finishRun(first.id, 'done')
    f.clock.advance(10)
    const failed = await s.createRun({ ...base, kind: 'apply' })
    await s.finishRun(failed.id, 'failed')
    f.clock.advance(10)
    const check = await s.createRun({ ...base, kind: 'check' })
    await s.finishRun(check.id, 'done')
    expect((await s.lastAppliedRun(TENANT_ID))?.id).toBe(first.id)
    expect(await s.lastAppliedRun(OTHER)).toBeUndefined()
  })

  it("a written run comes back with its plan's vendor, as getRun reads it", async () => {
    const s = f.store()
    const p = samplePlan()
    await s.savePlan(p)
    const run = await s.createRun({
      tenantId: TENANT_ID,
      planHash: p.hash,
      kind: 'apply',
      actor: 'a',
    })
    expect(run.vendorId).toBe(p.vendor.id)
    expect(await s.finishRun(run.id, 'failed')).toEqual(await s.getRun(run.id))
    expect(await s.resumeRun(run.id)).toEqual(await s.getRun(run.id))
  })

  it("newestRun is the tenant's newest run of a kind (of one plan when given), as listRuns orders them", async () => {
    const s = f.store()
    const p = samplePlan()
    await s.savePlan(p)
    const base = { tenantId: TENANT_ID, actor: 'a' }
    expect(await s.newestRun(TENANT_ID, 'apply')).toBeUndefined()
    const withPlan = await s.createRun({ ...base, planHash: p.hash, kind: 'apply' })
    // Same millisecond: the higher id is the newer, as in listRuns.
    const noPlan = await s.createRun({ ...base, planHash: null, kind: 'apply' })
    f.clock.advance(10)
    await s.createRun({ ...base, planHash: p.hash, kind: 'check' })
    await s.createRun({ tenantId: OTHER, actor: 'a', planHash: p.hash, kind: 'apply' })
    expect((await s.newestRun(TENANT_ID, 'apply'))?.id).toBe(noPlan.id)
    expect((await s.newestRun(TENANT_ID, 'apply', p.hash))?.id).toBe(withPlan.id)
    expect(await s.newestRun(TENANT_ID, 'rollback')).toBeUndefined()
    const listed = (await s.listRuns(TENANT_ID)).find(
      (r) => r.kind === 'apply' && r.planHash === p.hash,
    )
    expect(await s.newestRun(TENANT_ID, 'apply', p.hash)).toEqual(listed)
  })

  it('interruptRuns marks only the tenant’s running runs of that kind interrupted, with the error', async () => {
    const s = f.store()
    const base = { planHash: null, actor: 'a' }
    const running = await s.createRun({ ...base, tenantId: TENANT_ID, kind: 'rollback' })
    const finished = await s.createRun({ ...base, tenantId: TENANT_ID, kind: 'rollback' })
    await s.finishRun(finished.id, 'done')
    const apply = await s.createRun({ ...base, tenantId: TENANT_ID, kind: 'apply' })
    const other = await s.createRun({ ...base, tenantId: OTHER, kind: 'rollback' })
    f.clock.advance(1000)
    const error = { code: 'PASSAGE_E_ROLLBACK_INCOMPLETE' as const, message: 'interrupted' }
    expect(await s.interruptRuns(TENANT_ID, 'rollback', error)).toBe(1)
    expect(await s.getRun(running.id)).toMatchObject({
      status: 'interrupted',
      finishedAt: '2026-11-20T09:00:01.000Z',
      errorCode: 'PASSAGE_E_ROLLBACK_INCOMPLETE',
      errorMessage: 'interrupted',
    })
    expect((await s.getRun(finished.id))?.status).toBe('done')
    expect((await s.getRun(apply.id))?.status).toBe('running')
    expect((await s.getRun(other.id))?.status).toBe('running')
  })

  it('a run for an unknown plan is refused as a bug', async () => {
    const err = await f
      .store()
      .createRun({ tenantId: TENANT_ID, planHash: 'f'.repeat(64), kind: 'apply', actor: 'a' })
      .catch((e: unknown) => e)
    expect(isPassageError(err, 'PASSAGE_E_INTERNAL')).toBe(true)
  })
})

describeStores('steps', (f) => {
  it('records step results and updates them on resume', async () => {
    const s = f.store()
    const run = await s.createRun({
      tenantId: TENANT_ID,
      planHash: null,
      kind: 'apply',
      actor: 'a',
    })
    await s.recordStep(run.id, { changeId: 'c02', status: 'not-run' })
    await s.recordStep(run.id, {
      changeId: 'c01',
      status: 'failed',
      error: { code: 'PASSAGE_E_INTERNAL', message: 'throttled' },
      startedAt: '2026-11-20T08:59:59.000Z',
    })
    f.clock.advance(5000)
    await s.recordStep(run.id, { changeId: 'c01', status: 'done' })
    const steps = await s.listSteps(run.id)
    expect(steps).toEqual([
      {
        runId: run.id,
        changeId: 'c01',
        status: 'done',
        errorCode: null,
        errorMessage: null,
        startedAt: '2026-11-20T08:59:59.000Z',
        finishedAt: '2026-11-20T09:00:05.000Z',
      },
      {
        runId: run.id,
        changeId: 'c02',
        status: 'not-run',
        errorCode: null,
        errorMessage: null,
        startedAt: null,
        finishedAt: null,
      },
    ])
  })

  it('a step of an unknown run is refused as a bug', async () => {
    const err = await f
      .store()
      .recordStep(424242, { changeId: 'c01', status: 'done' })
      .catch((e: unknown) => e)
    expect(isPassageError(err, 'PASSAGE_E_INTERNAL')).toBe(true)
  })
})
