import { setFields } from './draft.js'
import { antiSpamInForce, asJson, drafts, refuseIfPreset, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/** Spam ZAP turned off in every anti-spam policy in force (phish ZAP stays on). */
export const disableZap: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'disable-zap',
    needs: 'any licence; no preset covering users',
    title: 'Turn off spam ZAP in the anti-spam policies (phish ZAP stays on)',
    risk: 'high',
    riskReason:
      'Spam found after delivery is no longer pulled back for any sender covered by those policies.',
    needsDefender: false,
  },
  presetKind: 'EOP',
  availability: () => yes,
  notices: () => [
    {
      rank: 30,
      // ms-rule: plan.zap.allows-may-override
      text: 'ZAP cannot be scoped to one sender: spam ZAP goes off for every sender those anti-spam policies cover. It may be unnecessary: Microsoft says allows (Safe Senders, mail flow rules, other allow settings) might already keep ZAP off the vendor’s delivered mail, though it does not say which allows always do.',
    },
  ],
  build(ctx, protections) {
    refuseIfPreset(ctx, 'EOP', 'Turning spam ZAP off')
    return drafts(
      antiSpamInForce(ctx).map((p) =>
        setFields(
          'anti-spam',
          asJson(p),
          { SpamZapEnabled: false },
          { protections, mechanism: 'disable-zap' },
          `Turn spam ZAP off in '${p.Name}' (phish ZAP stays on)`,
        ),
      ),
    )
  },
}
