/**
 * Taking the recipients a preset covers out of it, so that the custom and default policies this
 * plan changes reach them too: their own recipients added to the preset rule's exceptions. Never
 * picked by a mode or a recipe; planned only when the admin names the preset (Choices
 * `presetExceptions`), and always high risk: those recipients lose the preset's protection for all
 * their mail, not only the vendor's.
 *
 * Microsoft: the rule's exceptions are set with Set-EOPProtectionPolicyRule /
 * Set-ATPProtectionPolicyRule; a list given replaces the whole list, and exceptions of different
 * kinds are OR'ed (office-docs-powershell Set-EOPProtectionPolicyRule.md and
 * Set-ATPProtectionPolicyRule.md, "DESCRIPTION"). The same recipient filter as a condition and as
 * an exception takes the recipient out (Set-ATPProtectionPolicyRule.md, the IMPORTANT note).
 * The EOP rule and the Defender rule of a preset are separate rules with their own conditions and
 * exceptions (Set-ATPProtectionPolicyRule.md, "DESCRIPTION"); the cmdlet pages say nothing about
 * keeping them in step, so passage changes only the rule whose kind of policy the plan changes,
 * and says so in the plan.
 */
// ms-rule: plan.preset.exception
import type { JsonObject } from '../change.js'
import type { RiskLevel } from '../change.js'
import type { PresetRule } from '../model/preset.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import { PRESET_EXCEPTION_FIELDS, surfaceOf } from '../surfaces/index.js'
import type { Draft } from './draft.js'
import type { PresetCover } from './preset-coverage.js'

/** The risk of taking people out of a preset, and why (what the plan shows for the change). */
export const PRESET_EXCEPTION_RISK: { level: RiskLevel; reason: string } = {
  level: 'high',
  reason:
    'The recipients it takes out of the preset lose its protection for all their mail, not only this vendor’s: the custom or default policies then apply to them.',
}

/** The exception list each condition list is added to. */
const PAIRS = [
  ['SentTo', 'ExceptIfSentTo'],
  ['SentToMemberOf', 'ExceptIfSentToMemberOf'],
  ['RecipientDomainIs', 'ExceptIfRecipientDomainIs'],
] as const

/** The union of two recipient lists, keeping the first spelling of each (Exchange ignores case). */
function union(a: readonly string[], b: readonly string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const x of [...a, ...b])
    if (!seen.has(x.toLowerCase())) {
      seen.add(x.toLowerCase())
      out.push(x)
    }
  return out
}

/**
 * The exception lists that take a preset rule's own recipients out of it: each list the rule has,
 * plus its conditions of the matching kind. Only the lists that change are returned.
 */
export function exceptionLists(rule: PresetRule): Partial<Record<string, string[]>> {
  const out: Partial<Record<string, string[]>> = {}
  for (const [cond, except] of PAIRS) {
    const all = union(rule[except], rule[cond])
    if (all.length !== rule[except].length) out[except] = all
  }
  return out
}

/** The preset rule as the rule object a change describes. */
export function presetRuleObject(rule: PresetRule): JsonObject {
  return JSON.parse(JSON.stringify(rule)) as JsonObject
}

/**
 * The draft that takes a preset's recipients out of it, or null when they already are. It serves
 * the planned protections the preset kept from them, under the mechanism planned for the first one.
 */
export function presetExceptionDraft(
  cover: PresetCover,
  rule: PresetRule,
  protections: ProtectionId[],
  mechanism: MechanismId,
): Draft | null {
  const set = exceptionLists(rule) as JsonObject
  for (const f of Object.keys(set))
    if (!(PRESET_EXCEPTION_FIELDS as readonly string[]).includes(f)) delete set[f]
  const delta = surfaceOf('preset-rule').diff(presetRuleObject(rule), { set })
  if (!delta) return null
  const kind = cover.kind === 'EOP' ? 'Exchange Online Protection' : 'Defender for Office 365'
  return {
    ...delta,
    surface: 'preset-rule',
    protections,
    mechanism,
    summary: `Take ${cover.who} out of the ${cover.preset} preset's ${kind} protection (exceptions of '${cover.rule}')`,
  }
}
