import type { Change } from '../change.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { applyChange, inEffect } from '../surfaces/index.js'
import type { DriftField } from '../surfaces/index.js'
import { limitsFor } from './limits.js'

/**
 * What the changes depend on beyond the objects they touch: the counts behind each Microsoft
 * limit the plan recorded (mail flow rules in the organisation, entries of a list, ...), which
 * also fix where a new rule's Priority lands. A count that changed since the plan is drift: apply
 * refuses the plan whole, before its first write, instead of failing half-way on a Priority or
 * a full list. Changes in `skip` (done or begun by an interrupted run) are not judged. Pure.
 */
export function limitDrift(
  changes: readonly Change[],
  tenant: TenantSnapshot,
  skip: ReadonlySet<string>,
): DriftField[] {
  const out: DriftField[] = []
  let working = tenant
  for (const c of changes) {
    if (!skip.has(c.id) && !inEffect(working, c)) {
      let now: ReturnType<typeof limitsFor> = []
      try {
        now = limitsFor(c, working)
      } catch {
        // Over a limit now: the guard refuses it with the limit's own error.
      }
      for (const planned of c.limits) {
        const actual = now.find((n) => n.limit === planned.limit)
        if (actual && actual.before !== planned.before)
          out.push({
            changeId: c.id,
            target: c.target,
            field: `(${planned.limit})`,
            planned: planned.before,
            actual: actual.before,
          })
      }
    }
    try {
      working = applyChange(working, c)
    } catch {
      // Already there (resumed) or no longer applicable: drift of the object reports it.
    }
  }
  return out
}
