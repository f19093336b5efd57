import { describe, expect, it } from 'vitest'
import type { Plan } from '../plan-format.js'
import { plan } from './plan.js'
import { COMMS, makeSnapshot, NOW, vendor } from './test-fixtures.js'

/** Every object and array reachable from a value, with its path. */
function* objects(value: unknown, path = '$'): Generator<[string, object]> {
  if (value === null || typeof value !== 'object') return
  yield [path, value]
  for (const [k, v] of Object.entries(value)) yield* objects(v, `${path}.${k}`)
}

describe('plan output is immutable', () => {
  const snapshot = makeSnapshot({ state: { connectionFilter: { IPAllowList: ['192.0.2.1'] } } })
  const p: Plan = plan(
    vendor(COMMS, { dedicatedIp: '167.89.10.20' }),
    { mode: 'recipe', protections: ['anti-spam', 'quarantine', 'clutter'] },
    snapshot,
    { now: NOW },
  )

  it('is frozen all the way down: changes, their calls, before and after', () => {
    expect(p.changes.length).toBeGreaterThan(2)
    const open = [...objects(p)].filter(([, o]) => !Object.isFrozen(o)).map(([path]) => path)
    expect(open).toEqual([])
    const c = p.changes.find((x) => x.surface === 'connection-filter')!
    expect(() => {
      ;(c.after as { IPAllowList: string[] }).IPAllowList.push('x')
    }).toThrow(TypeError)
  })

  it('leaves the caller’s snapshot alone, and copies can still be edited', () => {
    expect(Object.isFrozen(snapshot.state.connectionFilter)).toBe(false)
    expect(Object.isFrozen(snapshot.state.connectionFilter.IPAllowList)).toBe(false)
    const copy = structuredClone(p.changes[0]!)
    copy.summary = 'edited'
    expect({ ...p.changes[0]!, summary: 'edited' }.summary).toBe('edited')
  })
})
