/** Get/Set-SafeAttachmentPolicy and Get-SafeAttachmentRule: Defender only (reference §3.6). */
import type { SafeAttachmentRule } from '../../core/model/safe-attachments.js'
import { invalidValue } from './errors.js'
import { findOne, present, selectByIdentity } from './objects.js'
import { P, type ParamSpec } from './params.js'
import { applyFields, getRuleCmdlet, refuseBuiltIn, type RuleFamily } from './policy-common.js'
import type { CmdletDef, Ctx } from './types.js'
import { checkLength, checkQuarantineTag, isAddress } from './validate.js'

const SETTINGS: ParamSpec[] = [
  P.str('AdminDisplayName'),
  P.bool('Enable'),
  P.enum('Action', 'Microsoft.Exchange.Data.SafeAttachmentAction', [
    'Block',
    'Allow',
    'DynamicDelivery',
  ]),
  P.str('QuarantineTag'),
  P.bool('Redirect'),
  P.str('RedirectAddress'),
]

const state = (ctx: Ctx) => ctx.snapshot.state.safeAttachments ?? { policies: [], rules: [] }

const family: RuleFamily<SafeAttachmentRule> = {
  noun: 'SafeAttachmentRule',
  policyField: 'SafeAttachmentPolicy',
  scope: 'security',
  mdoOnly: true,
  rules: (ctx) => state(ctx).rules,
  policies: (ctx) => state(ctx).policies,
}

/** The Safe Attachments cmdlets. */
export const SAFE_ATTACHMENT_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-SafeAttachmentPolicy',
    write: false,
    scope: 'security',
    mdoOnly: true,
    params: [P.identity(false)],
    run: (ctx, p) =>
      selectByIdentity(state(ctx).policies, p.str('Identity')).map((o) => present(o, o.Name)),
  },
  {
    name: 'Set-SafeAttachmentPolicy',
    write: true,
    scope: 'security',
    mdoOnly: true,
    params: [P.identity(), ...SETTINGS],
    run(ctx, p) {
      const policy = findOne(state(ctx).policies, p.req('Identity'))
      refuseBuiltIn(policy)
      applyFields(policy, p, SETTINGS)
      checkLength(policy.AdminDisplayName, 256)
      checkQuarantineTag(ctx.snapshot, policy.QuarantineTag)
      // Redirect applies only to Action Allow (Monitor), and needs an address (reference §3.6).
      if (policy.Redirect && policy.Action !== 'Allow')
        throw invalidValue('Redirect can be used only when Action is Allow.')
      if (policy.Redirect && !(policy.RedirectAddress && isAddress(policy.RedirectAddress)))
        throw invalidValue('RedirectAddress must be a valid SMTP address when Redirect is $true.')
    },
  },
  getRuleCmdlet(family),
]
