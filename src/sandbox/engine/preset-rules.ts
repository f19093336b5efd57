/**
 * Set-EOPProtectionPolicyRule and Set-ATPProtectionPolicyRule: who the Standard and Strict preset
 * security policies apply to, as Exchange Online changes it. From Microsoft's cmdlet reference
 * (office-docs-powershell exchange/exchange-ps/ExchangePowerShell/Set-EOPProtectionPolicyRule.md and
 * Set-ATPProtectionPolicyRule.md), not from passage's planner:
 * - the rule must exist (Identity: name, DN or GUID); the ATP cmdlet exists only with Defender for
 *   Office 365 (the rules "for Defender for Office 365 protections");
 * - each recipient parameter replaces its whole list; $null clears it (Example 2 / Example 1);
 * - SentTo / ExceptIfSentTo name recipients, SentToMemberOf / ExceptIfSentToMemberOf groups, which
 *   must resolve like any RecipientIdParameter; RecipientDomainIs / ExceptIfRecipientDomainIs take
 *   domains (the sandbox accepts the organisation's accepted domains, as for the other rules);
 * - Name at most 64 characters, Comments at most 1024; Priority "You must use the default value"
 *   (Strict 0, Standard 1).
 * Writers: as the other security policy rule cmdlets (rbac.ts, scope 'security'). What the pages
 * do not say: whether changing one kind's rule changes the other's; the sandbox changes only the
 * rule named (UNCONFIRMED).
 */
import type { PresetRule } from '../../core/model/preset.js'
import { alreadyExists, invalidValue } from './errors.js'
import { findOne } from './objects.js'
import { P, type BoundParams } from './params.js'
import type { CmdletDef, Ctx } from './types.js'
import { checkGroups, checkLength, checkRecipientDomains, checkSentTo } from './validate.js'

const RECIPIENT_LISTS = [
  'SentTo',
  'SentToMemberOf',
  'RecipientDomainIs',
  'ExceptIfSentTo',
  'ExceptIfSentToMemberOf',
  'ExceptIfRecipientDomainIs',
] as const

/** The default Priority of a preset's rule (Set-EOPProtectionPolicyRule.md, -Priority). */
const DEFAULT_PRIORITY: Record<PresetRule['Preset'], number> = { Strict: 0, Standard: 1 }

function rulesOf(ctx: Ctx, kind: PresetRule['Kind']): PresetRule[] {
  return ctx.snapshot.presets.filter((r) => r.Kind === kind)
}

/** Refuses what the cmdlet pages refuse, before anything is written. */
function validate(ctx: Ctx, kind: PresetRule['Kind'], rule: PresetRule, p: BoundParams): void {
  const name = p.str('Name')
  if (name !== undefined) {
    checkLength(name, 64)
    if (
      rulesOf(ctx, kind).some(
        (r) => r !== rule && r.Name.toLowerCase() === name.trim().toLowerCase(),
      )
    )
      throw alreadyExists('rule', name)
  }
  checkLength(p.str('Comments'), 1024)
  const priority = p.int('Priority')
  if (priority !== undefined && priority !== DEFAULT_PRIORITY[rule.Preset])
    throw invalidValue(
      `The priority of the ${rule.Preset} preset security policy rule must be its default value, ${DEFAULT_PRIORITY[rule.Preset]}.`,
    )
  const list = (f: (typeof RECIPIENT_LISTS)[number]) => (p.has(f) ? (p.strs(f) ?? []) : [])
  checkSentTo(ctx.snapshot, [...list('SentTo'), ...list('ExceptIfSentTo')])
  checkGroups(ctx.snapshot, [...list('SentToMemberOf'), ...list('ExceptIfSentToMemberOf')])
  checkRecipientDomains(ctx.snapshot, [
    ...list('RecipientDomainIs'),
    ...list('ExceptIfRecipientDomainIs'),
  ])
}

function presetSet(name: string, kind: PresetRule['Kind'], mdoOnly: boolean): CmdletDef {
  return {
    name,
    write: true,
    scope: 'security',
    ...(mdoOnly ? { mdoOnly: true } : {}),
    params: [
      P.identity(true),
      P.str('Comments'),
      P.str('Name'),
      P.int('Priority'),
      ...RECIPIENT_LISTS.map((f) => P.strs(f)),
    ],
    run(ctx, p) {
      const rule = findOne(rulesOf(ctx, kind), p.req('Identity'))
      validate(ctx, kind, rule, p)
      // Each list given replaces the rule's list; null clears it.
      for (const f of RECIPIENT_LISTS) if (p.has(f)) rule[f] = [...(p.strs(f) ?? [])]
      const newName = p.str('Name')
      if (newName !== undefined) rule.Name = newName.trim()
    },
  }
}

/** The preset rules' Set- cmdlets (the ATP one with Defender only). */
export const PRESET_RULE_CMDLETS: CmdletDef[] = [
  presetSet('Set-EOPProtectionPolicyRule', 'EOP', false),
  presetSet('Set-ATPProtectionPolicyRule', 'ATP', true),
]
