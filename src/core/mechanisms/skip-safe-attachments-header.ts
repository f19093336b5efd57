import { needsRuleScope } from './helpers.js'
import { SKIP_SAFE_ATTACHMENTS } from './rules.js'
import type { RuleMechanism } from './types.js'

/** A mail flow rule setting the (undocumented) header that skips Safe Attachments. */
export const skipSafeAttachmentsHeader: RuleMechanism = {
  kind: 'rule',
  def: {
    id: 'skip-safe-attachments-header',
    needs: 'Defender P1 or P2',
    title: 'Mail flow rule: X-MS-Exchange-Organization-SkipSafeAttachmentProcessing: 1',
    risk: 'high',
    riskReason:
      'Turns attachment detonation off for the vendor’s mail; the header is undocumented by Microsoft (ORCA 189).',
    needsDefender: true,
  },
  availability: needsRuleScope,
  rule(ctx, protections) {
    return {
      group: 'skip-safe-attachments',
      order: 1,
      name: `${ctx.vendor.name} skip Safe Attachments`,
      purpose: 'skip Safe Attachments',
      mechanism: 'skip-safe-attachments-header',
      protections,
      header: SKIP_SAFE_ATTACHMENTS,
      stop: false,
    }
  },
}
