import { vendorSenderDomains } from './context.js'
import { addEntries } from './draft.js'
import { antiSpamInForce, asJson, drafts, needsSenderDomain, refuseIfPreset } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/** The vendor's domains in the allowed sender domains of every anti-spam policy in force. */
export const antispamAllowedSenders: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'antispam-allowed-senders',
    needs: 'any licence; no preset covering users',
    title: 'Anti-spam policy allowed sender domains',
    risk: 'high',
    riskReason:
      'Skips spam filtering for anyone who can forge those domains; Microsoft calls these lists temporary testing only. With MX elsewhere than Microsoft 365 they can deliver high-confidence phish.',
    needsDefender: false,
  },
  presetKind: 'EOP',
  allowsByDomain: true,
  // ms-rule: plan.notice.hc-phish-routing
  highConfidencePhishOffMicrosoftMx: 'delivers',
  availability: needsSenderDomain,
  build(ctx, protections) {
    const v = ctx.vendor
    refuseIfPreset(ctx, 'EOP', `Adding ${v.name} to anti-spam allowed senders`)
    return drafts(
      antiSpamInForce(ctx).map((p) =>
        addEntries(
          'anti-spam',
          asJson(p),
          'AllowedSenderDomains',
          vendorSenderDomains(ctx),
          { protections, mechanism: 'antispam-allowed-senders' },
          `Allow ${v.name}'s domains in anti-spam policy '${p.Name}'`,
        ),
      ),
    )
  },
}
