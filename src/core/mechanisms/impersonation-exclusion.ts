import { policiesInForce, vendorSenderDomains } from './context.js'
import { addEntries } from './draft.js'
import { asJson, drafts, needsSenderDomain, refuseIfPreset } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/** The vendor's domains as trusted (excluded) domains of every anti-phishing policy in force. */
export const impersonationExclusion: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'impersonation-exclusion',
    needs: 'Defender P1 or P2; no preset covering users',
    title: 'Anti-phishing trusted (excluded) sender domains',
    risk: 'medium',
    riskReason: 'Impersonation checks skip those domains for every recipient of the policy.',
    needsDefender: true,
  },
  presetKind: 'ATP',
  allowsByDomain: true,
  availability: needsSenderDomain,
  build(ctx, protections) {
    const v = ctx.vendor
    refuseIfPreset(ctx, 'ATP', `Excluding ${v.name} from impersonation protection`)
    const s = ctx.snapshot.state.antiPhish
    const inForce = policiesInForce(s.policies, s.rules, (r) => r.AntiPhishPolicy)
    return drafts(
      inForce.map((p) =>
        addEntries(
          'anti-phish',
          asJson(p),
          'ExcludedDomains',
          vendorSenderDomains(ctx),
          { protections, mechanism: 'impersonation-exclusion' },
          `Trust ${v.name}'s domains in anti-phishing policy '${p.Name}'`,
        ),
      ),
    )
  },
}
