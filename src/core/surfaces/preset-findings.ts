import type { Change } from '../change.js'
import type { Finding, VerifyContext } from './surface.js'

/**
 * A policy change that an enabled preset security policy overrides for the recipients it covers:
 * presets win over custom and default policies (defender-docs, preset-security-policies.md,
 * "Order of precedence for preset security policies and other policies").
 */
export function presetFindings(kind: 'EOP' | 'ATP', change: Change, ctx: VerifyContext): Finding[] {
  return ctx.snapshot.presets
    .filter((p) => p.Kind === kind && p.State === 'Enabled')
    .map((p) => {
      const scope = [...p.SentTo, ...p.SentToMemberOf, ...p.RecipientDomainIs]
      return {
        changeId: change.id,
        target: change.target,
        problem: `The ${p.Preset} preset policy overrides '${change.target}' for ${scope.length ? scope.join(', ') : 'everyone it covers'}`,
        diagnosis:
          'Preset security policies win over custom and default policies: the recipients they cover do not get this change.',
        fix: 'Use a mechanism presets do not override (a Tenant Allow/Block List entry or a scoped mail flow rule), or exclude these recipients from the preset.',
      }
    })
}
