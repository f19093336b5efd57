import { describe, expect, it } from 'vitest'
import type { Change } from '../core/change.js'
import { callsPerRound, DEFAULT_TENANT_CONCURRENCY } from '../exchange/index.js'
import { DEFAULT_CHANGES_IN_FLIGHT, prerequisites, runSchedule } from './schedule.js'

const change = (
  id: string,
  surface: Change['surface'],
  target: string,
  dependsOn: string[] = [],
): Change => ({
  id,
  surface,
  op: 'create',
  target,
  protections: [],
  mechanism: 'scoped-rule',
  summary: id,
  before: null,
  after: {},
  calls: [],
  risk: { level: 'low', reason: '' },
  limits: [],
  baselines: [],
  dependsOn,
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('prerequisites', () => {
  it('adds the previous change of the same object and of an ordered surface', () => {
    const deps = prerequisites([
      change('a', 'tabl-item', 'x'),
      change('b', 'tabl-item', 'x'),
      change('c', 'transport-rule', 'r1'),
      change('d', 'transport-rule', 'r2'),
      change('e', 'tabl-item', 'y', ['c']),
    ])
    expect([...deps.get('b')!]).toEqual(['a'])
    expect([...deps.get('d')!]).toEqual(['c'])
    expect([...deps.get('e')!]).toEqual(['c'])
    expect(deps.get('a')!.size).toBe(0)
  })
})

describe('runSchedule', () => {
  it('runs independent changes in parallel, bounded, and dependent ones in order', async () => {
    const changes = ['a', 'b', 'c', 'd', 'e'].map((id) => change(id, 'tabl-item', id))
    changes.push(change('f', 'tabl-item', 'f', ['a', 'b']))
    let inFlight = 0
    let most = 0
    const order: string[] = []
    const status = await runSchedule(
      changes,
      async (c) => {
        inFlight++
        most = Math.max(most, inFlight)
        await sleep(5)
        inFlight--
        order.push(c.id)
        return true
      },
      { concurrency: 3 },
    )
    expect(most).toBe(3)
    expect(order.indexOf('f')).toBeGreaterThan(Math.max(order.indexOf('a'), order.indexOf('b')))
    expect([...status.values()].every((s) => s === 'done')).toBe(true)
  })

  it('by default holds as many changes in flight as one round of the client cap carries', async () => {
    expect(DEFAULT_CHANGES_IN_FLIGHT).toBe(callsPerRound(DEFAULT_TENANT_CONCURRENCY))
    const changes = Array.from({ length: DEFAULT_CHANGES_IN_FLIGHT + 5 }, (_, i) =>
      change(`c${i}`, 'tabl-item', `t${i}`),
    )
    let inFlight = 0
    let most = 0
    await runSchedule(changes, async () => {
      most = Math.max(most, ++inFlight)
      await sleep(5)
      inFlight--
      return true
    })
    expect(most).toBe(DEFAULT_CHANGES_IN_FLIGHT)
  })

  it('starts nothing new after a failure and marks the rest not-run', async () => {
    const changes = [
      change('a', 'transport-rule', 'a'),
      change('b', 'transport-rule', 'b'),
      change('c', 'transport-rule', 'c'),
    ]
    const ran: string[] = []
    const status = await runSchedule(changes, async (c) => {
      ran.push(c.id)
      return c.id !== 'b'
    })
    expect(ran).toEqual(['a', 'b'])
    expect(Object.fromEntries(status)).toEqual({ a: 'done', b: 'failed', c: 'not-run' })
  })

  it('skips what is known done (a resumed run) and counts a throw as a failure', async () => {
    const changes = [change('a', 'tabl-item', 'a'), change('b', 'tabl-item', 'b', ['a'])]
    const status = await runSchedule(
      changes,
      async () => {
        throw new Error('boom')
      },
      { known: new Map([['a', 'done' as const]]) },
    )
    expect(Object.fromEntries(status)).toEqual({ a: 'done', b: 'failed' })
  })
})
