/** Get/Set-AntiPhishPolicy and Get-AntiPhishRule (reference §3.7). */
import type { AntiPhishPolicy } from '../../core/model/anti-phish.js'
import { ANTI_PHISH } from './limits.js'
import { invalidValue } from './errors.js'
import { findOne, present, selectByIdentity } from './objects.js'
import { P, type ParamSpec } from './params.js'
import { applyFields, getRuleCmdlet, type RuleFamily } from './policy-common.js'
import type { CmdletDef, Ctx } from './types.js'
import { checkCount, checkDomains, checkLength, checkQuarantineTag } from './validate.js'

const ACTION = 'Microsoft.Exchange.Data.SpoofAuthenticationFailAction'
const IMPERSONATION = 'Microsoft.Exchange.Data.ImpersonationAction'
const IMPERSONATION_ACTIONS = [
  'NoAction',
  'MoveToJmf',
  'Redirect',
  'Quarantine',
  'Delete',
  'BccMessage',
]
const mdo = { mdoOnly: true }

/**
 * Set-AntiPhishPolicy's parameters. Impersonation and threshold settings exist only with Defender
 * (reference §3.7); `-Enabled` is reserved and left out (reference §3).
 */
const SETTINGS: ParamSpec[] = [
  P.str('AdminDisplayName'),
  P.bool('EnableSpoofIntelligence'),
  P.enum('AuthenticationFailAction', ACTION, ['MoveToJmf', 'Quarantine']),
  P.bool('HonorDmarcPolicy'),
  P.enum('DmarcQuarantineAction', ACTION, ['MoveToJmf', 'Quarantine']),
  P.enum('DmarcRejectAction', ACTION, ['Quarantine', 'Reject']),
  P.str('SpoofQuarantineTag'),
  P.int('PhishThresholdLevel', { min: 1, max: 4, ...mdo }),
  P.bool('EnableTargetedUserProtection', mdo),
  P.mvp('TargetedUsersToProtect', mdo),
  P.bool('EnableTargetedDomainsProtection', mdo),
  P.mvp('TargetedDomainsToProtect', mdo),
  P.bool('EnableOrganizationDomainsProtection', mdo),
  P.bool('EnableMailboxIntelligence', mdo),
  P.bool('EnableMailboxIntelligenceProtection', mdo),
  P.enum('TargetedUserProtectionAction', IMPERSONATION, IMPERSONATION_ACTIONS, mdo),
  P.enum('TargetedDomainProtectionAction', IMPERSONATION, IMPERSONATION_ACTIONS, mdo),
  P.enum('MailboxIntelligenceProtectionAction', IMPERSONATION, IMPERSONATION_ACTIONS, mdo),
  P.mvp('ExcludedSenders', mdo),
  P.mvp('ExcludedDomains', mdo),
]

const policies = (ctx: Ctx) => ctx.snapshot.state.antiPhish.policies

function validate(ctx: Ctx, policy: AntiPhishPolicy): void {
  checkLength(policy.AdminDisplayName, 256)
  checkQuarantineTag(ctx.snapshot, policy.SpoofQuarantineTag)
  checkCount('ExcludedSenders', policy.ExcludedSenders, ANTI_PHISH.maxExcludedEntries)
  checkCount('ExcludedDomains', policy.ExcludedDomains, ANTI_PHISH.maxExcludedEntries)
  checkDomains('ExcludedDomains', policy.ExcludedDomains)
  checkDomains('TargetedDomainsToProtect', policy.TargetedDomainsToProtect)
  // Entries are "DisplayName;address" (reference §3.7).
  for (const u of policy.TargetedUsersToProtect)
    if (!/^[^;]+;[^@\s;]+@[^@\s;]+$/.test(u))
      throw invalidValue(
        `'${u}' isn't a valid TargetedUsersToProtect entry. Use the format "DisplayName;EmailAddress".`,
      )
}

const family: RuleFamily<ReturnType<typeof rulesOf>[number]> = {
  noun: 'AntiPhishRule',
  policyField: 'AntiPhishPolicy',
  scope: 'security',
  rules: rulesOf,
  policies,
}
function rulesOf(ctx: Ctx) {
  return ctx.snapshot.state.antiPhish.rules
}

/** The anti-phishing cmdlets. */
export const ANTI_PHISH_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-AntiPhishPolicy',
    write: false,
    scope: 'security',
    params: [P.identity(false)],
    run: (ctx, p) =>
      selectByIdentity(policies(ctx), p.str('Identity')).map((o) => present(o, o.Name)),
  },
  {
    name: 'Set-AntiPhishPolicy',
    write: true,
    scope: 'security',
    params: [P.identity(), ...SETTINGS],
    run(ctx, p) {
      const policy = findOne(policies(ctx), p.req('Identity'))
      applyFields(policy, p, SETTINGS)
      validate(ctx, policy)
    },
  },
  getRuleCmdlet(family),
]
