import { needsRuleScope, no } from './helpers.js'
import { internalSenderNotice } from './rules.js'
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
      'Skips spam filtering for mail from the vendor’s IPs (and, for senders, only when DMARC passes). With MX at Microsoft 365 malware and high-confidence phish are still quarantined; with MX elsewhere an SCL -1 rule can deliver high-confidence phish. Scanners flag every SCL -1 rule.',
    needsDefender: false,
  },
  allowsByDomain: true,
  // ms-rule: plan.notice.hc-phish-routing
  highConfidencePhishOffMicrosoftMx: 'delivers',
  availability(ctx) {
    // ms-rule: plan.relay.no-scl-rule
    // Microsoft: for in-and-out routing, mail flow rules that skip filtering can let false
    // negatives through; the relay's own recipe keeps it (--mechanism recipe).
    if (ctx.vendor.category === 'inbound-relay' && ctx.mode !== 'recipe')
      return no(
        `Microsoft advises against SCL -1 mail flow rules for mail an in-and-out relay hands back (they can let false negatives through); it is ${ctx.vendor.name}'s own recipe, used only when you follow that recipe`,
      )
    return needsRuleScope(ctx)
  },
  notices(ctx) {
    const out = [...internalSenderNotice(ctx)]
    if (ctx.snapshot.mx.route === 'gateway')
      out.push({
        rank: 10,
        text: 'MX points at a gateway: prefer enhanced filtering on its connector to an SCL -1 rule, which can deliver high-confidence phish while MX is not at Microsoft 365.',
      })
    const c = ctx.vendor.category
    if (c !== 'inbound-relay' && c !== 'gateway-mx' && c !== 'phishing-simulation')
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
