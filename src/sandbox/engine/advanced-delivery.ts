/**
 * Advanced delivery (reference §3.8): the phishing simulation override policy and rule, and the
 * SecOps mailbox override. Exchange forces the policy names and the rule name.
 */
import {
  PHISH_SIM_POLICY_NAME,
  SECOPS_POLICY_NAME,
  type PhishSimOverrideRule,
} from '../../core/model/advanced-delivery.js'
import { deterministicGuid } from '../seed/guid.js'
import { alreadyExists, invalidValue, limitReached, notFound } from './errors.js'
import { ADVANCED_DELIVERY } from './limits.js'
import { findOne, matches, present } from './objects.js'
import { applyMvp, dedupe, P, type BoundParams } from './params.js'
import type { CmdletDef, Ctx } from './types.js'
import { checkAddresses, checkDomains, checkIps, checkNotGroups, checkSentTo } from './validate.js'

const ad = (ctx: Ctx) => ctx.snapshot.state.advancedDelivery

function checkRule(rule: PhishSimOverrideRule): void {
  if (!rule.Domains.length || !rule.SenderIpRanges.length)
    throw invalidValue(
      'The rule needs at least one domain (Domains) and at least one sending IP (SenderIpRanges).',
    )
  if (rule.Domains.length > ADVANCED_DELIVERY.maxDomains)
    throw limitReached(
      `A phishing simulation rule can have at most ${ADVANCED_DELIVERY.maxDomains} domains; it would have ${rule.Domains.length}.`,
    )
  if (rule.SenderIpRanges.length > ADVANCED_DELIVERY.maxSenderIpRanges)
    throw limitReached(
      `A phishing simulation rule can have at most ${ADVANCED_DELIVERY.maxSenderIpRanges} sender IP ranges; it would have ${rule.SenderIpRanges.length}.`,
    )
  checkDomains('Domains', rule.Domains)
  // The portal takes IPv4 sending IPs only for a phishing simulation (advanced delivery page).
  // ms-rule: sandbox.phishsim-ipv4-only
  checkIps('SenderIpRanges', rule.SenderIpRanges, { ipv6: false })
}

/** The phish-sim policy an identity names (there is at most one). */
function phishPolicy(ctx: Ctx, identity: string) {
  const pol = ad(ctx).phishSimPolicy
  if (!pol || !matches(pol, identity)) throw notFound(identity)
  return pol
}

function phishRule(ctx: Ctx, identity: string): PhishSimOverrideRule {
  const rule = ad(ctx).phishSimRule
  if (!rule || !matches(rule, identity)) throw notFound(identity)
  return rule
}

function secOps(ctx: Ctx, identity: string) {
  const pol = ad(ctx).secOpsPolicy
  if (!pol || !matches(pol, identity)) throw notFound(identity)
  return pol
}

function edits(p: BoundParams, add: string, remove: string) {
  return { kind: 'edit' as const, add: p.strs(add) ?? [], remove: p.strs(remove) ?? [] }
}

const phishSim: CmdletDef[] = [
  {
    name: 'Get-PhishSimOverridePolicy',
    write: false,
    scope: 'security',
    params: [P.identity(false)],
    run(ctx, p) {
      const id = p.str('Identity')
      const pol = id === undefined ? ad(ctx).phishSimPolicy : phishPolicy(ctx, id)
      return pol ? [present(pol, pol.Name)] : []
    },
  },
  {
    name: 'New-PhishSimOverridePolicy',
    write: true,
    scope: 'security',
    params: [P.str('Name', { mandatory: true }), P.bool('Enabled'), P.str('Comment')],
    run(ctx, p) {
      if (ad(ctx).phishSimPolicy) throw alreadyExists('policy', PHISH_SIM_POLICY_NAME)
      // Whatever -Name says, the policy is called PhishSimOverridePolicy (reference §3.8).
      const pol = { Name: PHISH_SIM_POLICY_NAME, Enabled: p.bool('Enabled') ?? true } as const
      ad(ctx).phishSimPolicy = pol
      return [present(pol, pol.Name)]
    },
  },
  {
    name: 'Set-PhishSimOverridePolicy',
    write: true,
    scope: 'security',
    params: [P.identity(), P.bool('Enabled'), P.str('Comment')],
    run(ctx, p) {
      const pol = phishPolicy(ctx, p.req('Identity'))
      if (p.has('Enabled')) pol.Enabled = p.bool('Enabled') ?? true
    },
  },
  {
    name: 'Remove-PhishSimOverridePolicy',
    write: true,
    scope: 'security',
    params: [P.identity()],
    run(ctx, p) {
      phishPolicy(ctx, p.req('Identity'))
      // The rule cannot outlive its policy. UNCONFIRMED whether Exchange refuses instead.
      ad(ctx).phishSimPolicy = null
      ad(ctx).phishSimRule = null
    },
  },
  {
    name: 'Get-ExoPhishSimOverrideRule',
    write: false,
    scope: 'security',
    params: [P.identity(false), P.str('Policy')],
    run(ctx, p) {
      const id = p.str('Identity')
      const rule = id === undefined ? ad(ctx).phishSimRule : phishRule(ctx, id)
      if (!rule) return []
      if (p.has('Policy') && rule.Policy.toLowerCase() !== p.req('Policy').toLowerCase()) return []
      return [present(rule, rule.Name)]
    },
  },
  {
    name: 'New-ExoPhishSimOverrideRule',
    write: true,
    scope: 'security',
    params: [
      P.str('Policy', { mandatory: true }),
      P.str('Name'),
      P.mvp('Domains'),
      P.mvp('SenderIpRanges'),
      P.str('Comment'),
    ],
    run(ctx, p) {
      const pol = phishPolicy(ctx, p.req('Policy'))
      if (ad(ctx).phishSimRule) throw alreadyExists('rule', ad(ctx).phishSimRule?.Name ?? '')
      const rule: PhishSimOverrideRule = {
        // The rule name is forced, whatever -Name says (reference §3.8).
        Name: `_Exe:PhishSimOverr:${ctx.newGuid('phish-sim-rule')}`,
        Policy: pol.Name,
        Domains: applyMvp([], p.mvp('Domains')),
        SenderIpRanges: applyMvp([], p.mvp('SenderIpRanges')),
      }
      checkRule(rule)
      ad(ctx).phishSimRule = rule
      return [present(rule, rule.Name)]
    },
  },
  {
    name: 'Set-ExoPhishSimOverrideRule',
    write: true,
    scope: 'security',
    params: [
      P.identity(),
      P.strs('AddDomains'),
      P.strs('RemoveDomains'),
      P.strs('AddSenderIpRanges'),
      P.strs('RemoveSenderIpRanges'),
      P.str('Comment'),
    ],
    run(ctx, p) {
      const rule = phishRule(ctx, p.req('Identity'))
      rule.Domains = applyMvp(rule.Domains, edits(p, 'AddDomains', 'RemoveDomains'))
      rule.SenderIpRanges = applyMvp(
        rule.SenderIpRanges,
        edits(p, 'AddSenderIpRanges', 'RemoveSenderIpRanges'),
      )
      checkRule(rule)
    },
  },
  {
    name: 'Remove-ExoPhishSimOverrideRule',
    write: true,
    scope: 'security',
    params: [P.identity()],
    run(ctx, p) {
      phishRule(ctx, p.req('Identity'))
      ad(ctx).phishSimRule = null
    },
  },
]

function checkMailboxes(ctx: Ctx, list: readonly string[]): void {
  checkAddresses('SentTo', list)
  checkNotGroups(ctx.snapshot, 'SentTo', list)
  checkSentTo(ctx.snapshot, list)
}

/** The SecOps override rule is not modelled apart: it exists when the policy does. */
function secOpsRuleOf(ctx: Ctx): Record<string, unknown> | null {
  const pol = ad(ctx).secOpsPolicy
  if (!pol) return null
  const guid = deterministicGuid('secops-rule', ctx.snapshot.tenant.id)
  return {
    Identity: `_Exe:SecOpsOverrid:${guid}`,
    Name: `_Exe:SecOpsOverrid:${guid}`,
    Policy: pol.Name,
    SentTo: [...pol.SentTo],
  }
}

const secOpsCmdlets: CmdletDef[] = [
  {
    name: 'Get-SecOpsOverridePolicy',
    write: false,
    scope: 'security',
    params: [P.identity(false)],
    run(ctx, p) {
      const id = p.str('Identity')
      const pol = id === undefined ? ad(ctx).secOpsPolicy : secOps(ctx, id)
      return pol ? [present(pol, pol.Name)] : []
    },
  },
  {
    name: 'New-SecOpsOverridePolicy',
    write: true,
    scope: 'security',
    params: [
      P.str('Name', { mandatory: true }),
      P.mvp('SentTo', { mandatory: true }),
      P.bool('Enabled'),
      P.str('Comment'),
    ],
    run(ctx, p) {
      if (ad(ctx).secOpsPolicy) throw alreadyExists('policy', SECOPS_POLICY_NAME)
      const sentTo = applyMvp([], p.mvp('SentTo'))
      if (!sentTo.length) throw invalidValue('SentTo needs at least one mailbox.')
      checkMailboxes(ctx, sentTo)
      // Like the phishing simulation policy, the name is fixed.
      const pol = { Name: SECOPS_POLICY_NAME, Enabled: p.bool('Enabled') ?? true, SentTo: sentTo }
      ad(ctx).secOpsPolicy = pol
      return [present(pol, pol.Name)]
    },
  },
  {
    name: 'Set-SecOpsOverridePolicy',
    write: true,
    scope: 'security',
    params: [
      P.identity(),
      P.bool('Enabled'),
      P.strs('AddSentTo'),
      P.strs('RemoveSentTo'),
      P.str('Comment'),
    ],
    run(ctx, p) {
      const pol = secOps(ctx, p.req('Identity'))
      if (p.has('Enabled')) pol.Enabled = p.bool('Enabled') ?? true
      pol.SentTo = dedupe(applyMvp(pol.SentTo, edits(p, 'AddSentTo', 'RemoveSentTo')))
      if (!pol.SentTo.length) throw invalidValue('SentTo needs at least one mailbox.')
      checkMailboxes(ctx, pol.SentTo)
    },
  },
  {
    name: 'Remove-SecOpsOverridePolicy',
    write: true,
    scope: 'security',
    params: [P.identity()],
    run(ctx, p) {
      secOps(ctx, p.req('Identity'))
      ad(ctx).secOpsPolicy = null
    },
  },
  {
    name: 'Get-ExoSecOpsOverrideRule',
    write: false,
    scope: 'security',
    params: [P.identity(false), P.str('Policy')],
    run(ctx, p) {
      const rule = secOpsRuleOf(ctx)
      if (!rule)
        return p.has('Identity')
          ? (() => {
              throw notFound(p.req('Identity'))
            })()
          : []
      if (p.has('Identity')) findOne([rule as { Name: string }], p.req('Identity'))
      return [rule]
    },
  },
  {
    name: 'New-ExoSecOpsOverrideRule',
    write: true,
    scope: 'security',
    params: [P.str('Policy', { mandatory: true }), P.str('Name'), P.str('Comment')],
    run(ctx, p) {
      secOps(ctx, p.req('Policy'))
      // The snapshot models the SecOps override as its policy alone; the rule is implied by it,
      // so creating it is accepted and answers with the implied rule.
      const rule = secOpsRuleOf(ctx)
      return rule ? [rule] : []
    },
  },
]

/** The advanced delivery cmdlets. */
export const ADVANCED_DELIVERY_CMDLETS: CmdletDef[] = [...phishSim, ...secOpsCmdlets]
