import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Change } from '../core/change.js'
import { callsPerRound, DEFAULT_TENANT_CONCURRENCY } from '../exchange/index.js'
import {
  DEFAULT_CHANGES_IN_FLIGHT,
  prerequisites,
  runSchedule,
  sameObject,
  undoPrerequisites,
  type OnFailure,
  type Scheduled,
  type ScheduleOptions,
  type WaitFor,
} from './schedule.js'

/** Property runs: a tenth under mutation testing (docs/mutation.md), where each mutant reruns them. */
const runs = (n: number) => (process.env.PASSAGE_MUTATION_RUN === '1' ? Math.ceil(n / 10) : n)

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

interface Item {
  id: string
}
const itemsOf = (...ids: string[]): Item[] => ids.map((id) => ({ id }))
const graph = (edges: Record<string, string[]>) =>
  new Map(Object.entries(edges).map(([id, ps]) => [id, new Set(ps)]))

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const ticks = async (n: number) => {
  for (let k = 0; k < n; k++) await Promise.resolve()
}
/**
 * n turns of the event loop. Work that ends after a turn ends in a macrotask of its own, and the
 * scheduler has taken in one item's end (microtasks) before the next one's is logged.
 */
const turns = async (n: number) => {
  for (let k = 0; k < n; k++) await new Promise((r) => setImmediate(r))
}

/** Apply's rules and rollback's, as the two callers pass them. */
const APPLY = { onFailure: 'stop-all', waitFor: 'done' } as const
const ROLLBACK = { onFailure: 'block-dependents', waitFor: 'settled' } as const

/**
 * A work function that logs every start and end (one clock for both) and counts items in flight;
 * the items in `failing` fail (resolve false), after `delay(id)` turns of the event loop.
 */
function recorder(
  failing: ReadonlySet<string> = new Set(),
  delay: (id: string) => number = () => 1,
) {
  const log: { at: number; id: string; event: 'start' | 'end' }[] = []
  let inFlight = 0
  let most = 0
  const work = async (it: Item): Promise<boolean> => {
    log.push({ at: log.length, id: it.id, event: 'start' })
    most = Math.max(most, ++inFlight)
    await turns(delay(it.id))
    inFlight--
    log.push({ at: log.length, id: it.id, event: 'end' })
    return !failing.has(it.id)
  }
  const at = (id: string, event: 'start' | 'end') =>
    log.find((e) => e.id === id && e.event === event)?.at
  return {
    work,
    log,
    at,
    most: () => most,
    ran: () => log.filter((e) => e.event === 'start').map((e) => e.id),
  }
}

const outcomes = (rs: Scheduled<Item>[]) =>
  Object.fromEntries(rs.map((r) => [r.item.id, r.reason ? [r.status, r.reason] : r.status]))

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

  it("undos wait for the undos of the changes that built on theirs: apply's, reversed", () => {
    const applied = [
      change('a', 'tabl-item', 'x'),
      change('b', 'tabl-item', 'x'),
      change('c', 'transport-rule', 'r1'),
      change('d', 'transport-rule', 'r2'),
      change('e', 'tabl-item', 'y', ['c']),
    ]
    const undo = undoPrerequisites([...applied].reverse())
    expect(Object.fromEntries([...undo].map(([id, ps]) => [id, [...ps].sort()]))).toEqual({
      e: [],
      d: [],
      c: ['d', 'e'],
      b: [],
      a: ['b'],
    })
    expect(sameObject(applied[0]!, applied[1]!)).toBe(true)
    expect(sameObject(applied[2]!, applied[3]!)).toBe(false)
  })
})

describe("runSchedule, apply's rules (stop-all, wait for done)", () => {
  it('runs independent changes in parallel, bounded, and dependent ones after theirs are done', async () => {
    const items = itemsOf('a', 'b', 'c', 'd', 'e', 'f')
    const r = recorder(new Set(), () => 0)
    const timed = async (it: Item) => {
      const ok = await r.work(it)
      await sleep(5)
      return ok
    }
    const out = await runSchedule(items, timed, {
      ...APPLY,
      prerequisites: graph({ f: ['a', 'b'] }),
      concurrency: 3,
    })
    expect(r.most()).toBe(3)
    expect(r.at('f', 'start')).toBeGreaterThan(Math.max(r.at('a', 'end')!, r.at('b', 'end')!))
    expect(out.every((s) => s.status === 'done' && s.reason === undefined)).toBe(true)
  })

  it('by default holds as many changes in flight as one round of the client cap carries', async () => {
    expect(DEFAULT_CHANGES_IN_FLIGHT).toBe(callsPerRound(DEFAULT_TENANT_CONCURRENCY))
    const items = Array.from({ length: DEFAULT_CHANGES_IN_FLIGHT + 5 }, (_, i) => ({ id: `c${i}` }))
    const r = recorder(new Set(), () => 3)
    await runSchedule(items, r.work, { ...APPLY, prerequisites: new Map() })
    expect(r.most()).toBe(DEFAULT_CHANGES_IN_FLIGHT)
  })

  it('after a failure starts nothing new: its dependent is blocked by it, the rest stopped by it', async () => {
    const r = recorder(new Set(['b']))
    const out = await runSchedule(itemsOf('a', 'b', 'c', 'd'), r.work, {
      ...APPLY,
      prerequisites: graph({ b: ['a'], c: ['b'], d: ['a'] }),
      concurrency: 1,
    })
    expect(r.ran()).toEqual(['a', 'b'])
    expect(outcomes(out)).toEqual({
      a: 'done',
      b: 'failed',
      c: ['not-run', { kind: 'blocked', by: 'b' }],
      d: ['not-run', { kind: 'stopped', by: 'b' }],
    })
  })

  it('skips what is known done (a resumed run) and counts a throw, even a synchronous one, as a failure', async () => {
    const items = itemsOf('a', 'b')
    const prerequisites = graph({ b: ['a'] })
    const known = new Map([['a', 'done' as const]])
    const threw = await runSchedule(
      items,
      async () => {
        throw new Error('boom')
      },
      { ...APPLY, prerequisites, known },
    )
    expect(threw.map((s) => [s.item.id, s.status, s.known])).toEqual([
      ['a', 'done', true],
      ['b', 'failed', undefined],
    ])
    const sync = await runSchedule(
      items,
      () => {
        throw new Error('before its promise')
      },
      { ...APPLY, prerequisites, known },
    )
    expect(sync[1]?.status).toBe('failed')
  })

  it('once `stop` says so (the lease lost) starts nothing more: the rest are halted', async () => {
    let lost = false
    const r = recorder()
    const out = await runSchedule(
      itemsOf('a', 'b', 'c'),
      async (it) => {
        const ok = await r.work(it)
        lost = true
        return ok
      },
      { ...APPLY, prerequisites: new Map(), concurrency: 1, stop: () => lost },
    )
    expect(r.ran()).toEqual(['a'])
    expect(outcomes(out)).toEqual({
      a: 'done',
      b: ['not-run', { kind: 'halted' }],
      c: ['not-run', { kind: 'halted' }],
    })
  })

  it('a cycle of prerequisites is reported not-run, not waited on forever', async () => {
    const r = recorder()
    const out = await runSchedule(itemsOf('a', 'b', 'c'), r.work, {
      ...APPLY,
      prerequisites: graph({ a: ['b'], b: ['a'] }),
    })
    expect(r.ran()).toEqual(['c'])
    expect(outcomes(out)).toEqual({
      a: ['not-run', { kind: 'cycle', by: 'b' }],
      b: ['not-run', { kind: 'cycle', by: 'a' }],
      c: 'done',
    })
  })
})

describe("runSchedule, rollback's rules (block dependents, wait for settled)", () => {
  // x1 <- x2 <- x3 are one object's undos (a failure carries on); y waits for x1 by `dependsOn`
  // (it does not); z is independent.
  const items = itemsOf('x1', 'z', 'x2', 'y', 'x3')
  const prerequisites = graph({ x2: ['x1'], x3: ['x2'], y: ['x1'] })
  const blocks = (it: Item, p: Item) => it.id[0] === p.id[0]

  it('a failure blocks the later undos of its object only; the others carry on', async () => {
    const r = recorder(new Set(['x1']))
    const out = await runSchedule(items, r.work, { ...ROLLBACK, prerequisites, blocks })
    expect(r.ran().sort()).toEqual(['x1', 'y', 'z'])
    expect(outcomes(out)).toEqual({
      x1: 'failed',
      z: 'done',
      x2: ['not-run', { kind: 'blocked', by: 'x1' }],
      y: 'done',
      x3: ['not-run', { kind: 'blocked', by: 'x2' }],
    })
    // It waited for the failed undo to settle all the same.
    expect(r.at('y', 'start')).toBeGreaterThan(r.at('x1', 'end')!)
  })

  it('without `blocks`, every dependent of a failure is blocked, transitively', async () => {
    const r = recorder(new Set(['x1']))
    const out = await runSchedule(items, r.work, { ...ROLLBACK, prerequisites })
    expect(r.ran().sort()).toEqual(['x1', 'z'])
    expect(out.filter((s) => s.status === 'not-run').map((s) => s.item.id)).toEqual([
      'x2',
      'y',
      'x3',
    ])
  })

  it('with waitFor done, a dependent whatever `blocks` says is blocked, and independents carry on', async () => {
    const r = recorder(new Set(['x1']))
    const out = await runSchedule(items, r.work, {
      onFailure: 'block-dependents',
      waitFor: 'done',
      prerequisites,
      blocks,
    })
    expect(r.ran().sort()).toEqual(['x1', 'z'])
    expect(outcomes(out).y).toEqual(['not-run', { kind: 'blocked', by: 'x1' }])
  })

  it('reports in input order, each once it and those before it are settled, whatever order they end in', async () => {
    const order = itemsOf('slow', 'fast', 'blocked', 'mid')
    const r = recorder(new Set(['fast']), (id) => ({ slow: 30, fast: 1, mid: 10 })[id] ?? 0)
    const reported: { id: string; at: number }[] = []
    const out = await runSchedule(order, r.work, {
      ...ROLLBACK,
      prerequisites: graph({ blocked: ['fast'] }),
      // One at a time: the first report takes longest, and no later one overtakes it.
      onSettled: async (s) => {
        await ticks(s.item.id === 'slow' ? 6 : 1)
        reported.push({ id: s.item.id, at: r.log.length })
      },
    })
    expect(r.log.filter((e) => e.event === 'end').map((e) => e.id)).toEqual(['fast', 'mid', 'slow'])
    expect(out.map((s) => s.item.id)).toEqual(['slow', 'fast', 'blocked', 'mid'])
    expect(reported.map((x) => x.id)).toEqual(['slow', 'fast', 'blocked', 'mid'])
    // The first report waited for the slow one, the first in order, to end.
    expect(reported[0]!.at).toBeGreaterThan(r.at('slow', 'end')!)
  })

  it('a report that throws starts nothing more and rejects once the undos in flight settle', async () => {
    const r = recorder(new Set(), (id) => (id === 'a' ? 1 : 20))
    const run = runSchedule(itemsOf('a', 'b', 'c'), r.work, {
      ...ROLLBACK,
      prerequisites: graph({ c: ['b'] }),
      onSettled: (s) => {
        if (s.item.id === 'a') throw new Error('store down')
      },
    })
    await expect(run).rejects.toThrow('store down')
    expect(r.ran()).toEqual(['a', 'b'])
    expect(r.at('b', 'end')).toBeDefined()
  })

  it('keeps rollback concurrency: never more in flight than the limit', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ id: `u${i}` }))
    const r = recorder(new Set(['u0', 'u5']), (id) => Number(id.slice(1)) % 4)
    await runSchedule(many, r.work, { ...ROLLBACK, prerequisites: new Map(), concurrency: 4 })
    expect(r.most()).toBe(4)
    expect(r.ran()).toHaveLength(12)
  })
})

describe('runSchedule, property: random DAGs and failures', () => {
  const scenario = fc.integer({ min: 1, max: 12 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      // Edges go from a lower rank to a higher one (a DAG), shown in a shuffled input order.
      edges: fc.array(
        fc.record({
          from: fc.nat(n - 1),
          to: fc.nat(n - 1),
          carries: fc.boolean(),
        }),
        { maxLength: 3 * n },
      ),
      order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      failing: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      delays: fc.array(fc.nat(6), { minLength: n, maxLength: n }),
      concurrency: fc.integer({ min: 1, max: 4 }),
      onFailure: fc.constantFrom<OnFailure>('stop-all', 'block-dependents'),
      waitFor: fc.constantFrom<WaitFor>('done', 'settled'),
    }),
  )

  it('runs nothing before its prerequisites are as the option says, never past the limit, and accounts for every item', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const id = (k: number) => `i${k}`
        const pre = new Map<string, Set<string>>()
        const carries = new Set<string>()
        for (const e of sc.edges) {
          if (e.from === e.to) continue
          const [lo, hi] = e.from < e.to ? [e.from, e.to] : [e.to, e.from]
          if (!pre.has(id(hi))) pre.set(id(hi), new Set())
          pre.get(id(hi))!.add(id(lo))
          if (e.carries) carries.add(`${id(hi)}<${id(lo)}`)
        }
        const items = sc.order.map((k) => ({ id: id(k) }))
        const failing = new Set(sc.failing.flatMap((f, k) => (f ? [id(k)] : [])))
        const r = recorder(failing, (x) => sc.delays[Number(x.slice(1))] ?? 0)
        const reported: string[] = []
        const opts: ScheduleOptions<Item> = {
          prerequisites: pre,
          onFailure: sc.onFailure,
          waitFor: sc.waitFor,
          blocks: (it, p) => carries.has(`${it.id}<${p.id}`),
          concurrency: sc.concurrency,
          onSettled: (s) => void reported.push(s.item.id),
        }
        const out = await runSchedule(items, r.work, opts)
        const byId = new Map(out.map((s) => [s.item.id, s]))
        const ps = (x: string) => [...(pre.get(x) ?? [])]

        // Every item once, in input order, reported in input order.
        expect(out.map((s) => s.item.id)).toEqual(items.map((x) => x.id))
        expect(reported).toEqual(items.map((x) => x.id))
        expect(r.most()).toBeLessThanOrEqual(sc.concurrency)
        const ran = new Set(r.ran())
        expect(r.ran()).toHaveLength(ran.size)
        for (const s of out) {
          const x = s.item.id
          // Run, with the outcome it had; or not run, with its reason.
          if (ran.has(x)) {
            expect(s.status).toBe(failing.has(x) ? 'failed' : 'done')
            expect(s.reason).toBeUndefined()
          } else {
            expect(s.status).toBe('not-run')
            expect(s.reason).toBeDefined()
          }
        }
        const firstFailureEnd = Math.min(
          ...[...failing].filter((x) => ran.has(x)).map((x) => r.at(x, 'end')!),
        )
        for (const x of ran) {
          const start = r.at(x, 'start')!
          // Started only once every prerequisite had settled (done, with waitFor done), and
          // after every item it transitively waits for that ran had ended.
          const seen = new Set<string>()
          const walk = (y: string) => {
            for (const p of ps(y)) {
              if (seen.has(p)) continue
              seen.add(p)
              walk(p)
            }
          }
          walk(x)
          for (const p of seen) if (ran.has(p)) expect(r.at(p, 'end')!).toBeLessThan(start)
          if (sc.waitFor === 'done') for (const p of ps(x)) expect(byId.get(p)?.status).toBe('done')
          // No prerequisite whose failure carries on failed or was blocked.
          for (const p of ps(x)) {
            const q = byId.get(p)!
            if (sc.waitFor === 'settled' && !carries.has(`${x}<${p}`)) continue
            expect(q.status === 'failed' || q.reason?.kind === 'blocked').toBe(false)
          }
          if (sc.onFailure === 'stop-all') expect(start).toBeLessThan(firstFailureEnd)
        }
        for (const s of out) {
          if (s.status !== 'not-run') continue
          const x = s.item.id
          const reason = s.reason!
          if (reason.kind === 'blocked') {
            expect(ps(x)).toContain(reason.by)
            if (sc.waitFor === 'settled') expect(carries.has(`${x}<${reason.by}`)).toBe(true)
            const q = byId.get(reason.by)!
            expect(q.status === 'failed' || q.reason?.kind === 'blocked').toBe(true)
          } else {
            // Only stop-all stops items that nothing blocked; this schedule has no stop or cycle.
            expect(reason.kind).toBe('stopped')
            expect(sc.onFailure).toBe('stop-all')
            if (reason.kind === 'stopped')
              expect(failing.has(reason.by) && ran.has(reason.by)).toBe(true)
          }
        }
        // block-dependents: an item not blocked by a failure always runs.
        if (sc.onFailure === 'block-dependents')
          for (const s of out) if (s.status === 'not-run') expect(s.reason?.kind).toBe('blocked')
        // No failure: everything runs.
        if (![...failing].some((x) => ran.has(x))) expect(ran.size).toBe(items.length)
      }),
      { numRuns: runs(300) },
    )
  })
})
