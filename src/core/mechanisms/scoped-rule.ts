import { needsRuleScope } from './helpers.js'
import type { RuleMechanism } from './types.js'

/** The group of the vendor's bypass rule, shared with the Clutter header. */
export const BYPASS_GROUP = 'bypass'

/** An SCL -1 mail flow rule scoped to the vendor's IPs and authenticated domains. */
export const scopedRule: RuleMechanism = {
  kind: 'rule',
  def: {
    id: 'scoped-rule',
    needs: 'any licence; sending IPs or sender domains with DMARC',
    title: 'Mail flow rule: SCL -1 for the vendor’s IPs and authenticated domains',
    risk: 'medium',
    riskReason:
      'Skips spam filtering for mail from the vendor’s IPs (and, for senders, only when DMARC passes); malware and high-confidence phish are still caught. Scanners flag every SCL -1 rule.',
    needsDefender: false,
  },
  allowsByDomain: true,
  availability: needsRuleScope,
  notices(ctx) {
    const out = []
    if (ctx.snapshot.mx.route === 'gateway')
      out.push({
        rank: 10,
        text: 'MX points at a gateway: with an SCL -1 rule, secure by default no longer holds and high-confidence phish can get through. Prefer enhanced filtering.',
      })
    const c = ctx.vendor.category
    if (c !== 'inbound-relay' && c !== 'gateway-mx')
      out.push({
        rank: 50,
        text: 'The mail flow rule matches only when DMARC passes: set up SPF and DKIM for the domains the vendor sends as.',
      })
    return out
  },
  rule(ctx, protections) {
    const v = ctx.vendor
    return {
      group: BYPASS_GROUP,
      // Leads the bypass rule when both are picked: the rule is then about spam filtering.
      order: 2,
      name: v.profile.ruleName ?? `${v.name} bypass spam filtering`,
      purpose: 'bypass spam filtering (SCL -1)',
      mechanism: 'scoped-rule',
      protections,
      scl: -1,
      // The vendor's own recipe (Trustifi's) stops rule processing; passage's default lets later rules run.
      stop: ctx.mode === 'recipe',
    }
  },
}
