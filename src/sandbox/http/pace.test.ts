/**
 * The admin API's work in slices, one request at a time (pace.ts): what comes in meanwhile is
 * taken in between the slices, and the requests' work still runs whole, in order.
 */
import { describe, expect, it } from 'vitest'
import { pacer, serialQueue } from './pace.js'

/** Busy-waits `ms` (a slice of CPU work). */
function spin(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end);
}

describe('serialQueue: one piece of work at a time, in the order given', () => {
  it('runs each piece whole before the next starts, even across awaits', async () => {
    const run = serialQueue()
    const log: string[] = []
    const piece = (name: string) => async () => {
      log.push(`${name} start`)
      await new Promise((resolve) => setImmediate(resolve))
      log.push(`${name} end`)
      return name
    }
    const got = await Promise.all([run(piece('a')), run(piece('b')), run(piece('c'))])
    expect(got).toEqual(['a', 'b', 'c'])
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end'])
  })

  it('a failing piece fails alone: the work behind it still runs', async () => {
    const run = serialQueue()
    const failed = run(() => Promise.reject(new Error('boom')))
    const next = run(async () => 'next')
    await expect(failed).rejects.toThrow('boom')
    await expect(next).resolves.toBe('next')
  })
})

describe('pacer: long work lets the event loop take in what came meanwhile', () => {
  it('yields at its first step and once a slice has run, so a callback waiting runs in between', async () => {
    const pace = pacer(2)
    const order: string[] = []
    setImmediate(() => order.push('arrived'))
    // The first step yields: what came in while the work waited its turn goes first.
    await pace()
    order.push('step 1')
    setImmediate(() => order.push('arrived during the work'))
    spin(5)
    // The slice is over: the waiting callback runs before the next step.
    await pace()
    order.push('step 2')
    expect(order).toEqual(['arrived', 'step 1', 'arrived during the work', 'step 2'])
  })

  it('does not yield within a slice (a step costs a clock read)', async () => {
    const pace = pacer(1000)
    await pace()
    let ran = false
    setImmediate(() => (ran = true))
    for (let i = 0; i < 100; i++) await pace()
    expect(ran).toBe(false)
  })
})
