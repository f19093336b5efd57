/**
 * Who the Standard and Strict preset security policies cover, for the planner: presets win over
 * custom and default policies, and their settings cannot be changed (defender-docs
 * preset-security-policies.md, "Policy settings in preset security policies" and "Order of
 * precedence"), so a policy-level change misses exactly the recipients a preset covers. A preset
 * that covers some recipients leaves the change in effect for everyone else.
 */
// ms-rule: plan.preset.partial-coverage
import type { PresetRule } from '../model/preset.js'
import { isSameOrSubdomain } from '../net/domain.js'
import { describeScope, ownDomains, presetsInForce, type PlanContext } from './context.js'

/** One enabled preset rule, and who it covers in words and (when the directory says) by address. */
export interface PresetCover {
  preset: PresetRule['Preset']
  kind: PresetRule['Kind']
  /** The preset rule's name (what Set-EOPProtectionPolicyRule / Set-ATPProtectionPolicyRule take). */
  rule: string
  /** Who it covers, in words ("members of finance@contoso.com"). */
  who: string
  /**
   * The addresses it covers, as far as the snapshot's directory lists the groups it names; null
   * when it names a group whose members were not read, or a domain.
   */
  recipients: string[] | null
  /** True when it covers every recipient (no condition, or every accepted domain, no exception). */
  everyone: boolean
}

const hasExceptions = (p: PresetRule) =>
  p.ExceptIfSentTo.length + p.ExceptIfSentToMemberOf.length + p.ExceptIfRecipientDomainIs.length > 0

/** True when a preset rule applies to every recipient of the tenant. */
function coversEveryone(ctx: PlanContext, p: PresetRule): boolean {
  if (hasExceptions(p) || p.SentTo.length || p.SentToMemberOf.length) return false
  if (!p.RecipientDomainIs.length) return true
  // Domains include their subdomains for presets (preset-security-policies.md, the Tip in step 3).
  return ownDomains(ctx).every((own) => p.RecipientDomainIs.some((d) => isSameOrSubdomain(own, d)))
}

/** Members of a group in the snapshot's directory (nested groups expanded), or null if unknown. */
function members(ctx: PlanContext, group: string, depth = 0): string[] | null {
  const g = ctx.snapshot.directory.groups.find(
    (x) => x.address.toLowerCase() === group.toLowerCase(),
  )
  if (!g) return null
  const out = new Set<string>()
  for (const m of g.members) {
    const nested = depth < 8 ? members(ctx, m, depth + 1) : null
    if (nested) nested.forEach((x) => out.add(x))
    else out.add(m.toLowerCase())
  }
  return [...out]
}

/** The addresses a partial preset covers, when the snapshot can tell (users and known groups). */
function recipientsOf(ctx: PlanContext, p: PresetRule): string[] | null {
  if (p.RecipientDomainIs.length || hasExceptions(p)) return null
  // Different kinds of condition are ANDed; only one kind is resolved here.
  if (p.SentTo.length && p.SentToMemberOf.length) return null
  if (p.SentTo.length) return p.SentTo.map((x) => x.toLowerCase())
  const out = new Set<string>()
  for (const g of p.SentToMemberOf) {
    const m = members(ctx, g)
    if (!m) return null
    m.forEach((x) => out.add(x))
  }
  return [...out].sort()
}

/** Who each enabled preset of a kind covers. */
export function presetCoverage(ctx: PlanContext, kind: 'EOP' | 'ATP'): PresetCover[] {
  return presetsInForce(ctx, kind).map((p) => {
    const everyone = coversEveryone(ctx, p)
    const except = [
      ...p.ExceptIfSentTo.map((x) => `user ${x}`),
      ...p.ExceptIfSentToMemberOf.map((x) => `members of ${x}`),
      ...p.ExceptIfRecipientDomainIs.map((x) => `everyone @${x}`),
    ]
    return {
      preset: p.Preset,
      kind: p.Kind,
      rule: p.Name,
      who: `${describeScope(p)}${except.length ? ` except ${except.join(', ')}` : ''}`,
      recipients: everyone ? null : recipientsOf(ctx, p),
      everyone,
    }
  })
}

/** The presets of a kind that cover every recipient (a policy-level change would reach no one). */
export function presetsCoveringEveryone(ctx: PlanContext, kind: 'EOP' | 'ATP'): PresetCover[] {
  return presetCoverage(ctx, kind).filter((c) => c.everyone)
}

/** The presets of a kind that cover some recipients only (a change reaches everyone else). */
export function presetsCoveringSome(ctx: PlanContext, kind: 'EOP' | 'ATP'): PresetCover[] {
  return presetCoverage(ctx, kind).filter((c) => !c.everyone)
}

/** Who a set of partial presets leaves unchanged, in words ("members of finance@... (Standard preset)"). */
export function unchangedWords(covers: readonly PresetCover[]): string {
  return covers.map((c) => `${c.who} (${c.preset} preset)`).join('; ')
}
