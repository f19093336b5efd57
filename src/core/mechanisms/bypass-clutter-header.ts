import { BYPASS_CLUTTER, internalSenderNotice } from './rules.js'
import { needsRuleScope } from './helpers.js'
import { BYPASS_GROUP } from './scoped-rule.js'
import type { RuleMechanism } from './types.js'

/** The BypassClutter header, set by the vendor's bypass rule (with SCL -1 when that is picked too). */
export const bypassClutterHeader: RuleMechanism = {
  kind: 'rule',
  def: {
    id: 'bypass-clutter-header',
    needs: 'any licence',
    title: 'Mail flow rule: X-MS-Exchange-Organization-BypassClutter: true',
    risk: 'low',
    riskReason: 'Only keeps the vendor’s mail out of Clutter; it bypasses no filtering.',
    needsDefender: false,
  },
  availability: needsRuleScope,
  notices: internalSenderNotice,
  rule(ctx, protections) {
    const v = ctx.vendor
    return {
      group: BYPASS_GROUP,
      order: 3,
      name: v.profile.ruleName ?? `${v.name} bypass Clutter`,
      purpose: 'bypass Clutter',
      mechanism: 'bypass-clutter-header',
      protections,
      header: BYPASS_CLUTTER,
      stop: ctx.mode === 'recipe',
    }
  },
}
