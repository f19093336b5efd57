/** Anti-spam: Get/New/Set-HostedContentFilterPolicy and Get/New/Set-HostedContentFilterRule (§3.3). */
import { AntiSpamPolicy, type AntiSpamRule } from '../../core/model/anti-spam.js'
import { ANTI_SPAM } from './limits.js'
import { alreadyExists, invalidValue } from './errors.js'
import { findOne, present, selectByIdentity } from './objects.js'
import { P, type ParamSpec } from './params.js'
import { applyFields, getRuleCmdlet, writeRuleCmdlets, type RuleFamily } from './policy-common.js'
import type { CmdletDef, Ctx } from './types.js'
import {
  checkAddresses,
  checkCount,
  checkDomains,
  checkLength,
  checkQuarantineTag,
} from './validate.js'

const ACTION_TYPE = 'Microsoft.Exchange.Management.Tasks.SpamFilteringAction'
const ACTIONS = [
  'MoveToJmf',
  'AddXHeader',
  'ModifySubject',
  'Redirect',
  'Delete',
  'Quarantine',
  'NoAction',
]
const LISTS = [
  'AllowedSenders',
  'AllowedSenderDomains',
  'BlockedSenders',
  'BlockedSenderDomains',
] as const
const TAGS = [
  'SpamQuarantineTag',
  'HighConfidenceSpamQuarantineTag',
  'PhishQuarantineTag',
  'HighConfidencePhishQuarantineTag',
  'BulkQuarantineTag',
] as const

/** The settings New- and Set-HostedContentFilterPolicy take. */
const SETTINGS: ParamSpec[] = [
  P.str('AdminDisplayName'),
  ...LISTS.map((n) => P.mvp(n)),
  P.int('BulkThreshold', { min: 1, max: 9 }),
  P.enum('MarkAsSpamBulkMail', 'Microsoft.Exchange.Management.Tasks.SpamFilteringOption', [
    'On',
    'Off',
  ]),
  ...['BulkSpamAction', 'SpamAction', 'HighConfidenceSpamAction', 'PhishSpamAction'].map((n) =>
    P.enum(n, ACTION_TYPE, ACTIONS),
  ),
  P.enum('HighConfidencePhishAction', ACTION_TYPE, ['Quarantine', 'Redirect']),
  ...TAGS.map((n) => P.str(n)),
  P.bool('SpamZapEnabled'),
  P.bool('PhishZapEnabled'),
]

const policies = (ctx: Ctx) => ctx.snapshot.state.antiSpam.policies

function validate(ctx: Ctx, policy: AntiSpamPolicy): void {
  checkLength(policy.AdminDisplayName, ANTI_SPAM.maxAdminDisplayName)
  for (const f of LISTS) checkCount(f, policy[f], ANTI_SPAM.maxListEntries)
  checkAddresses('AllowedSenders', policy.AllowedSenders)
  checkAddresses('BlockedSenders', policy.BlockedSenders)
  checkDomains('AllowedSenderDomains', policy.AllowedSenderDomains)
  checkDomains('BlockedSenderDomains', policy.BlockedSenderDomains)
  for (const t of TAGS) checkQuarantineTag(ctx.snapshot, policy[t])
}

const family: RuleFamily<AntiSpamRule> = {
  noun: 'HostedContentFilterRule',
  policyField: 'HostedContentFilterPolicy',
  scope: 'security',
  rules: (ctx) => ctx.snapshot.state.antiSpam.rules,
  policies,
}

/** The anti-spam cmdlets. */
export const CONTENT_FILTER_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-HostedContentFilterPolicy',
    write: false,
    scope: 'security',
    params: [P.identity(false)],
    run: (ctx, p) =>
      selectByIdentity(policies(ctx), p.str('Identity')).map((o) => present(o, o.Name)),
  },
  {
    name: 'New-HostedContentFilterPolicy',
    write: true,
    scope: 'security',
    params: [P.str('Name', { mandatory: true }), ...SETTINGS],
    run(ctx, p) {
      const name = p.req('Name')
      checkLength(name, 64)
      if (policies(ctx).some((o) => o.Name.toLowerCase() === name.toLowerCase()))
        throw alreadyExists('policy', name)
      const policy = AntiSpamPolicy.parse({ Name: name })
      applyFields(policy, p, SETTINGS)
      validate(ctx, policy)
      policies(ctx).push(policy)
      return [present(policy, policy.Name)]
    },
  },
  {
    name: 'Set-HostedContentFilterPolicy',
    write: true,
    scope: 'security',
    params: [P.identity(), ...SETTINGS],
    run(ctx, p) {
      const policy = findOne(policies(ctx), p.req('Identity'))
      applyFields(policy, p, SETTINGS)
      if (
        policy.HighConfidencePhishAction !== 'Quarantine' &&
        policy.HighConfidencePhishAction !== 'Redirect'
      )
        throw invalidValue('HighConfidencePhishAction can only be Quarantine or Redirect.')
      validate(ctx, policy)
    },
  },
  getRuleCmdlet(family),
  ...writeRuleCmdlets(family),
]
