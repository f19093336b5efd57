/**
 * Runs a plan's changes in dependency order: independent ones in parallel (bounded), dependent
 * ones in order. After the first failure nothing new starts; what never ran is `not-run`. Pure
 * orchestration: the work itself is the caller's.
 */
import type { Change } from '../core/change.js'
import { surfaceOf } from '../core/surfaces/registry.js'
import { callsPerRound, DEFAULT_TENANT_CONCURRENCY } from '../exchange/index.js'

/**
 * Changes in flight when the caller names no limit: as many as one round of requests carries
 * under the client's default per-tenant cap. Derived from the client's limit, not a second one.
 */
export const DEFAULT_CHANGES_IN_FLIGHT = callsPerRound(DEFAULT_TENANT_CONCURRENCY)

/** The outcome of one change in a schedule. */
export type ScheduledStatus = 'done' | 'failed' | 'not-run'

/**
 * Each change's prerequisites: its `dependsOn`, plus the previous change of the same object (two
 * edits of one object must not race) and, on ordered surfaces (mail flow rules, whose priorities
 * shift on insert), the previous change of that surface.
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

/** Options of runSchedule. */
export interface ScheduleOptions {
  /** Changes at most in flight at once (default DEFAULT_CHANGES_IN_FLIGHT). */
  concurrency?: number
  /** Outcomes known already (a resumed run's done steps). */
  known?: ReadonlyMap<string, ScheduledStatus>
  /** Asked before each start: true stops scheduling (e.g. the lease was lost). */
  stop?: () => boolean
}

/**
 * Runs `work` for each change once its prerequisites are done; returns every change's status.
 * `work` resolves true for done, false for failed (it must not throw; a throw counts as failed).
 */
export async function runSchedule(
  changes: readonly Change[],
  work: (c: Change) => Promise<boolean>,
  opts: ScheduleOptions = {},
): Promise<Map<string, ScheduledStatus>> {
  const limit = Math.max(1, opts.concurrency ?? DEFAULT_CHANGES_IN_FLIGHT)
  const deps = prerequisites(changes)
  const status = new Map<string, ScheduledStatus>()
  for (const [id, s] of opts.known ?? []) if (s === 'done') status.set(id, 'done')
  const running = new Map<string, Promise<void>>()
  let failed = false
  const ready = (c: Change) =>
    !status.has(c.id) &&
    !running.has(c.id) &&
    [...(deps.get(c.id) ?? [])].every((d) => status.get(d) === 'done')
  for (;;) {
    if (!failed && !opts.stop?.()) {
      for (const c of changes) {
        if (running.size >= limit) break
        if (!ready(c)) continue
        const p = work(c)
          .catch(() => false)
          .then((ok) => {
            status.set(c.id, ok ? 'done' : 'failed')
            if (!ok) failed = true
            running.delete(c.id)
          })
        running.set(c.id, p)
      }
    }
    if (running.size === 0) break
    await Promise.race(running.values())
  }
  for (const c of changes) if (!status.has(c.id)) status.set(c.id, 'not-run')
  return status
}
