import { obj, type Trace } from './trace.js'
import { CATEGORY_ORDER, type Category, type TraceObject } from './types.js'
import { byVerdictOrder, verdict, type Verdict } from './verdict.js'
import type { CombineInput } from './outcome.js'

/**
 * Adds the tenant's blocks to the filter verdicts (reference §4.4): a Tenant Allow/Block List
 * sender, URL or IP block is high-confidence phish, quarantined; a spoofed-sender block takes the
 * anti-phishing spoof action; a mail flow rule block (SCL 5-9) or an anti-spam blocked sender sends
 * HC spam, spam and bulk to Junk while phish keeps the phish action. Returns the verdicts in
 * verdict order, and the SCL the rule block asked for.
 */
export function addBlocks(
  input: CombineInput,
  trace: Trace,
): { working: Verdict[]; ruleBlock: number | null } {
  const { verdicts, rules, tabl, policies } = input
  const sp = policies.antiSpam.policy
  const ap = policies.antiPhish.policy
  const all: Verdict[] = [...verdicts]
  const tablBlock = tabl.senderBlock ?? tabl.urlBlock ?? tabl.ipBlock
  if (tablBlock) {
    all.push(
      verdict(
        'HPHSH',
        'HighConfidencePhishAction',
        'Quarantine',
        sp.HighConfidencePhishQuarantineTag,
        tablBlock.object,
        'tabl-block',
        {
          tenantAllow: false,
          ifMxElsewhere: false,
          userSafe: false,
        },
      ),
    )
    trace.step(
      'block',
      'Tenant Allow/Block List block: treated as high-confidence phish and quarantined',
      tablBlock.object,
    )
    if (tabl.ipBlock === tablBlock)
      trace.uncertain(
        'block',
        'IPv6 block treated like the other TABL blocks',
        tablBlock.object,
        'The reference gives no result row for TABL IP blocks',
      )
  }
  if (tabl.spoofBlock) {
    all.push(
      verdict(
        'SPOOF',
        'AuthenticationFailAction',
        ap.AuthenticationFailAction,
        ap.SpoofQuarantineTag,
        tabl.spoofBlock.object,
        'spoof-block',
        {
          tenantAllow: false,
          ifMxElsewhere: false,
          userSafe: false,
        },
      ),
    )
    trace.step(
      'block',
      `Spoofed-sender block: the anti-phishing spoof action applies (${ap.AuthenticationFailAction})`,
      tabl.spoofBlock.object,
    )
  }
  const ruleBlock = rules.scl !== null && rules.scl >= 5 ? rules.scl : null
  const spamBlock: {
    source: 'rule-block' | 'anti-spam-block'
    object: TraceObject
    cat: Category
  } | null =
    ruleBlock !== null && rules.sclRule
      ? {
          source: 'rule-block',
          object: obj('transport-rule', rules.sclRule),
          cat: ruleBlock >= 7 ? 'HSPM' : 'SPM',
        }
      : input.antiSpamLists.block
        ? { source: 'anti-spam-block', object: input.antiSpamLists.block.object, cat: 'SPM' }
        : null
  let working = all
  if (spamBlock) {
    // Reference §4.4: HC spam, spam and bulk go to Junk; phish keeps the phish action.
    const spamish = working.filter(
      (v) => v.source === 'filter' && ['HSPM', 'SPM', 'BULK'].includes(v.cat),
    )
    const cats = [spamBlock.cat, ...spamish.map((v) => v.cat)]
    const cat = CATEGORY_ORDER.find((c) => cats.includes(c)) ?? spamBlock.cat
    working = working.filter((v) => !spamish.includes(v))
    working.push({
      cat,
      action: 'junk',
      quarantineTag: null,
      setting: spamBlock.source === 'rule-block' ? `SetSCL=${ruleBlock}` : 'BlockedSenders',
      object: spamBlock.object,
      source: spamBlock.source,
      overridable: { tenantAllow: false, ifMxElsewhere: false, userSafe: true },
    })
    trace.step(
      'block',
      spamBlock.source === 'rule-block'
        ? `Mail flow rule marks the message as spam (SCL ${ruleBlock}): ${cat} to Junk`
        : `Anti-spam blocked sender: ${cat} to Junk`,
      spamBlock.object,
      'Blocked senders: high-confidence spam, spam and bulk go to Junk; phish gets the phish action',
    )
  }
  working = byVerdictOrder(working)

  return { working, ruleBlock }
}
