import { expect, it } from 'vitest'
import { describeStores, samplePlan } from './test-fixtures.js'

describeStores('plans read again', (f) => {
  it('a plan read before is handed out again unchanged, without another read', async () => {
    const s = f.store()
    const p = samplePlan()
    await s.savePlan(p)
    const first = await s.getPlan(p.hash)
    expect(first).toEqual(p)
    // Content-addressed: the same object, verified once.
    expect(await s.getPlan(p.hash)).toBe(first)
  })

  it('a plan changed in memory since it was read is read (and checked) again from the store', async () => {
    const s = f.store()
    const p = samplePlan()
    await s.savePlan(p)
    const first = await s.getPlan(p.hash)
    if (!first) throw new Error('no plan')
    ;(first as { createdAt: string }).createdAt = '1999-01-01T00:00:00.000Z'
    const again = await s.getPlan(p.hash)
    expect(again).not.toBe(first)
    expect(again).toEqual(p)
  })

  it('saving a plan read from the store again refuses it when its content no longer matches its hash', async () => {
    const s = f.store()
    const p = samplePlan()
    await s.savePlan(p)
    const read = await s.getPlan(p.hash)
    if (!read) throw new Error('no plan')
    expect(await s.savePlan(read)).toEqual({ hash: p.hash, created: false })
    ;(read as { createdAt: string }).createdAt = '1999-01-01T00:00:00.000Z'
    await expect(s.savePlan(read)).rejects.toMatchObject({ code: 'PASSAGE_E_PLAN_TAMPERED' })
  })
})
