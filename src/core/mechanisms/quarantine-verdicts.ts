import { policiesInForce } from './context.js'
import { setFields } from './draft.js'
import { antiSpamInForce, asJson, drafts, refuseIfPreset, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

const mechanism = 'quarantine-verdicts'

/** The anti-spam actions that become Quarantine: every negative verdict the policy acts on. */
const ANTI_SPAM_QUARANTINE = {
  SpamAction: 'Quarantine',
  HighConfidenceSpamAction: 'Quarantine',
  PhishSpamAction: 'Quarantine',
  BulkSpamAction: 'Quarantine',
} as const
// High-confidence phish is left alone: secure by default already turns its Junk action into
// Quarantine (secure-by-default.md), and a Redirect there is the admin's deliberate choice.

/**
 * Quarantine for every negative verdict, Microsoft's first advice when in-and-out relay routing
 * cannot be avoided (mdo-integrate-security-service.md): a verdict acted on by Junk delivery is lost
 * when the message leaves for the relay and comes back as a new message.
 */
// ms-rule: plan.relay.quarantine-verdicts
export const quarantineVerdicts: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'quarantine-verdicts',
    needs: 'any licence; no preset covering users',
    title: 'Quarantine every negative verdict (anti-spam actions and the spoof action)',
    risk: 'low',
    riskReason:
      'Adds protection: spam, bulk, phish and spoofed mail is quarantined instead of delivered to Junk, for every sender those policies cover; users see less in Junk and more in quarantine.',
    needsDefender: false,
    categories: ['inbound-relay'],
  },
  presetKind: 'EOP',
  availability: () => yes,
  notices: () => [
    {
      rank: 41,
      text: 'Quarantining every negative verdict applies to all senders the anti-spam and anti-phishing policies cover, not only relayed mail: Microsoft advises it for in-and-out routing because a Junk verdict is not kept when the message comes back from the relay.',
    },
  ],
  build(ctx, protections) {
    refuseIfPreset(ctx, 'EOP', 'Quarantining every negative verdict')
    const meta = { protections, mechanism } as const
    const s = ctx.snapshot.state.antiPhish
    const phish = policiesInForce(s.policies, s.rules, (r) => r.AntiPhishPolicy)
    return drafts([
      ...antiSpamInForce(ctx).map((p) =>
        setFields(
          'anti-spam',
          asJson(p),
          // An action that already deletes the message is stricter than quarantine: kept.
          Object.fromEntries(
            Object.entries(ANTI_SPAM_QUARANTINE).filter(
              ([f]) => (p as unknown as Record<string, unknown>)[f] !== 'Delete',
            ),
          ),
          meta,
          `Quarantine spam, bulk and phish verdicts in anti-spam policy '${p.Name}'`,
        ),
      ),
      ...phish.map((p) =>
        setFields(
          'anti-phish',
          asJson(p),
          { AuthenticationFailAction: 'Quarantine' },
          meta,
          `Quarantine spoofed mail (spoof intelligence action) in anti-phishing policy '${p.Name}'`,
        ),
      ),
    ])
  },
}
