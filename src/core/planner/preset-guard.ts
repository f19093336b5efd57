/**
 * The guard's rule for a preset exception in a plan file: it may only add the preset rule's own
 * recipients (its conditions) to the exceptions it had, nothing else, and keep those it had. What it
 * grants is the tenant's own recipients, not the vendor's addresses, so the vendor-scope checks of
 * other changes do not apply; this one does instead. The exceptions as read now are compared with
 * the change's `before` by the surface's drift (surfaces/preset-rule.ts).
 */
// ms-rule: plan.preset.exception
import type { Change } from '../change.js'
import { canonicalJson } from '../hash.js'
import { exceptionLists } from '../mechanisms/index.js'
import { PresetRule } from '../model/preset.js'
import type { Plan } from '../plan-format.js'

/**
 * Why a preset-rule change is not one passage would plan, in words (empty when it is): the plan's
 * preset note must name it as the exception the admin chose.
 */
export function presetRuleProblems(change: Change, plan: Pick<Plan, 'presets'>): string[] {
  if (change.surface !== 'preset-rule') return []
  const chosen = (plan.presets ?? []).some((n) =>
    n.options.some((o) => o.id === 'preset-exception' && o.chosen && o.changeId === change.id),
  )
  if (!chosen)
    return ["it changes a preset's exceptions, which the plan does not name as the admin's choice"]
  const rule = PresetRule.safeParse(change.before)
  if (!rule.success) return ['its before state is not a preset security policy rule']
  const expected = exceptionLists(rule.data)
  if (canonicalJson(change.set ?? {}) !== canonicalJson(expected))
    return [
      "it sets the preset's exceptions to something other than the ones it has plus the preset's own recipients",
    ]
  if (change.add && Object.keys(change.add).length)
    return ['it adds list entries to a preset rule, which passage never does']
  return []
}
