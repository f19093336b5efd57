import { needsRuleScope } from './helpers.js'
import { SKIP_SAFE_LINKS } from './rules.js'
import type { RuleMechanism } from './types.js'

/** A mail flow rule setting the (undocumented) header that skips Safe Links. */
export const skipSafeLinksHeader: RuleMechanism = {
  kind: 'rule',
  def: {
    id: 'skip-safe-links-header',
    needs: 'Defender P1 or P2',
    title: 'Mail flow rule: X-MS-Exchange-Organization-SkipSafeLinksProcessing: 1',
    risk: 'high',
    riskReason:
      'Turns Safe Links off for the vendor’s mail; the header is undocumented by Microsoft (ORCA 189-2).',
    needsDefender: true,
  },
  availability: needsRuleScope,
  rule(ctx, protections) {
    return {
      group: 'skip-safe-links',
      order: 0,
      name: `${ctx.vendor.name} skip Safe Links`,
      purpose: 'skip Safe Links',
      mechanism: 'skip-safe-links-header',
      protections,
      header: SKIP_SAFE_LINKS,
      stop: false,
    }
  },
}
