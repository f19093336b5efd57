/**
 * The plan's word on recipients that preset security policies cover: who stays unchanged by the
 * planned policy changes and why, and what Microsoft allows for them, each a separate choice with
 * its risk (defender-docs preset-security-policies.md). The preset's own settings cannot be changed;
 * taking people out of a preset (its rule's exceptions) is planned only when the admin names the
 * preset (Choices `presetExceptions`, `--preset-exception` on the CLI): never by a mode or recipe,
 * always high risk (core/mechanisms/preset-exception.ts).
 */
// ms-rule: plan.preset.options
// ms-rule: plan.preset.exception
import type { Change } from '../change.js'
import { PassageError } from '../errors/index.js'
import {
  exceptionLists,
  mechanismOf,
  PRESET_EXCEPTION_RISK,
  presetExceptionDraft,
  presetRuleObject,
  presetsCoveringSome,
  unchangedWords,
  vendorSenderDomains,
  type Draft,
  type PlanContext,
  type PresetCover,
} from '../mechanisms/index.js'
import type { RecipientScope } from '../model/common.js'
import type { PresetRule } from '../model/preset.js'
import type {
  Choices,
  PlannedProtection,
  PresetCoverageNote,
  PresetName,
  PresetOption,
} from '../plan-format.js'
import { renderCall } from '../powershell/render.js'
import { protectionDef } from '../protections/definitions.js'
import type { ProtectionId } from '../protections/ids.js'
import { applyUpdate, surfaceOf } from '../surfaces/index.js'
import type { Refusals } from './diagnostics.js'

/** The preset's page in the Defender portal. */
function portalPath(c: PresetCover, page: string): string {
  return `Microsoft Defender portal > Email & collaboration > Policies & rules > Threat policies > Preset security policies > ${c.preset} protection > Manage protection settings > ${page}`
}

/**
 * The PowerShell of the exception change: what the plan's change sends (Set-EOPProtectionPolicyRule
 * / Set-ATPProtectionPolicyRule with each edited exception list whole), or null when there is
 * nothing to add.
 */
function exceptionScript(draft: Draft | null): string | null {
  if (!draft) return null
  const basis = {
    ...draft,
    id: 'preview',
    calls: [],
    risk: PRESET_EXCEPTION_RISK,
    limits: [],
    baselines: [],
    dependsOn: [],
  }
  return surfaceOf('preset-rule').calls(basis).map(renderCall).join('\n')
}

// What each rule governs (defender-docs preset-security-policies.md, "Policies in preset security
// policies"): the EOP rule the anti-spam, anti-malware and anti-phishing spoof settings; the
// Defender rule the Defender anti-phishing policy (impersonation, mailbox intelligence, phishing
// thresholds), Safe Links and Safe Attachments.
/** Taking the covered recipients out of the preset (Microsoft's own advice for custom settings). */
function exception(
  ctx: PlanContext,
  c: PresetCover,
  draft: Draft | null,
  change: Change | undefined,
): PresetOption {
  const page =
    c.kind === 'EOP'
      ? 'Apply Exchange Online Protection'
      : 'Apply Defender for Office 365 protection'
  return {
    id: 'preset-exception',
    title: `Take ${c.who} out of the ${c.preset} preset's ${c.kind === 'EOP' ? 'Exchange Online Protection' : 'Defender for Office 365'} protection`,
    risk: 'high',
    consequence: `They lose the ${c.preset} preset's ${c.kind === 'EOP' ? 'anti-spam, anti-malware and spoof' : 'impersonation, Safe Links and Safe Attachments'} protection for all their mail, not only ${ctx.vendor.name}'s: your custom or default policies then apply to them, with this plan's changes. Only the preset's ${c.kind === 'EOP' ? 'Exchange Online Protection' : 'Defender for Office 365'} rule changes; Microsoft's pages say nothing about keeping its other rule in step, so check both in the portal.`,
    portal: `${portalPath(c, page)} > Exclude these recipients`,
    powershell: exceptionScript(draft),
    chosen: change !== undefined,
    ...(change ? { changeId: change.id } : {}),
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
    chosen: false,
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

/** One preset of a kind that covers some recipients of the planned policy changes. */
interface Covered {
  kind: 'EOP' | 'ATP'
  cover: PresetCover
  rule: PresetRule | undefined
  protections: ProtectionId[]
  /** The mechanism the first of those protections is planned with. */
  mechanism: PlannedProtection['mechanism']
}

/** The presets that keep some recipients out of the planned policy changes, by kind. */
function covered(ctx: PlanContext, planned: readonly PlannedProtection[]): Covered[] {
  const out: Covered[] = []
  for (const kind of ['EOP', 'ATP'] as const) {
    const mine = planned.filter((p) => mechanismOf(p.mechanism).presetKind === kind)
    const protections = [...new Set(mine.map((p) => p.protection))]
    const first = mine[0]
    if (!first) continue
    for (const cover of presetsCoveringSome(ctx, kind)) {
      const rule = ctx.snapshot.presets.find(
        (p) => p.Kind === kind && p.Name === cover.rule && p.State === 'Enabled',
      )
      // A preset whose exceptions already take out everyone it names leaves nobody unchanged.
      if (rule && hasConditions(rule) && !Object.keys(exceptionLists(rule)).length) continue
      out.push({ kind, cover, rule, protections, mechanism: first.mechanism })
    }
  }
  return out
}

/** True when a rule names whom it covers (users, groups or domains), not everyone. */
function hasConditions(rule: PresetRule): boolean {
  return rule.SentTo.length + rule.SentToMemberOf.length + rule.RecipientDomainIs.length > 0
}

const draftOf = (c: Covered) =>
  c.rule ? presetExceptionDraft(c.cover, c.rule, c.protections, c.mechanism) : null

/** Parses preset names as the admin gives them (`standard`, `Strict`); unknown ones are refused. */
export function parsePresetNames(items: readonly string[]): PresetName[] {
  return items.map((raw) => {
    const v = raw.trim().toLowerCase()
    if (v === 'standard') return 'Standard'
    if (v === 'strict') return 'Strict'
    throw new PassageError('PASSAGE_E_INPUT', `Unknown preset '${raw}'.`, {
      hint: 'Presets: standard, strict (the Standard and Strict preset security policies).',
    })
  })
}

/**
 * The drafts that take the named presets' recipients out of them (Choices `presetExceptions`),
 * appended after the plan's other changes. A named preset that keeps nobody out of this plan's
 * changes is refused: there is nobody to take out.
 */
export function presetExceptionDrafts(
  ctx: PlanContext,
  planned: readonly PlannedProtection[],
  choices: Choices,
  refusals: Refusals,
): Draft[] {
  const wanted = [...new Set(choices.presetExceptions ?? [])]
  if (!wanted.length) return []
  const all = covered(ctx, planned)
  const out: Draft[] = []
  for (const preset of wanted) {
    const mine = all.filter((c) => c.cover.preset === preset)
    const drafts = mine.map(draftOf).filter((d): d is Draft => d !== null)
    if (!drafts.length)
      refusals.add(
        new PassageError(
          'PASSAGE_E_INPUT',
          `The ${preset} preset has nobody passage can take out of it for this plan: it keeps nobody out of this plan's changes, or it names no users, groups or domains to add to its exceptions (it covers everyone else; turning it off is not something passage does).`,
          {
            hint: 'Ask for a preset exception only for a preset the plan names as leaving recipients unchanged.',
          },
        ),
      )
    out.push(...drafts)
  }
  return out
}

/** The plan's changes with the preset exceptions' own risk (high, whatever mechanism they serve). */
export function withPresetRisk(changes: readonly Change[]): Change[] {
  return changes.map((c) =>
    c.surface === 'preset-rule' ? { ...c, risk: PRESET_EXCEPTION_RISK } : c,
  )
}

/** The change that takes a covered preset's recipients out, when the plan makes it. */
function changeFor(c: Covered, changes: readonly Change[]): Change | undefined {
  return changes.find(
    (x) =>
      x.surface === 'preset-rule' &&
      x.target === surfaceOf('preset-rule').key({ Kind: c.kind, Name: c.cover.rule }),
  )
}

/**
 * For each preset that covers some recipients of a planned policy change: who it covers, the
 * planned protections that do not reach them, and the options Microsoft gives for them (the
 * exception marked chosen when the plan makes it).
 */
export function presetNotes(
  ctx: PlanContext,
  planned: readonly PlannedProtection[],
  changes: readonly Change[] = [],
): PresetCoverageNote[] {
  const out: PresetCoverageNote[] = []
  for (const c of covered(ctx, planned)) {
    const { kind, cover, rule, protections } = c
    const change = changeFor(c, changes)
    const options: PresetOption[] = []
    if (rule) options.push(exception(ctx, cover, draftOf(c), change))
    const trusted = protections.includes('impersonation') ? trustedSender(ctx, cover) : null
    if (trusted) options.push(trusted)
    const titles = protections.map((p) => protectionDef(p).title.toLowerCase()).join(', ')
    // Check compares the preset's scope with the one recorded here: after the chosen exception.
    const scoped =
      change && rule ? (applyUpdate(presetRuleObject(rule), change) as unknown as PresetRule) : rule
    out.push({
      preset: cover.preset,
      kind,
      scope: scopeOf(scoped),
      who: cover.who,
      recipients: cover.recipients,
      protections,
      why: change
        ? `The ${cover.preset} preset covers them, and preset security policies win over the custom and default policies this plan changes (${titles}). You chose to take them out of the preset, so they get the change too.`
        : `The ${cover.preset} preset covers them, and preset security policies win over the custom and default policies this plan changes (${titles}); Microsoft does not let preset settings be changed. Everyone else gets the change.`,
      options,
    })
  }
  return out
}

/**
 * The planned protections with `unchangedFor` naming only the presets still keeping people out:
 * a preset the admin chose to take its people out of no longer does.
 */
export function withExceptedReach(
  ctx: PlanContext,
  planned: readonly PlannedProtection[],
  changes: readonly Change[],
): PlannedProtection[] {
  if (!changes.some((c) => c.surface === 'preset-rule')) return [...planned]
  const key = surfaceOf('preset-rule').key
  return planned.map((p) => {
    const kind = mechanismOf(p.mechanism).presetKind
    if (!p.unchangedFor || !kind) return p
    const left = presetsCoveringSome(ctx, kind).filter(
      (c) =>
        !changes.some(
          (x) => x.surface === 'preset-rule' && x.target === key({ Kind: kind, Name: c.rule }),
        ),
    )
    const { unchangedFor: _dropped, ...rest } = p
    return left.length ? { ...rest, unchangedFor: unchangedWords(left) } : rest
  })
}

/** The plan's `presets` field: present only when a preset keeps someone out of a planned change. */
export function presetsOf(
  ctx: PlanContext,
  planned: readonly PlannedProtection[],
  changes: readonly Change[] = [],
): { presets?: PresetCoverageNote[] } {
  const notes = presetNotes(ctx, planned, changes)
  return notes.length ? { presets: notes } : {}
}
