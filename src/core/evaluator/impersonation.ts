import { hasDefender, type Licence } from '../model/licence.js'
import { domainRelation } from './match.js'
import { domainOf, type TestMessage } from './message.js'
import type { PolicySet } from './policies.js'
import type { Trace } from './trace.js'
import type { Category } from './types.js'
import { actionOf, TENANT_AND_USER, verdict, type Verdict } from './verdict.js'

/**
 * The impersonation verdict (Defender only) for a user, domain or mailbox-intelligence detection:
 * none when the sender is a trusted sender/domain of the policy, the protection is off, or its
 * action is NoAction ("no action unless configured", message-headers §1.5).
 */
export function impersonationVerdict(
  message: TestMessage,
  type: 'user' | 'domain' | 'mailbox-intelligence',
  policies: PolicySet,
  licence: Licence,
  trace: Trace,
): Verdict | null {
  const stage = 'filter-verdict'
  const sel = policies.impersonation
  if (!hasDefender(licence) || !sel) {
    trace.step(
      stage,
      'Impersonation detection ignored: impersonation protection needs Defender for Office 365',
      null,
    )
    return null
  }
  const p = sel.policy
  const from = message.headerFrom
  const excludedSender = p.ExcludedSenders.some((s) => s.trim().toLowerCase() === from)
  const excludedDomain = p.ExcludedDomains.some(
    (d) => domainRelation(domainOf(from), d) === 'exact',
  )
  if (excludedSender || excludedDomain) {
    trace.step(
      stage,
      `Impersonation not acted on: ${from} is a trusted ${excludedSender ? 'sender' : 'domain'} of the policy (domain entries do not cover subdomains)`,
      sel.object,
    )
    return null
  }
  const specs: Record<
    typeof type,
    { cat: Category; on: boolean; setting: string; action: string }
  > = {
    user: {
      cat: 'UIMP',
      on: p.EnableTargetedUserProtection,
      setting: 'TargetedUserProtectionAction',
      action: p.TargetedUserProtectionAction,
    },
    domain: {
      cat: 'DIMP',
      on: p.EnableTargetedDomainsProtection || p.EnableOrganizationDomainsProtection,
      setting: 'TargetedDomainProtectionAction',
      action: p.TargetedDomainProtectionAction,
    },
    'mailbox-intelligence': {
      cat: 'GIMP',
      on: p.EnableMailboxIntelligence && p.EnableMailboxIntelligenceProtection,
      setting: 'MailboxIntelligenceProtectionAction',
      action: p.MailboxIntelligenceProtectionAction,
    },
  }
  const spec = specs[type]
  if (!spec.on) {
    trace.step(
      stage,
      `${type} impersonation protection is off in the policy: no action`,
      sel.object,
    )
    return null
  }
  if (actionOf(spec.action) === 'inbox') {
    trace.step(
      stage,
      `${type} impersonation: ${spec.setting}=${spec.action}, no action`,
      sel.object,
    )
    return null
  }
  const v = verdict(
    spec.cat,
    spec.setting,
    spec.action,
    'DefaultFullAccessPolicy',
    sel.object,
    'filter',
    TENANT_AND_USER,
  )
  if (v.action === 'quarantine' || sel.preset)
    trace.uncertain(
      stage,
      `${type} impersonation: ${spec.setting}=${spec.action}`,
      sel.object,
      sel.preset
        ? 'Preset impersonation actions are marked "not re-verified" in the reference; impersonation quarantine tags are not in the snapshot (DefaultFullAccessPolicy assumed)'
        : 'Impersonation quarantine tags are not in the snapshot (DefaultFullAccessPolicy assumed)',
    )
  return v
}
