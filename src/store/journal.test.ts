import { expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { describeStores, TENANT_ID } from './test-fixtures.js'

const OTHER = '11111111-2222-4333-8444-555555555555'
const rule = { Name: 'Vendor bypass', State: 'Enabled', Priority: 3, Comments: null }

describeStores('journal', (f) => {
  it('keeps the first prior state when a resumed apply journals again', async () => {
    const s = f.store()
    const run = await s.createRun({
      tenantId: TENANT_ID,
      planHash: null,
      kind: 'apply',
      actor: 'a',
    })
    expect(await s.journalPrior(run.id, 'c01', 'transport-rule', 'Vendor bypass', rule)).toBe(true)
    expect(await s.journalPrior(run.id, 'c02', 'tabl-item', 'Url:Allow:x.com', null)).toBe(true)
    // After a crash the second apply journals c01 again, now seeing its own change: ignored.
    f.clock.advance(1000)
    const changed = { ...rule, State: 'Disabled' }
    expect(await s.journalPrior(run.id, 'c01', 'transport-rule', 'Vendor bypass', changed)).toBe(
      false,
    )
    const all = await Promise.all(
      Array.from({ length: 5 }, () => s.journalPrior(run.id, 'c03', 'anti-spam', 'Default', {})),
    )
    expect(all.filter(Boolean)).toHaveLength(1)

    const journal = await s.getJournal(run.id)
    expect(journal.map((e) => [e.changeId, e.prior])).toEqual([
      ['c01', rule],
      ['c02', null],
      ['c03', {}],
    ])
    expect(journal[0]).toMatchObject({
      runId: run.id,
      surface: 'transport-rule',
      target: 'Vendor bypass',
      recordedAt: '2026-11-20T09:00:00.000Z',
    })
  })

  it("a tenant's journal spans its runs, in recording order, and no other tenant's", async () => {
    const s = f.store()
    const base = { planHash: null, kind: 'apply' as const, actor: 'a' }
    const r1 = await s.createRun({ ...base, tenantId: TENANT_ID })
    const r2 = await s.createRun({ ...base, tenantId: OTHER })
    const r3 = await s.createRun({ ...base, tenantId: TENANT_ID })
    await s.journalPrior(r3.id, 'c01', 'tabl-item', 'b', null)
    await s.journalPrior(r1.id, 'c01', 'tabl-item', 'a', null)
    await s.journalPrior(r2.id, 'c01', 'tabl-item', 'other', null)
    await s.journalPrior(r1.id, 'c02', 'tabl-item', 'c', { Value: 'x' })
    const entries = await s.journalForTenant(TENANT_ID)
    expect(entries.map((e) => [e.runId, e.target])).toEqual([
      [r3.id, 'b'],
      [r1.id, 'a'],
      [r1.id, 'c'],
    ])
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b))
  })

  it('refuses a prior state that holds a secret, and writes nothing', async () => {
    const s = f.store()
    const run = await s.createRun({
      tenantId: TENANT_ID,
      planHash: null,
      kind: 'apply',
      actor: 'a',
    })
    const err = await s
      .journalPrior(run.id, 'c01', 'inbound-connector', 'x', { Name: 'x', Password: 'hunter2' })
      .catch((e: unknown) => e)
    expect(isPassageError(err, 'PASSAGE_E_STORE_SECRET')).toBe(true)
    expect((err as Error).message).not.toContain('hunter2')
    expect(await s.getJournal(run.id)).toEqual([])
  })
})
