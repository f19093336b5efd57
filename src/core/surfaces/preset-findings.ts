import type { Change } from '../change.js'
import type { RecipientScope } from '../model/common.js'
import type { DeclaredPreset, Finding, VerifyContext } from './surface.js'

const SCOPE_KEYS = [
  'SentTo',
  'SentToMemberOf',
  'RecipientDomainIs',
  'ExceptIfSentTo',
  'ExceptIfSentToMemberOf',
  'ExceptIfRecipientDomainIs',
] as const

/** The same recipient scope (values compared without case or order). */
function sameScope(a: Partial<RecipientScope>, b: Partial<RecipientScope>): boolean {
  const norm = (xs: readonly string[] | undefined) =>
    JSON.stringify([...(xs ?? [])].map((x) => x.toLowerCase()).sort())
  return SCOPE_KEYS.every((k) => norm(a[k]) === norm(b[k]))
}

/** True when the plan already said this preset, scoped as it is now, leaves its recipients out. */
function declared(p: DeclaredPreset & RecipientScope, ctx: VerifyContext): boolean {
  return (ctx.declaredPresets ?? []).some(
    (d) => d.kind === p.kind && d.preset === p.preset && sameScope(d.scope, p),
  )
}

/**
 * A policy change that an enabled preset security policy overrides for the recipients it covers:
 * presets win over custom and default policies (defender-docs, preset-security-policies.md,
 * "Order of precedence for preset security policies and other policies").
 */
export function presetFindings(kind: 'EOP' | 'ATP', change: Change, ctx: VerifyContext): Finding[] {
  return (
    ctx.snapshot.presets
      .filter((p) => p.Kind === kind && p.State === 'Enabled')
      // A preset the plan named as covering some recipients, still scoped so, is what was planned.
      .filter((p) => !declared({ ...p, kind: p.Kind, preset: p.Preset, scope: p }, ctx))
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
  )
}
