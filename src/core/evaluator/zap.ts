import type { AntiSpamPolicy } from '../model/anti-spam.js'
import type { Outcome } from './outcome.js'
import type { Selected } from './policies.js'
import type { Trace } from './trace.js'
import type { ZapResult } from './types.js'

/**
 * Whether zero-hour auto purge (spam and phish ZAP) could later move the delivered message, per the
 * recipient's anti-spam policy (SpamZapEnabled / PhishZapEnabled). Advanced delivery turns spam and
 * phish ZAP off. Microsoft says ZAP actions might be overridden by Safe Sender lists, mail flow
 * rules and other allow settings (zero-hour-auto-purge.md), so for allowed mail ZAP is 'unknown';
 * HC-phish ZAP does not act on mail an SCL -1 rule let through when the MX points elsewhere.
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
  if (outcome.detected === 'HPHSH' && outcome.allowedBy === 'transport-rule') {
    // ms-rule: eval.zap.allows-may-override
    trace.step(
      stage,
      'High-confidence phish let through by an SCL -1 rule with the MX elsewhere: ZAP does not act on it',
      null,
      'zero-hour-auto-purge.md lists this as one of the few cases where ZAP leaves high-confidence phish alone',
    )
    return result(false, 'HC phish let through by an SCL -1 rule with the MX elsewhere: no ZAP')
  }
  const p = policy.policy
  const kinds = [...(p.SpamZapEnabled ? ['spam'] : []), ...(p.PhishZapEnabled ? ['phish'] : [])]
  if (!kinds.length) {
    trace.step(stage, 'Spam and phish ZAP are off in the policy', o)
    return result(false, `spam and phish ZAP are off in '${p.Name}'`)
  }
  if (outcome.allowedBy || outcome.filteringSkipped) {
    // ms-rule: eval.zap.allows-may-override
    trace.uncertain(
      stage,
      `${kinds.join(' and ')} ZAP on, but the message was let through by an allow: ZAP might not act`,
      o,
      'zero-hour-auto-purge.md: ZAP actions might be overridden by Safe Sender lists, mail flow rules and other allow settings (it does not say which, or when); turning spam ZAP off tenant-wide for the vendor may be unnecessary',
    )
    return result(
      'unknown',
      `${kinds.join(' and ')} ZAP on in '${p.Name}'; Microsoft says allows might override ZAP`,
    )
  }
  trace.step(stage, `${kinds.join(' and ')} ZAP on: a later verdict could move the message`, o)
  return result(true, `${kinds.join(' and ')} ZAP on in '${p.Name}'`)
}
