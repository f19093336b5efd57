/**
 * The admin API's work, one request at a time, in slices that leave the event loop free to take
 * in the requests that come meanwhile.
 *
 * The sandbox runs on one thread. Its `latency` fault (floor model, fault-hooks.ts) answers a
 * request `latency` ms after it came in, the sandbox's own work included: when it came in is when
 * its `onRequest` hook ran, which is only once the event loop got to it. Work done in one piece
 * (shaping 250 mail flow rules as Exchange returns them, some 2 MB of text, takes tens of
 * milliseconds, the first time more) held up every request that arrived meanwhile: each was seen
 * to come in, and so answered, that much later, the sandbox's work added to its latency rather
 * than done inside it. At a real tenant a request's time includes the service's work, and the
 * service takes in requests while it works on others.
 *
 * So the work of each admin API request runs in slices of a few milliseconds (`pacer`), with
 * the event loop free between them to note arrivals, and still one request at a time, in the
 * order the requests reached their route (`serially`): a `$batch`'s items run one after another
 * on the state the one before left, with no other request's work between them, as when the
 * whole batch ran at once.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { ServerContext } from './context.js'

/** Runs async functions one at a time, in the order they were given. */
export type Serial = <T>(work: () => Promise<T>) => Promise<T>

/** A queue of work run one at a time (a failure does not stop the work behind it). */
export function serialQueue(): Serial {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work)
    tail = run.catch(() => {})
    return run
  }
}

/** The longest a piece of work runs before it lets the event loop take in other requests. */
export const SLICE_MS = 2

/**
 * A pacer for one piece of work: `await pace()` between its steps yields to the event loop once
 * the work has run `sliceMs` since it last did (a step costs one clock read otherwise).
 */
export function pacer(sliceMs = SLICE_MS): () => Promise<void> {
  // The first call yields: what came in while the request waited its turn is taken in first.
  let since = -Infinity
  return async () => {
    if (performance.now() - since < sliceMs) return
    await yieldToLoop()
    since = performance.now()
  }
}

/** Each server's queue of admin API work: one request's work at a time. */
const queues = new WeakMap<ServerContext, Serial>()

/**
 * The queue a server's admin API requests (and the sandbox's mail deliveries, which change a
 * tenant too) run their work in.
 */
export function serially(ctx: ServerContext): Serial {
  let q = queues.get(ctx)
  if (!q) queues.set(ctx, (q = serialQueue()))
  return q
}
