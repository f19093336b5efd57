/** Organisation read-only cmdlets: accepted domains and the preset security policy rules. */
import type { PresetRule } from '../../core/model/preset.js'
import { present, selectByIdentity } from './objects.js'
import { P } from './params.js'
import type { CmdletDef, Ctx } from './types.js'

function presetRules(ctx: Ctx, kind: PresetRule['Kind']) {
  return ctx.snapshot.presets.filter((r) => r.Kind === kind)
}

function presetGet(name: string, kind: PresetRule['Kind'], mdoOnly: boolean): CmdletDef {
  return {
    name,
    write: false,
    scope: 'security',
    ...(mdoOnly ? { mdoOnly: true } : {}),
    params: [
      P.identity(false),
      P.enum('State', 'Microsoft.Exchange.Management.Tasks.RuleState', ['Enabled', 'Disabled']),
    ],
    run: (ctx, p) =>
      selectByIdentity(presetRules(ctx, kind), p.str('Identity'))
        .filter((r) => !p.has('State') || r.State === p.str('State'))
        .map((r) => present(r, r.Name)),
  }
}

/** Get-AcceptedDomain, Get-EOPProtectionPolicyRule and Get-ATPProtectionPolicyRule (Defender). */
export const ORGANIZATION_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-AcceptedDomain',
    write: false,
    scope: 'exchange',
    params: [P.identity(false)],
    run: (ctx, p) =>
      selectByIdentity(
        ctx.snapshot.acceptedDomains.map((d) => ({ ...d, Name: d.DomainName })),
        p.str('Identity'),
      ).map((d) => present(d, d.DomainName)),
  },
  presetGet('Get-EOPProtectionPolicyRule', 'EOP', false),
  presetGet('Get-ATPProtectionPolicyRule', 'ATP', true),
]
