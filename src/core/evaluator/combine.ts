import type { TenantAllow } from './allows.js'
import { applyAllows } from './allows.js'
import { addBlocks } from './blocks.js'
import {
  describe,
  NEVER_BYPASSED,
  type AllowKind,
  type CombineInput,
  type Outcome,
} from './outcome.js'
import { obj, type Trace } from './trace.js'
import type { Action, Category, Sfv, TraceObject } from './types.js'
import type { Verdict } from './verdict.js'

export type { AllowKind, CombineInput, Outcome } from './outcome.js'

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
 * rule, IP allow or allowed sender (HC phish is, by all but the IP Allow List, when the MX does
 * not point to Microsoft 365);
 * blocks beat allows of the same list; user Safe Senders beat tenant blocks but never malware, HC
 * phish or Tenant Allow/Block List blocks; user Blocked Senders beat tenant allows.
 *
 * The stages run in Exchange's order; the first that places the message decides.
 */
export function combine(input: CombineInput, trace: Trace): Outcome {
  const detected: Category = input.verdicts[0]?.cat ?? 'NONE'
  return (
    connectionBlockStage(input, detected, trace) ??
    advancedDeliveryStage(input, detected, trace) ??
    tenantListsStage(input, detected, trace)
  )
}

/** 1. Connection filter block: the connection is dropped (allow beats block, reference §4.5). */
function connectionBlockStage(
  input: CombineInput,
  detected: Category,
  trace: Trace,
): Outcome | null {
  const { connection, verdicts } = input
  if (!connection.block || connection.allow) return null
  const never = verdicts.find((v) => NEVER_BYPASSED.includes(v.cat))
  const base = { detected, filteringSkipped: false }
  const o = obj('connection-filter', 'Default')
  if (input.advancedDelivery.kind)
    trace.uncertain(
      'block',
      'The IP Block List is applied before advanced delivery',
      o,
      'The reference does not say whether advanced delivery beats the IP Block List',
    )
  if (never) {
    // The common attachments filter may reject (FileTypeAction Reject) rather than quarantine.
    const rejected = never.action === 'rejected'
    trace.step(
      'block',
      `IP Block List: ${never.cat} is ${rejected ? 'rejected' : 'quarantined'} rather than dropped`,
      o,
    )
    return {
      ...base,
      action: rejected ? 'rejected' : 'quarantine',
      quarantinePolicy: rejected ? null : never.quarantineTag,
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

/** 2. Advanced delivery: the tenant wins (ms-rule: eval.ad.secops-phish-sim). */
function advancedDeliveryStage(
  input: CombineInput,
  detected: Category,
  trace: Trace,
): Outcome | null {
  const ad = input.advancedDelivery
  if (ad.kind !== 'secops' && ad.kind !== 'phish-sim') return null
  const { verdicts } = input
  const delivered: Outcome = {
    detected,
    filteringSkipped: false,
    action: 'inbox',
    quarantinePolicy: null,
    category: detected,
    sfv: filterSfv(verdicts[0]),
    scl: SCL_BY_CATEGORY[detected],
    allowedBy: ad.kind,
    decidedBy: ad.object,
  }
  if (ad.kind === 'secops') {
    trace.step(
      'allow',
      'SecOps mailbox override: delivered to the Inbox, malware filtering included',
      ad.object,
    )
    headerUnknown(trace, ad.object)
    return delivered
  }
  const malware = verdicts.find((v) => v.cat === 'MALW')
  if (malware) return phishSimMalware(malware, delivered, trace)
  const { user, tabl } = input
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
  return delivered
}

/** A phishing simulation does not skip malware filtering (only a SecOps mailbox does). */
function phishSimMalware(malware: Verdict, delivered: Outcome, trace: Trace): Outcome {
  // The common attachments filter may reject (FileTypeAction Reject) rather than quarantine.
  const rejected = malware.action === 'rejected'
  trace.uncertain(
    'verdict',
    `Malware is still ${rejected ? 'rejected' : 'quarantined'} for a phishing simulation`,
    malware.object,
    'Microsoft’s table of what wins (allow vs. verdict) says advanced delivery wins over malware, but its pages on advanced delivery and on anti-malware say malware filtering is skipped only for SecOps mailboxes; the stricter reading is applied',
  )
  return {
    ...delivered,
    action: rejected ? 'rejected' : 'quarantine',
    quarantinePolicy: rejected ? null : malware.quarantineTag,
    category: 'MALW',
    scl: SCL_BY_CATEGORY.MALW,
    allowedBy: null,
    decidedBy: malware.object,
  }
}

/** The SFV, SCL and deciding allow of a placement; the recipient's lists may change them. */
interface Stamp {
  sfv: Sfv
  scl: number
  allowedBy: AllowKind | null
}

/** Builds the outcome from the stamp as it stands when called. */
type Place = (action: Action, tag: string | null, decidedBy: TraceObject | null) => Outcome

/** 3. Blocks (reference §4.4), 4. tenant allows (reference §4.3), then 5. the recipient's lists. */
function tenantListsStage(input: CombineInput, detected: Category, trace: Trace): Outcome {
  const { working, ruleBlock } = addBlocks(input, trace)
  const { remaining, primary } = applyAllows(input, working, trace)
  const filteringSkipped = primary !== null && primary.kind !== 'tabl-allow'
  const top = remaining[0]
  const stamp = stampOf(top, primary, ruleBlock)
  if (primary?.kind === 'transport-rule')
    trace.step(
      'headers',
      'SCL -1 requested by the rule',
      primary.object,
      'The stamped SCL may read 0 or 1; SFV:SKN shows the bypass',
    )
  const place: Place = (action, tag, decidedBy) => ({
    action,
    quarantinePolicy: action === 'quarantine' ? tag : null,
    category: top?.cat ?? 'NONE',
    detected,
    sfv: stamp.sfv,
    scl: stamp.scl,
    allowedBy: stamp.allowedBy,
    filteringSkipped,
    decidedBy,
  })
  return top
    ? userListsOnVerdict(input.user, top, stamp, place, trace, input.complexRouting)
    : userListsOnClean(input.user, primary, stamp, place, trace)
}

/** The stamp after blocks and allows: the allow's SFV and SCL -1, a block's, or the filter's. */
function stampOf(
  top: Verdict | undefined,
  primary: TenantAllow | null,
  ruleBlock: number | null,
): Stamp {
  const sfv: Sfv = primary
    ? primary.sfv
    : top?.source === 'rule-block'
      ? 'SKS'
      : top?.source === 'anti-spam-block'
        ? 'SKB'
        : filterSfv(top)
  const scl: number = primary
    ? -1
    : top?.source === 'rule-block'
      ? (ruleBlock ?? 5)
      : top?.source === 'anti-spam-block'
        ? 6
        : SCL_BY_CATEGORY[top?.cat ?? 'NONE']
  return { sfv, scl, allowedBy: primary && !top ? primary.kind : null }
}

/** 5a. A verdict stands: the recipient's Safe Senders may deliver it, Blocked Senders may junk it. */
function userListsOnVerdict(
  user: CombineInput['user'],
  top: Verdict,
  stamp: Stamp,
  place: Place,
  trace: Trace,
  complexRouting: boolean,
): Outcome {
  // ms-rule: eval.allow.hcphish-mx-elsewhere
  // Outlook Safe Senders can deliver HC phish when the MX does not point to Microsoft 365.
  const safeCan = top.overridable.userSafe || (top.overridable.ifMxElsewhere && complexRouting)
  if (user.safe) {
    if (!safeCan) {
      trace.step(
        'user-lists',
        `Safe Senders do not override ${top.source === 'tabl-block' || top.source === 'spoof-block' ? 'a Tenant Allow/Block List block' : top.cat}`,
        user.safe.object,
      )
    } else if (user.safe.kind === 'domain' && top.action === 'quarantine') {
      // ms-rule: eval.user.safe-senders-quarantine
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
      Object.assign(stamp, { sfv: 'SFE', scl: -1, allowedBy: 'user-safe' } satisfies Stamp)
      return place('inbox', null, user.safe.object)
    }
  }
  let action = top.action
  let decider = top.object
  if (user.blocked && !NEVER_BYPASSED.includes(top.cat) && top.source !== 'tabl-block') {
    stamp.sfv = 'BLK'
    stamp.scl = 6
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
  return place(action, top.quarantineTag, decider)
}

/** 5b. Nothing stands (clean, or allowed): Blocked Senders junk it, Safe Senders skip filtering. */
function userListsOnClean(
  user: CombineInput['user'],
  primary: TenantAllow | null,
  stamp: Stamp,
  place: Place,
  trace: Trace,
): Outcome {
  if (user.blocked) {
    trace.step(
      'user-lists',
      primary
        ? `Blocked Senders ('${user.blocked.entry}') beat the tenant allow: Junk`
        : `Blocked Senders ('${user.blocked.entry}'): Junk`,
      user.blocked.object,
    )
    Object.assign(stamp, { sfv: 'BLK', scl: 6, allowedBy: null } satisfies Stamp)
    return place('junk', null, user.blocked.object)
  }
  let decider: TraceObject | null = primary?.object ?? null
  if (user.safe && !primary) {
    trace.step(
      'user-lists',
      `Safe Senders ('${user.safe.entry}'): filtering skipped`,
      user.safe.object,
    )
    Object.assign(stamp, { sfv: 'SFE', scl: -1, allowedBy: 'user-safe' } satisfies Stamp)
    decider = user.safe.object
  }
  trace.step(
    'verdict',
    primary ? `Delivered to the Inbox: ${primary.label}` : 'Delivered to the Inbox',
    primary?.object ?? null,
  )
  return place('inbox', null, decider)
}

function headerUnknown(trace: Trace, object: TraceObject | null): void {
  trace.uncertain(
    'headers',
    'Header values shown are what filtering would stamp',
    object,
    'Advanced delivery has no documented header stamp',
  )
}
