import type { AntiSpamPolicy } from '../model/anti-spam.js'
import type { Outcome } from './outcome.js'
import type { Selected } from './policies.js'
import type { Trace } from './trace.js'
import type { ZapResult } from './types.js'

/**
 * Whether zero-hour auto purge (spam and phish ZAP) could later move the delivered message, per the
 * recipient's anti-spam policy (SpamZapEnabled / PhishZapEnabled). Advanced delivery turns spam and
 * phish ZAP off. Whether ZAP acts on a message a tenant allow let through is not documented.
 */
export function evaluateZap(
  outcome: Outcome,
  policy: Selected<AntiSpamPolicy>,
  trace: Trace,
): ZapResult {
  const o = policy.object
  const stage = 'zap'
  const result = (couldMove: ZapResult['couldMove'], reason: string): ZapResult => ({
    couldMove,
    reason,
  })
  if (outcome.action !== 'inbox' && outcome.action !== 'junk') {
    trace.step(stage, 'Not in a mailbox: nothing for ZAP to move', null)
    return result(false, 'the message is not in a mailbox')
  }
  if (outcome.allowedBy === 'secops') {
    trace.step(stage, 'SecOps mailbox: no ZAP (malware ZAP skipped too)', null)
    return result(false, 'advanced delivery (SecOps mailbox): no ZAP')
  }
  if (outcome.allowedBy === 'phish-sim') {
    trace.step(stage, 'Phishing simulation: no spam or phish ZAP (malware ZAP still applies)', null)
    return result(false, 'advanced delivery: no spam or phish ZAP (malware ZAP still applies)')
  }
  const p = policy.policy
  const kinds = [...(p.SpamZapEnabled ? ['spam'] : []), ...(p.PhishZapEnabled ? ['phish'] : [])]
  if (!kinds.length) {
    trace.step(stage, 'Spam and phish ZAP are off in the policy', o)
    return result(false, `spam and phish ZAP are off in '${p.Name}'`)
  }
  if (outcome.allowedBy || outcome.filteringSkipped) {
    trace.uncertain(
      stage,
      `${kinds.join(' and ')} ZAP on, but the message was let through by an allow`,
      o,
      'Microsoft’s documentation does not say whether ZAP acts on mail delivered by an allow (SCL -1, IP allow, allowed senders, Safe Senders)',
    )
    return result(
      'unknown',
      `${kinds.join(' and ')} ZAP on in '${p.Name}'; undocumented for allowed mail`,
    )
  }
  trace.step(stage, `${kinds.join(' and ')} ZAP on: a later verdict could move the message`, o)
  return result(true, `${kinds.join(' and ')} ZAP on in '${p.Name}'`)
}
