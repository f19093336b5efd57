/**
 * The plan's word on recipients that preset security policies cover: who stays unchanged by the
 * planned policy changes and why, and what Microsoft allows for them, each a separate choice with
 * its risk (defender-docs preset-security-policies.md). passage makes none of these changes: the
 * preset's own settings cannot be changed, and taking people out of a preset is the admin's call.
 */
// ms-rule: plan.preset.options
import {
  mechanismOf,
  presetsCoveringSome,
  vendorSenderDomains,
  type PlanContext,
  type PresetCover,
} from '../mechanisms/index.js'
import type { RecipientScope } from '../model/common.js'
import type { PresetRule } from '../model/preset.js'
import type { PlannedProtection, PresetCoverageNote, PresetOption } from '../plan-format.js'
import { protectionDef } from '../protections/definitions.js'
import type { ProtectionId } from '../protections/ids.js'

/** A PowerShell string literal. */
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`
const list = (xs: readonly string[]) => xs.map(quote).join(',')

/** The preset's page in the Defender portal. */
function portalPath(c: PresetCover, page: string): string {
  return `Microsoft Defender portal > Email & collaboration > Policies & rules > Threat policies > Preset security policies > ${c.preset} protection > Manage protection settings > ${page}`
}

/**
 * Set-EOPProtectionPolicyRule / Set-ATPProtectionPolicyRule adding the preset's own recipients to
 * its exceptions (a parameter replaces the whole list, so the exceptions it has are kept).
 */
function exceptionScript(c: PresetCover, rule: PresetRule): string | null {
  const cmdlet = c.kind === 'EOP' ? 'Set-EOPProtectionPolicyRule' : 'Set-ATPProtectionPolicyRule'
  const parts: string[] = []
  const add = (param: string, existing: readonly string[], extra: readonly string[]) => {
    if (!extra.length) return
    const all = [...new Set([...existing, ...extra])]
    parts.push(`-${param} ${list(all)}`)
  }
  add('ExceptIfSentTo', rule.ExceptIfSentTo, rule.SentTo)
  add('ExceptIfSentToMemberOf', rule.ExceptIfSentToMemberOf, rule.SentToMemberOf)
  add('ExceptIfRecipientDomainIs', rule.ExceptIfRecipientDomainIs, rule.RecipientDomainIs)
  return parts.length ? `${cmdlet} -Identity ${quote(c.rule)} ${parts.join(' ')}` : null
}

/** Taking the covered recipients out of the preset (Microsoft's own advice for custom settings). */
function exception(ctx: PlanContext, c: PresetCover, rule: PresetRule): PresetOption {
  const page =
    c.kind === 'EOP'
      ? 'Apply Exchange Online Protection'
      : 'Apply Defender for Office 365 protection'
  return {
    id: 'preset-exception',
    title: `Take ${c.who} out of the ${c.preset} preset's ${c.kind === 'EOP' ? 'Exchange Online Protection' : 'Defender for Office 365'} protection`,
    risk: 'high',
    consequence: `They lose the ${c.preset} preset's ${c.kind === 'EOP' ? 'anti-spam, anti-phishing and anti-malware' : 'Safe Links, Safe Attachments and impersonation'} protection for all their mail, not only ${ctx.vendor.name}'s: your custom or default policies then apply to them, with this plan's changes.`,
    portal: `${portalPath(c, page)} > Exclude these recipients`,
    powershell: exceptionScript(c, rule),
  }
}

/** Trusting the vendor's domains in the preset's impersonation settings (portal only). */
function trustedSender(ctx: PlanContext, c: PresetCover): PresetOption | null {
  const domains = vendorSenderDomains(ctx)
  if (c.kind !== 'ATP' || !domains.length) return null
  return {
    id: 'preset-trusted-sender',
    title: `Trust ${domains.join(', ')} in the ${c.preset} preset's impersonation settings`,
    risk: mechanismOf('impersonation-exclusion').def.risk,
    consequence: `Mail from these domains is no longer flagged as impersonation for ${c.who}; every other filter still applies.`,
    portal: portalPath(c, 'Add trusted email addresses and domains to not flag as impersonation'),
    // Microsoft warns against changing a preset's own policies in PowerShell: portal only.
    powershell: null,
  }
}

/** A preset rule's recipient conditions and exceptions, as the plan records them. */
function scopeOf(rule: PresetRule | undefined): RecipientScope {
  return {
    SentTo: [...(rule?.SentTo ?? [])],
    SentToMemberOf: [...(rule?.SentToMemberOf ?? [])],
    RecipientDomainIs: [...(rule?.RecipientDomainIs ?? [])],
    ExceptIfSentTo: [...(rule?.ExceptIfSentTo ?? [])],
    ExceptIfSentToMemberOf: [...(rule?.ExceptIfSentToMemberOf ?? [])],
    ExceptIfRecipientDomainIs: [...(rule?.ExceptIfRecipientDomainIs ?? [])],
  }
}

/**
 * For each preset that covers some recipients of a planned policy change: who it covers, the
 * planned protections that do not reach them, and the options Microsoft gives for them.
 */
export function presetNotes(
  ctx: PlanContext,
  planned: readonly PlannedProtection[],
): PresetCoverageNote[] {
  const out: PresetCoverageNote[] = []
  for (const kind of ['EOP', 'ATP'] as const) {
    const protections = [
      ...new Set(
        planned
          .filter((p) => mechanismOf(p.mechanism).presetKind === kind)
          .map((p) => p.protection),
      ),
    ] as ProtectionId[]
    if (!protections.length) continue
    for (const c of presetsCoveringSome(ctx, kind)) {
      const rule = ctx.snapshot.presets.find(
        (p) => p.Kind === kind && p.Name === c.rule && p.State === 'Enabled',
      )
      const options: PresetOption[] = []
      if (rule) options.push(exception(ctx, c, rule))
      const trusted = protections.includes('impersonation') ? trustedSender(ctx, c) : null
      if (trusted) options.push(trusted)
      const titles = protections.map((p) => protectionDef(p).title.toLowerCase()).join(', ')
      out.push({
        preset: c.preset,
        kind,
        scope: scopeOf(rule),
        who: c.who,
        recipients: c.recipients,
        protections,
        why: `The ${c.preset} preset covers them, and preset security policies win over the custom and default policies this plan changes (${titles}); Microsoft does not let preset settings be changed. Everyone else gets the change.`,
        options,
      })
    }
  }
  return out
}

/** The plan's `presets` field: present only when a preset keeps someone out of a planned change. */
export function presetsOf(
  ctx: PlanContext,
  planned: readonly PlannedProtection[],
): { presets?: PresetCoverageNote[] } {
  const notes = presetNotes(ctx, planned)
  return notes.length ? { presets: notes } : {}
}
