import type { AdvancedDeliveryMatch } from './advanced-delivery.js'
import type { ConnectionVerdict } from './connection-filter.js'
import type { PolicySet } from './policies.js'
import type { ListHit } from './sender-lists.js'
import type { TablHits } from './tabl.js'
import { obj, type Trace } from './trace.js'
import type { RuleOutcome } from './transport-rules.js'
import { addBlocks } from './blocks.js'
import { applyAllows, NEVER_BYPASSED } from './allows.js'
import type { Action, Category, Sfv, TraceObject } from './types.js'
import type { Verdict } from './verdict.js'

/** Everything that decides the outcome for one recipient. */
export interface CombineInput {
  verdicts: Verdict[]
  advancedDelivery: AdvancedDeliveryMatch
  connection: ConnectionVerdict
  rules: RuleOutcome
  antiSpamLists: { allow: ListHit | null; block: ListHit | null }
  tabl: TablHits
  user: { safe: ListHit | null; blocked: ListHit | null }
  complexRouting: boolean
  urls: readonly string[]
  policies: PolicySet
}

/** Which mechanism let the message through, if any. */
export type AllowKind =
  | 'secops'
  | 'phish-sim'
  | 'transport-rule'
  | 'ip-allow'
  | 'anti-spam-allow'
  | 'tabl-allow'
  | 'user-safe'

/** The outcome for one recipient, before headers are rendered. */
export interface Outcome {
  action: Action
  quarantinePolicy: string | null
  category: Category
  detected: Category
  sfv: Sfv | null
  scl: number | null
  /** The allow that decided, if the message got through because of one. */
  allowedBy: AllowKind | null
  /** True when a message-level tenant allow skipped spam filtering (SKN/SKI/SKA). */
  filteringSkipped: boolean
  /** The object behind the final placement (rule, policy, list entry), or null for a clean Inbox. */
  decidedBy: TraceObject | null
}

/** Conventional SCL per verdict; the 2026 docs say SCL no longer decides the verdict in the cloud. */
const SCL_BY_CATEGORY: Record<Category, number> = {
  MALW: 1,
  HPHSH: 9,
  PHSH: 5,
  HSPM: 9,
  SPOOF: 5,
  UIMP: 5,
  DIMP: 5,
  GIMP: 5,
  SPM: 5,
  BULK: 6,
  NONE: 1,
}

function filterSfv(top: Verdict | undefined): Sfv {
  return top && top.cat !== 'MALW' ? 'SPM' : 'NSPM'
}

/**
 * Combines the verdicts with the tenant's allows and blocks and the recipient's own lists,
 * following the precedence of reference §4.3 (allow vs verdict), §4.4 (blocks) and §4.5
 * (conflicts): advanced delivery wins; malware and high-confidence phish are never bypassed by a
 * rule, IP allow or allowed sender (except HC phish with a rule allow under complex routing);
 * blocks beat allows of the same list; user Safe Senders beat tenant blocks but never malware, HC
 * phish or Tenant Allow/Block List blocks; user Blocked Senders beat tenant allows.
 */
export function combine(input: CombineInput, trace: Trace): Outcome {
  const { verdicts, connection, tabl, user } = input
  const detected: Category = verdicts[0]?.cat ?? 'NONE'
  const never = verdicts.find((v) => NEVER_BYPASSED.includes(v.cat))
  const base = { detected, filteringSkipped: false }

  // 1. Connection filter block: the connection is dropped (allow beats block, reference §4.5).
  if (connection.block && !connection.allow) {
    const o = obj('connection-filter', 'Default')
    if (input.advancedDelivery.kind)
      trace.uncertain(
        'block',
        'The IP Block List is applied before advanced delivery',
        o,
        'The reference does not say whether advanced delivery beats the IP Block List',
      )
    if (never) {
      trace.step('block', `IP Block List: ${never.cat} is quarantined rather than dropped`, o)
      return {
        ...base,
        action: 'quarantine',
        quarantinePolicy: never.quarantineTag,
        category: never.cat,
        sfv: filterSfv(never),
        scl: SCL_BY_CATEGORY[never.cat],
        allowedBy: null,
        decidedBy: never.object,
      }
    }
    trace.step('block', 'IP Block List: the message is silently dropped', o)
    return {
      ...base,
      action: 'dropped',
      quarantinePolicy: null,
      category: detected,
      sfv: null,
      scl: null,
      allowedBy: null,
      decidedBy: o,
    }
  }

  // 2. Advanced delivery (reference §3.8, §4.3): the tenant wins.
  const ad = input.advancedDelivery
  if (ad.kind === 'secops') {
    trace.step(
      'allow',
      'SecOps mailbox override: delivered to the Inbox, malware filtering included',
      ad.object,
    )
    headerUnknown(trace, ad.object)
    return {
      ...base,
      action: 'inbox',
      quarantinePolicy: null,
      category: detected,
      sfv: filterSfv(verdicts[0]),
      scl: SCL_BY_CATEGORY[detected],
      allowedBy: 'secops',
      decidedBy: ad.object,
    }
  }
  if (ad.kind === 'phish-sim') {
    const malware = verdicts.find((v) => v.cat === 'MALW')
    if (malware) {
      trace.uncertain(
        'verdict',
        'Malware is still quarantined for a phishing simulation',
        malware.object,
        'The precedence table (§4.3) says advanced delivery wins over malware, but §3.8 and §4.7 say malware filtering is skipped only for SecOps mailboxes; the stricter reading is applied',
      )
      return {
        ...base,
        action: 'quarantine',
        quarantinePolicy: malware.quarantineTag,
        category: 'MALW',
        sfv: filterSfv(verdicts[0]),
        scl: SCL_BY_CATEGORY.MALW,
        allowedBy: null,
        decidedBy: malware.object,
      }
    }
    if (user.blocked)
      trace.step(
        'user-lists',
        'Advanced delivery wins over the recipient’s Blocked Senders',
        user.blocked.object,
      )
    const tablBlock = tabl.senderBlock ?? tabl.urlBlock ?? tabl.ipBlock ?? tabl.spoofBlock
    if (tablBlock)
      trace.uncertain(
        'allow',
        'Advanced delivery applied despite a Tenant Allow/Block List block',
        tablBlock.object,
        'The reference does not rank advanced delivery against TABL blocks; advanced delivery bypasses filtering',
      )
    trace.step(
      'allow',
      'Phishing simulation override: no filtering action, delivered to the Inbox',
      ad.object,
    )
    headerUnknown(trace, ad.object)
    return {
      ...base,
      action: 'inbox',
      quarantinePolicy: null,
      category: detected,
      sfv: filterSfv(verdicts[0]),
      scl: SCL_BY_CATEGORY[detected],
      allowedBy: 'phish-sim',
      decidedBy: ad.object,
    }
  }

  // 3. Blocks (reference §4.4), then 4. tenant allows (reference §4.3).
  const { working, ruleBlock } = addBlocks(input, trace)
  const { remaining, primary } = applyAllows(input, working, trace)

  const filteringSkipped = primary !== null && primary.kind !== 'tabl-allow'
  const top = remaining[0]
  let sfv: Sfv = primary
    ? primary.sfv
    : top?.source === 'rule-block'
      ? 'SKS'
      : top?.source === 'anti-spam-block'
        ? 'SKB'
        : filterSfv(top)
  let scl: number = primary
    ? -1
    : top?.source === 'rule-block'
      ? (ruleBlock ?? 5)
      : top?.source === 'anti-spam-block'
        ? 6
        : SCL_BY_CATEGORY[top?.cat ?? 'NONE']
  if (primary?.kind === 'transport-rule')
    trace.step(
      'headers',
      'SCL -1 requested by the rule',
      primary.object,
      'The stamped SCL may read 0 or 1; SFV:SKN shows the bypass',
    )
  let allowedBy: AllowKind | null = primary && !top ? primary.kind : null
  const result = (action: Action, tag: string | null, decidedBy: TraceObject | null): Outcome => ({
    action,
    quarantinePolicy: action === 'quarantine' ? tag : null,
    category: top?.cat ?? 'NONE',
    detected,
    sfv,
    scl,
    allowedBy,
    filteringSkipped,
    decidedBy,
  })

  // 5. The recipient's own lists (reference §4.5).
  if (top) {
    if (user.safe) {
      if (!top.overridable.userSafe) {
        trace.step(
          'user-lists',
          `Safe Senders do not override ${top.source === 'tabl-block' || top.source === 'spoof-block' ? 'a Tenant Allow/Block List block' : top.cat}`,
          user.safe.object,
        )
      } else if (user.safe.kind === 'domain' && top.action === 'quarantine') {
        trace.step(
          'user-lists',
          `Safe Senders domain entry '${user.safe.entry}' ignored: the policy action is Quarantine`,
          user.safe.object,
        )
      } else {
        trace.step(
          'user-lists',
          `Safe Senders ('${user.safe.entry}') override ${top.cat}: delivered to the Inbox`,
          user.safe.object,
        )
        sfv = 'SFE'
        scl = -1
        allowedBy = 'user-safe'
        return result('inbox', null, user.safe.object)
      }
    }
    let action = top.action
    let decider = top.object
    if (user.blocked && !NEVER_BYPASSED.includes(top.cat) && top.source !== 'tabl-block') {
      sfv = 'BLK'
      scl = 6
      if (action === 'inbox') {
        action = 'junk'
        decider = user.blocked.object
      }
      trace.step(
        'user-lists',
        `Blocked Senders ('${user.blocked.entry}'): ${action === 'junk' ? 'Junk' : `the policy action (${top.setting})`}`,
        user.blocked.object,
      )
    }
    trace.step('verdict', `${top.cat}: ${describe(action)} (${top.setting})`, top.object)
    return result(action, top.quarantineTag, decider)
  }
  if (user.blocked) {
    trace.step(
      'user-lists',
      primary
        ? `Blocked Senders ('${user.blocked.entry}') beat the tenant allow: Junk`
        : `Blocked Senders ('${user.blocked.entry}'): Junk`,
      user.blocked.object,
    )
    sfv = 'BLK'
    scl = 6
    allowedBy = null
    return result('junk', null, user.blocked.object)
  }
  let decider: TraceObject | null = primary?.object ?? null
  if (user.safe && !primary) {
    trace.step(
      'user-lists',
      `Safe Senders ('${user.safe.entry}'): filtering skipped`,
      user.safe.object,
    )
    sfv = 'SFE'
    scl = -1
    allowedBy = 'user-safe'
    decider = user.safe.object
  }
  trace.step(
    'verdict',
    primary ? `Delivered to the Inbox: ${primary.label}` : 'Delivered to the Inbox',
    primary?.object ?? null,
  )
  return result('inbox', null, decider)
}

function headerUnknown(trace: Trace, object: TraceObject | null): void {
  trace.uncertain(
    'headers',
    'Header values shown are what filtering would stamp',
    object,
    'Advanced delivery has no documented header stamp',
  )
}

/** Plain words for an action. */
export function describe(action: Action): string {
  return {
    inbox: 'delivered to the Inbox',
    junk: 'delivered to Junk Email',
    quarantine: 'quarantined',
    dropped: 'dropped (not delivered)',
    rejected: 'rejected (NDR to the sender)',
  }[action]
}
