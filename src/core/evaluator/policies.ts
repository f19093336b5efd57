import { AntiPhishPolicy } from '../model/anti-phish.js'
import { AntiSpamPolicy } from '../model/anti-spam.js'
import type { PolicyRule } from '../model/common.js'
import type { MalwareFilterPolicy } from '../model/malware-filter.js'
import { hasDefender } from '../model/licence.js'
import type { PresetRule } from '../model/preset.js'
import { SafeAttachmentPolicy } from '../model/safe-attachments.js'
import { SafeLinksPolicy } from '../model/safe-links.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { matchRecipientScope } from './match.js'
import {
  microsoftMalwarePolicy,
  presetAntiPhish,
  presetAntiSpam,
  presetMalware,
  presetSafeAttachments,
  presetSafeLinks,
  type PresetLevel,
} from './presets.js'
import { obj, type Trace } from './trace.js'
import type { ObjectKind, TraceObject } from './types.js'

/** Where the policy that applies came from (reference §4.2). */
export type PolicySource = 'strict-preset' | 'standard-preset' | 'custom' | 'default' | 'built-in'

/** The policy of one type that applies to a recipient. */
export interface Selected<P> {
  policy: P
  object: TraceObject
  source: PolicySource
  preset: PresetLevel | null
}

/** Every policy that applies to one recipient. */
export interface PolicySet {
  antiSpam: Selected<AntiSpamPolicy>
  /** Anti-phishing for spoof and DMARC (EOP preset rules decide). */
  antiPhish: Selected<AntiPhishPolicy>
  /** Anti-phishing for impersonation (Defender; ATP preset rules decide), null without Defender. */
  impersonation: Selected<AntiPhishPolicy> | null
  safeLinks: Selected<SafeLinksPolicy> | null
  safeAttachments: Selected<SafeAttachmentPolicy> | null
}

/** The preset rule (Strict first, then Standard) of a kind that covers the recipient, if any. */
function presetFor(
  snapshot: TenantSnapshot,
  kind: 'EOP' | 'ATP',
  recipient: string,
  trace: Trace,
): PresetRule | null {
  for (const level of ['Strict', 'Standard'] as const) {
    const rules = snapshot.presets
      .filter((p) => p.Kind === kind && p.Preset === level)
      .sort((a, b) => a.Priority - b.Priority)
    for (const rule of rules) {
      if (rule.State !== 'Enabled') continue
      const m = matchRecipientScope(rule, recipient, snapshot)
      noteUnknownGroups(trace, m.unknownGroups, obj('preset', rule.Name))
      if (m.matched) return rule
    }
  }
  return null
}

function noteUnknownGroups(trace: Trace, groups: string[], object: TraceObject): void {
  if (groups.length)
    trace.uncertain(
      'policy-selection',
      `Group membership unknown for ${groups.join(', ')}`,
      object,
      'The snapshot’s directory does not list these groups; the recipient is treated as not a member',
    )
}

/** The first enabled custom rule (by priority) that covers the recipient and links an existing policy. */
function customFor<P extends { Name: string }, R extends PolicyRule>(
  policies: readonly P[],
  rules: readonly R[],
  link: (r: R) => string,
  recipient: string,
  snapshot: TenantSnapshot,
  trace: Trace,
  kind: ObjectKind,
): { policy: P; rule: R; why: string } | null {
  for (const rule of [...rules].sort((a, b) => a.Priority - b.Priority)) {
    if (rule.State !== 'Enabled') continue
    const m = matchRecipientScope(rule, recipient, snapshot)
    noteUnknownGroups(trace, m.unknownGroups, obj(kind, rule.Name))
    if (!m.matched) continue
    const policy = policies.find((p) => p.Name.toLowerCase() === link(rule).toLowerCase())
    if (!policy) {
      trace.uncertain(
        'policy-selection',
        `Rule '${rule.Name}' covers the recipient but its policy '${link(rule)}' is not in the snapshot`,
        obj(kind, rule.Name),
        'Skipped; the snapshot may be incomplete',
      )
      continue
    }
    if (!rule.SentTo.length && !rule.SentToMemberOf.length && !rule.RecipientDomainIs.length)
      trace.uncertain(
        'policy-selection',
        `Rule '${rule.Name}' has no recipient condition; treated as covering everyone`,
        obj(kind, rule.Name),
        'Exchange requires at least one recipient condition on a policy rule',
      )
    return { policy, rule, why: m.why }
  }
  return null
}

function pick<P extends { Name: string }, R extends PolicyRule>(args: {
  label: string
  kind: ObjectKind
  presetKind: 'EOP' | 'ATP'
  fromPreset: (level: PresetLevel, name: string) => P
  policies: readonly P[]
  rules: readonly R[]
  link: (r: R) => string
  fallback: () => { policy: P; source: 'default' | 'built-in'; synthesised: boolean }
  snapshot: TenantSnapshot
  recipient: string
  trace: Trace
}): Selected<P> {
  const { snapshot, recipient, trace, label, kind } = args
  const preset = presetFor(snapshot, args.presetKind, recipient, trace)
  if (preset) {
    const level = preset.Preset
    trace.step(
      'policy-selection',
      `${label}: the ${level} preset applies`,
      obj('preset', preset.Name),
      'Preset security policies win over custom and default policies; settings are never merged',
    )
    return {
      policy: args.fromPreset(level, preset.Name),
      object: obj('preset', preset.Name),
      source: level === 'Strict' ? 'strict-preset' : 'standard-preset',
      preset: level,
    }
  }
  const custom = customFor(args.policies, args.rules, args.link, recipient, snapshot, trace, kind)
  if (custom) {
    trace.step(
      'policy-selection',
      `${label}: custom policy '${custom.policy.Name}' applies (rule '${custom.rule.Name}', priority ${custom.rule.Priority}: ${custom.why})`,
      obj(kind, custom.policy.Name),
    )
    return {
      policy: custom.policy,
      object: obj(kind, custom.policy.Name),
      source: 'custom',
      preset: null,
    }
  }
  const fb = args.fallback()
  const decision = `${label}: the ${fb.source === 'built-in' ? 'Built-in protection' : 'default'} policy '${fb.policy.Name}' applies`
  if (fb.synthesised)
    trace.uncertain(
      'policy-selection',
      decision,
      obj(kind, fb.policy.Name),
      'The snapshot lists no such policy; Microsoft’s defaults are assumed',
    )
  else
    trace.step(
      'policy-selection',
      decision,
      obj(kind, fb.policy.Name),
      'No preset or custom policy covers the recipient',
    )
  return { policy: fb.policy, object: obj(kind, fb.policy.Name), source: fb.source, preset: null }
}

/**
 * Selects, for one recipient, the policy of each type that applies: Strict preset, Standard preset,
 * then custom policies by rule priority (0 first, disabled rules skipped), then the default or
 * Built-in protection policy (reference §4.2). Only the first match applies.
 */
export function selectPolicies(
  snapshot: TenantSnapshot,
  recipient: string,
  trace: Trace,
): PolicySet {
  const s = snapshot.state
  const common = { snapshot, recipient, trace }
  const antiSpam = pick({
    ...common,
    label: 'Anti-spam',
    kind: 'anti-spam-policy',
    presetKind: 'EOP',
    fromPreset: (l, n) => presetAntiSpam(l, n),
    policies: s.antiSpam.policies,
    rules: s.antiSpam.rules,
    link: (r) => r.HostedContentFilterPolicy,
    fallback: () => {
      const d = s.antiSpam.policies.find((p) => p.IsDefault)
      return d
        ? { policy: d, source: 'default', synthesised: false }
        : {
            policy: AntiSpamPolicy.parse({ Name: 'Default', IsDefault: true }),
            source: 'default',
            synthesised: true,
          }
    },
  })
  const phishFallback = () => {
    const d = s.antiPhish.policies.find((p) => p.IsDefault)
    return d
      ? { policy: d, source: 'default' as const, synthesised: false }
      : {
          policy: AntiPhishPolicy.parse({ Name: 'Office365 AntiPhish Default', IsDefault: true }),
          source: 'default' as const,
          synthesised: true,
        }
  }
  const phishArgs = {
    ...common,
    kind: 'anti-phish-policy' as const,
    fromPreset: (l: PresetLevel, n: string) => presetAntiPhish(l, n),
    policies: s.antiPhish.policies,
    rules: s.antiPhish.rules,
    link: (r: (typeof s.antiPhish.rules)[number]) => r.AntiPhishPolicy,
    fallback: phishFallback,
  }
  const antiPhish = pick({ ...phishArgs, label: 'Anti-phishing (spoof)', presetKind: 'EOP' })
  const defender = hasDefender(snapshot.licence)
  const impersonation = defender
    ? pick({ ...phishArgs, label: 'Anti-phishing (impersonation)', presetKind: 'ATP' })
    : null

  let safeLinks: Selected<SafeLinksPolicy> | null = null
  let safeAttachments: Selected<SafeAttachmentPolicy> | null = null
  if (defender) {
    const sl = s.safeLinks ?? { policies: [], rules: [] }
    safeLinks = pick({
      ...common,
      label: 'Safe Links',
      kind: 'safe-links-policy',
      presetKind: 'ATP',
      fromPreset: (_l, n) => presetSafeLinks(n),
      policies: sl.policies,
      rules: sl.rules,
      link: (r) => r.SafeLinksPolicy,
      fallback: () => {
        const b = sl.policies.find((p) => p.IsBuiltInProtection)
        return b
          ? { policy: b, source: 'built-in', synthesised: false }
          : {
              policy: SafeLinksPolicy.parse({
                Name: 'Built-In Protection Policy',
                IsBuiltInProtection: true,
              }),
              source: 'built-in',
              synthesised: true,
            }
      },
    })
    const sa = s.safeAttachments ?? { policies: [], rules: [] }
    safeAttachments = pick({
      ...common,
      label: 'Safe Attachments',
      kind: 'safe-attachments-policy',
      presetKind: 'ATP',
      fromPreset: (_l, n) => presetSafeAttachments(n),
      policies: sa.policies,
      rules: sa.rules,
      link: (r) => r.SafeAttachmentPolicy,
      fallback: () => {
        const b = sa.policies.find((p) => p.IsBuiltInProtection)
        return b
          ? { policy: b, source: 'built-in', synthesised: false }
          : {
              policy: SafeAttachmentPolicy.parse({
                Name: 'Built-In Protection Policy',
                IsBuiltInProtection: true,
                Enable: true,
              }),
              source: 'built-in',
              synthesised: true,
            }
      },
    })
  } else {
    trace.step(
      'policy-selection',
      'No Defender for Office 365: no Safe Links, Safe Attachments or impersonation protection',
      null,
    )
  }
  return { antiSpam, antiPhish, impersonation, safeLinks, safeAttachments }
}

/**
 * Selects, for one recipient, the anti-malware policy in force: Strict preset, Standard preset,
 * then custom policies by their rule's priority (enabled rules only), then the Default policy
 * (defender-docs anti-malware-protection-about.md, "Priority of anti-malware policies"). Anti-malware
 * is part of the EOP presets. Separate from selectPolicies so that a message the anti-malware policy
 * cannot affect keeps its trace unchanged.
 */
export function selectMalwarePolicy(
  snapshot: TenantSnapshot,
  recipient: string,
  trace: Trace,
): Selected<MalwareFilterPolicy> {
  const m = snapshot.state.malware
  return pick({
    snapshot,
    recipient,
    trace,
    label: 'Anti-malware',
    kind: 'anti-malware-policy',
    presetKind: 'EOP',
    fromPreset: (_l, n) => presetMalware(n),
    policies: m.policies,
    rules: m.rules,
    link: (r) => r.MalwareFilterPolicy,
    fallback: () => {
      const d = m.policies.find((p) => p.IsDefault)
      return d
        ? { policy: d, source: 'default', synthesised: false }
        : { policy: microsoftMalwarePolicy('Default', true), source: 'default', synthesised: true }
    },
  })
}
