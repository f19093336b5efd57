import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { openMonitorStore, type MonitorInput, type OpenedMonitorStore } from './monitor.js'
import { fakeClock, TARGETS } from './test-fixtures.js'

const T1 = '11111111-1111-4111-8111-111111111111'
const T2 = '22222222-2222-4222-8222-222222222222'
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmNkZWYifQ.c2lnbmF0dXJl'

function input(over: Partial<MonitorInput> = {}): MonitorInput {
  return {
    tenantId: T1,
    vendor: 'contactmonkey',
    state: 'drifted',
    fingerprint: 'fp-1',
    explanation: "The vendor's IP was removed from the connection filter IP allow list.",
    fix: 'Re-apply the plan.',
    reasons: ['connection filter: IPAllowList lacks 167.89.10.20'],
    ...over,
  }
}

for (const target of TARGETS) {
  describe.skipIf(!target.enabled)(`monitor store [${target.name}]`, () => {
    const clock = fakeClock()
    const open: OpenedMonitorStore[] = []
    let where = ''
    let s: OpenedMonitorStore
    beforeEach(async () => {
      clock.reset()
      where = await target.fresh()
      s = await openMonitorStore(where, { now: clock.now })
      open.push(s)
    })
    afterEach(async () => {
      for (const o of open.splice(0)) await o.close()
      await target.cleanup()
    })

    it('a first classification is a change and owes an alert; noAlert records none owed', async () => {
      const r = await s.recordMonitorState(input())
      expect(r).toMatchObject({ previous: undefined, changed: true })
      expect(r.current.previousState).toBeNull()
      expect(r.current.alertedAt).toBeNull()
      expect(r.current.changedAt).toBe('2026-11-20T09:00:00.000Z')
      const g = await s.recordMonitorState(input({ tenantId: T2, state: 'green' }), {
        noAlert: true,
      })
      expect(g.current.alertedAt).toBe('2026-11-20T09:00:00.000Z')
    })

    it('the same fingerprint again is no change: only classifiedAt moves, the alert stays sent', async () => {
      await s.recordMonitorState(input())
      expect(await s.markMonitorAlerted(T1, 'contactmonkey', 'fp-1')).toBe(true)
      clock.advance(86_400_000)
      const r = await s.recordMonitorState(input())
      expect(r.changed).toBe(false)
      const kept = await s.getMonitorState(T1, 'contactmonkey')
      expect(kept?.classifiedAt).toBe('2026-11-21T09:00:00.000Z')
      expect(kept?.changedAt).toBe('2026-11-20T09:00:00.000Z')
      expect(kept?.alertedAt).toBe('2026-11-20T09:00:00.000Z')
    })

    it('a new fingerprint is a change: it owes a new alert, and the old one can no longer be marked', async () => {
      await s.recordMonitorState(input())
      await s.markMonitorAlerted(T1, 'contactmonkey', 'fp-1')
      clock.advance(3_600_000)
      const r = await s.recordMonitorState(
        input({ state: 'broken', fingerprint: 'fp-2', reasons: ['other'] }),
      )
      expect(r.changed).toBe(true)
      expect(r.previous?.fingerprint).toBe('fp-1')
      expect(r.current).toMatchObject({ fingerprint: 'fp-2', reasons: ['other'], alertedAt: null })
      expect(r.current.previousState).toBe('drifted')
      expect(await s.markMonitorAlerted(T1, 'contactmonkey', 'fp-1')).toBe(false)
      expect(await s.markMonitorAlerted(T1, 'contactmonkey', 'fp-2')).toBe(true)
    })

    it('of two monitors recording the same change at once, exactly one is told it changed', async () => {
      await s.recordMonitorState(input())
      const other = target.persistent ? await openMonitorStore(where, { now: clock.now }) : s
      if (other !== s) open.push(other)
      const results = await Promise.all([
        s.recordMonitorState(input({ fingerprint: 'fp-2' })),
        other.recordMonitorState(input({ fingerprint: 'fp-2' })),
      ])
      expect(results.filter((r) => r.changed)).toHaveLength(1)
    })

    it('refuses a secret in what it keeps (STORE_SECRET), naming where, never the value', async () => {
      const e = await s.recordMonitorState(input({ reasons: [`token ${JWT}`] })).catch((x) => x)
      expect(isPassageError(e) && e.code).toBe('PASSAGE_E_STORE_SECRET')
      expect(String(e.message)).not.toContain(JWT)
      expect(await s.getMonitorState(T1, 'contactmonkey')).toBeUndefined()
    })

    it('lists kept states by tenant, filtered by state', async () => {
      await s.recordMonitorState(input({ tenantId: T2, state: 'broken', fingerprint: 'b' }))
      await s.recordMonitorState(input())
      expect((await s.listMonitorStates()).map((r) => r.tenantId)).toEqual([T1, T2])
      expect((await s.listMonitorStates({ state: 'broken' })).map((r) => r.tenantId)).toEqual([T2])
    })
  })
}
