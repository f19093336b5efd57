import { setFields } from './draft.js'
import { antiSpamInForce, asJson, drafts, refuseIfPreset, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/** The bulk threshold of every anti-spam policy in force raised to 9. */
export const bulkThreshold: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'bulk-threshold',
    needs: 'any licence; no preset covering users',
    title: 'Raise the anti-spam bulk threshold to 9',
    risk: 'high',
    riskReason: 'Lets nearly all bulk mail from every sender into inboxes, not just the vendor’s.',
    needsDefender: false,
  },
  presetKind: 'EOP',
  availability: () => yes,
  build(ctx, protections) {
    refuseIfPreset(ctx, 'EOP', 'Raising the bulk threshold')
    return drafts(
      // A policy at 9 already gives no change (setFields compares; 9 is the highest threshold).
      antiSpamInForce(ctx).map((p) =>
        setFields(
          'anti-spam',
          asJson(p),
          { BulkThreshold: 9 },
          { protections, mechanism: 'bulk-threshold' },
          `Raise the bulk threshold of '${p.Name}' from ${p.BulkThreshold} to 9`,
        ),
      ),
    )
  },
}
