/**
 * The one scheduler of apply and rollback: runs items in dependency order, independent ones in
 * parallel (bounded), and says of every item whether it ran and, when it did not, why. Pure
 * orchestration: the work, and which item waits for which, are the caller's. Two rules differ
 * between the callers and are options:
 *
 * - `onFailure`: `stop-all` (apply) starts nothing new after the first failure; `block-dependents`
 *   (rollback) carries on, and a failure blocks only the items that build on the failed one.
 * - `waitFor`: `done` (apply) starts an item once its prerequisites are done (one that failed or
 *   did not run blocks it); `settled` (rollback) once they are settled, whatever their outcome,
 *   and only the prerequisites `blocks` names carry a failure on to the item.
 *
 * Results come back, and are reported through `onSettled`, in input order.
 */
import type { Change } from '../core/change.js'
import { surfaceOf } from '../core/surfaces/registry.js'
import { callsPerRound, DEFAULT_TENANT_CONCURRENCY } from '../exchange/index.js'

/**
 * Changes in flight when the caller names no limit: as many as one round of requests carries
 * under the client's default per-tenant cap. Derived from the client's limit, not a second one.
 */
export const DEFAULT_CHANGES_IN_FLIGHT = callsPerRound(DEFAULT_TENANT_CONCURRENCY)

/** The outcome of one item in a schedule. */
export type ScheduledStatus = 'done' | 'failed' | 'not-run'

/** What a failure does to the rest of the schedule. */
export type OnFailure = 'stop-all' | 'block-dependents'

/** What an item waits for of its prerequisites before it starts. */
export type WaitFor = 'done' | 'settled'

/** Why an item did not run. */
export type NotRunReason =
  /** A prerequisite (`by`) failed, or was itself blocked, and the failure carries on to this one. */
  | { kind: 'blocked'; by: string }
  /** `stop-all`: the failure of `by` stopped the schedule before this item started. */
  | { kind: 'stopped'; by: string }
  /** The caller's `stop` said so (e.g. the lease was lost). */
  | { kind: 'halted' }
  /** Its prerequisites wait on each other (a cycle): it could never start. */
  | { kind: 'cycle'; by: string }

/** The outcome of one item. */
export interface Scheduled<T> {
  item: T
  status: ScheduledStatus
  /** Done already before this schedule (`known`): not run again. */
  known?: true
  /** Set exactly when the status is `not-run`. */
  reason?: NotRunReason
}

/**
 * Each change's prerequisites when applied: its `dependsOn`, plus the previous change of the
 * same object (two edits of one object must not race) and, on ordered surfaces, the previous
 * change of that surface. Mail flow rules are ordered: their priorities are unique and a new
 * rule's valid priorities depend on how many rules exist (the Priority parameter of
 * New-TransportRule, https://learn.microsoft.com/powershell/module/exchangepowershell/new-transportrule),
 * so inserting one shifts the others.
 */
export function prerequisites(changes: readonly Change[]): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>()
  const lastOfObject = new Map<string, string>()
  const lastOfOrdered = new Map<string, string>()
  const ids = new Set(changes.map((c) => c.id))
  for (const c of changes) {
    const d = new Set(c.dependsOn.filter((x) => ids.has(x)))
    const objectKey = `${c.surface}:${c.target}`
    const prevSame = lastOfObject.get(objectKey)
    if (prevSame) d.add(prevSame)
    if (surfaceOf(c.surface).ordered) {
      const prev = lastOfOrdered.get(c.surface)
      if (prev) d.add(prev)
      lastOfOrdered.set(c.surface, c.id)
    }
    lastOfObject.set(objectKey, c.id)
    deps.set(c.id, d)
  }
  return deps
}

/**
 * The prerequisites of undos: `changes` in undo order (the reverse of the order they were
 * applied); the undo of a change waits for the undos of every change that had it as a
 * prerequisite when applied (they were made after it and built on it).
 */
export function undoPrerequisites(changes: readonly Change[]): Map<string, Set<string>> {
  const undo = new Map(changes.map((c) => [c.id, new Set<string>()]))
  for (const [later, earlier] of prerequisites([...changes].reverse()))
    for (const e of earlier) undo.get(e)?.add(later)
  return undo
}

/** True when two changes touch the same object. */
export function sameObject(a: Change, b: Change): boolean {
  return a.surface === b.surface && a.target === b.target
}

/** Options of runSchedule. */
export interface ScheduleOptions<T> {
  /** Each item's prerequisites, by id (ids of no item are ignored). */
  prerequisites: ReadonlyMap<string, Iterable<string>>
  onFailure: OnFailure
  waitFor: WaitFor
  /**
   * With `waitFor: 'settled'`: whether a prerequisite that failed (or was blocked) blocks the
   * item (default: every one). With `waitFor: 'done'` any of them does, and no item runs after a
   * prerequisite that is not done.
   */
  blocks?: (item: T, prerequisite: T) => boolean
  /** Items at most in flight at once (default DEFAULT_CHANGES_IN_FLIGHT). */
  concurrency?: number
  /** Outcomes known already (a resumed run's done steps): only `done` is taken. */
  known?: ReadonlyMap<string, ScheduledStatus>
  /** Asked before each start: true stops scheduling for good (e.g. the lease was lost). */
  stop?: () => boolean
  /**
   * Each outcome, in input order, as soon as it and every item before it are settled; awaited
   * one at a time, beside the scheduling (which does not wait for it). A throw stops the
   * schedule: nothing new starts, and runSchedule rejects once the items in flight settle.
   */
  onSettled?: (r: Scheduled<T>) => Promise<void> | void
}

/**
 * Runs `work` for each item as the options say (see the module comment) and returns every
 * item's outcome in input order. `work` resolves true for done, false for failed; a throw
 * counts as failed.
 */
export async function runSchedule<T extends { readonly id: string }>(
  items: readonly T[],
  work: (item: T) => Promise<boolean>,
  opts: ScheduleOptions<T>,
): Promise<Scheduled<T>[]> {
  const limit = Math.max(1, opts.concurrency ?? DEFAULT_CHANGES_IN_FLIGHT)
  const index = new Map(items.map((item, i) => [item.id, i]))
  const pre = items.map((item) => {
    const ids = [...(opts.prerequisites.get(item.id) ?? [])]
    return [
      ...new Set(ids.flatMap((id) => (index.has(id) && id !== item.id ? [index.get(id)!] : []))),
    ]
  })
  const blocks = opts.blocks ?? (() => true)
  const results: (Scheduled<T> | undefined)[] = items.map(() => undefined)
  const started = new Set<number>()
  const running = new Map<number, Promise<void>>()
  let stoppedBy: string | undefined
  let halted = false
  let reportError: { error: unknown } | undefined
  let reported = 0
  let reporting: Promise<void> = Promise.resolve()

  const settle = (i: number, r: Scheduled<T>) => {
    results[i] = r
    const onSettled = opts.onSettled
    if (!onSettled) return
    for (let next = results[reported]; next; next = results[++reported]) {
      const r = next
      reporting = reporting
        .then(() => (reportError ? undefined : onSettled(r)))
        .catch((error: unknown) => {
          reportError ??= { error }
        })
    }
  }
  const notRun = (i: number, reason: NotRunReason) =>
    settle(i, { item: items[i]!, status: 'not-run', reason })

  items.forEach((item, i) => {
    if (opts.known?.get(item.id) === 'done') settle(i, { item, status: 'done', known: true })
  })

  /**
   * Decides item i once its prerequisites are settled (so that an item settles only after them,
   * and the order carries through items that do not run): not-run with its reason, or started
   * when a slot is free.
   */
  const decide = (i: number): 'settled' | 'started' | 'waiting' => {
    const item = items[i]!
    const prs = pre[i]!
    if (prs.some((p) => results[p] === undefined)) return 'waiting'
    // A prerequisite whose failure carries on to this item.
    const blocker = prs.find((p) => {
      const r = results[p]!
      const failedOrBlocked = r.status === 'failed' || r.reason?.kind === 'blocked'
      return failedOrBlocked && (opts.waitFor === 'done' || blocks(item, items[p]!))
    })
    if (blocker !== undefined) {
      notRun(i, { kind: 'blocked', by: items[blocker]!.id })
      return 'settled'
    }
    if (halted || reportError !== undefined || opts.stop?.() === true) {
      halted = true
      notRun(i, { kind: 'halted' })
      return 'settled'
    }
    if (stoppedBy !== undefined) {
      notRun(i, { kind: 'stopped', by: stoppedBy })
      return 'settled'
    }
    // Unreachable by the rules above (a prerequisite not done either blocks, or was halted or
    // stopped, which stops this one too); kept so that `done` can never be skipped.
    const notDone = prs.find((p) => results[p]!.status !== 'done')
    if (opts.waitFor === 'done' && notDone !== undefined) {
      notRun(i, { kind: 'blocked', by: items[notDone]!.id })
      return 'settled'
    }
    if (running.size >= limit) return 'waiting'
    started.add(i)
    const p = attempt(work, item).then((ok) => {
      running.delete(i)
      if (!ok && opts.onFailure === 'stop-all') stoppedBy ??= item.id
      settle(i, { item, status: ok ? 'done' : 'failed' })
    })
    running.set(i, p)
    return 'started'
  }

  for (;;) {
    // Passes in input order until nothing more is decided without waiting on work: an item
    // decided not-run may let an earlier one go.
    for (let progressed = true; progressed;) {
      progressed = false
      for (let i = 0; i < items.length; i++)
        if (results[i] === undefined && !started.has(i) && decide(i) === 'settled')
          progressed = true
    }
    if (running.size > 0) {
      await Promise.race(running.values())
      continue
    }
    // Nothing in flight and nothing decidable: what is left waits on itself.
    const left = items.flatMap((_, i) => (results[i] === undefined ? [i] : []))
    if (left.length === 0) break
    const on = left.map((i) => pre[i]!.find((p) => results[p] === undefined) ?? i)
    left.forEach((i, k) => notRun(i, { kind: 'cycle', by: items[on[k]!]!.id }))
  }
  await reporting
  if (reportError) throw reportError.error
  return results as Scheduled<T>[]
}

/** `work(item)`, false for a throw (even one thrown before its promise). */
function attempt<T>(work: (item: T) => Promise<boolean>, item: T): Promise<boolean> {
  try {
    return work(item).catch(() => false)
  } catch {
    return Promise.resolve(false)
  }
}
