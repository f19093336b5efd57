import { expect, it } from 'vitest'
import { leaseHeldError } from './lease.js'
import { describeStores, TENANT_ID } from './test-fixtures.js'

const TTL = 60_000

describeStores('leases', (f) => {
  it('of 10 concurrent acquires exactly one wins', async () => {
    const s = f.store()
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => s.acquireLease(TENANT_ID, `holder-${i}`, i, TTL)),
    )
    const winners = results.flatMap((r, i) => (r.ok ? [i] : []))
    expect(winners).toHaveLength(1)
    const winner = `holder-${winners[0]}`
    for (const r of results)
      if (!r.ok)
        expect(r).toEqual({
          ok: false,
          heldBy: winner,
          runId: winners[0],
          expiresAt: '2026-11-20T09:01:00.000Z',
        })
    expect(await s.getLease(TENANT_ID)).toEqual({
      holder: winner,
      runId: winners[0],
      expiresAt: '2026-11-20T09:01:00.000Z',
    })
  })

  it.skipIf(!f.target.persistent)(
    'exactly one wins across two stores on one database',
    async () => {
      const a = f.store()
      const b = await f.reopen()
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? a : b).acquireLease(TENANT_ID, `holder-${i}`, null, TTL),
        ),
      )
      expect(results.filter((r) => r.ok)).toHaveLength(1)
    },
  )

  it('an expired lease can be taken; the old holder then cannot renew it', async () => {
    const s = f.store()
    expect((await s.acquireLease(TENANT_ID, 'crashed', 1, TTL)).ok).toBe(true)
    f.clock.advance(TTL - 1)
    expect(await s.acquireLease(TENANT_ID, 'next', 2, TTL)).toMatchObject({
      ok: false,
      heldBy: 'crashed',
    })
    f.clock.advance(1)
    expect(await s.acquireLease(TENANT_ID, 'next', 2, TTL)).toEqual({
      ok: true,
      expiresAt: '2026-11-20T09:02:00.000Z',
    })
    expect(await s.renewLease(TENANT_ID, 'crashed', TTL)).toBe(false)
    expect(await s.releaseLease(TENANT_ID, 'crashed')).toBe(false)
    expect((await s.getLease(TENANT_ID))?.holder).toBe('next')
  })

  it('the holder may re-acquire (attaching its run), renew and release', async () => {
    const s = f.store()
    expect((await s.acquireLease(TENANT_ID, 'me', null, TTL)).ok).toBe(true)
    f.clock.advance(1000)
    expect((await s.acquireLease(TENANT_ID, 'me', 7, TTL)).ok).toBe(true)
    expect(await s.getLease(TENANT_ID)).toEqual({
      holder: 'me',
      runId: 7,
      expiresAt: '2026-11-20T09:01:01.000Z',
    })
    f.clock.advance(30_000)
    expect(await s.renewLease(TENANT_ID, 'me', TTL)).toBe(true)
    expect((await s.getLease(TENANT_ID))?.expiresAt).toBe('2026-11-20T09:01:31.000Z')
    expect(await s.releaseLease(TENANT_ID, 'me')).toBe(true)
    expect(await s.getLease(TENANT_ID)).toBeUndefined()
    expect((await s.acquireLease(TENANT_ID, 'you', null, TTL)).ok).toBe(true)
  })

  it('leases of different tenants are independent', async () => {
    const s = f.store()
    expect((await s.acquireLease('t1', 'a', null, TTL)).ok).toBe(true)
    expect((await s.acquireLease('t2', 'b', null, TTL)).ok).toBe(true)
  })

  it('a refused lease becomes a LEASE_HELD error naming the holder', async () => {
    const s = f.store()
    await s.acquireLease(TENANT_ID, 'cli:host:123', 5, TTL)
    const r = await s.acquireLease(TENANT_ID, 'web', null, TTL)
    if (r.ok) throw new Error('expected a refusal')
    const err = leaseHeldError(TENANT_ID, r)
    expect(err.code).toBe('PASSAGE_E_LEASE_HELD')
    expect(err.message).toContain('cli:host:123 (run 5)')
  })
})
