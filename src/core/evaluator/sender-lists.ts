import type { AntiSpamPolicy } from '../model/anti-spam.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { isAcceptedDomain, matchSenderList, type SenderHit } from './match.js'
import { domainOf, type TestMessage } from './message.js'
import type { Selected } from './policies.js'
import { obj, type Trace } from './trace.js'
import type { Stage, TraceObject } from './types.js'

/** A sender-list entry that matched. */
export interface ListHit {
  entry: string
  kind: 'address' | 'domain'
  object: TraceObject
}

function check(
  stage: Stage,
  label: string,
  entries: readonly string[],
  message: TestMessage,
  object: TraceObject,
  trace: Trace,
): SenderHit | null {
  const senders = { mailFrom: message.mailFrom, headerFrom: message.headerFrom }
  // ms-rule: eval.lists.from-only
  // These lists inspect the From (5322.From) address only (create-safe-sender-lists-in-office-365.md).
  const { hit, misses } = matchSenderList(entries, senders, true)
  if (hit) {
    trace.step(
      stage,
      `${label}: '${hit.entry}' matches the From address ${message.headerFrom}`,
      object,
    )
    return hit
  }
  const envelopeOnly = matchSenderList(entries, { ...senders, headerFrom: senders.mailFrom }, true)
  if (envelopeOnly.hit && message.mailFrom !== message.headerFrom)
    trace.step(
      stage,
      `${label}: '${envelopeOnly.hit.entry}' matches only the MAIL FROM address ${message.mailFrom}: not applied`,
      object,
      'These lists inspect the From (5322.From) address only',
    )
  for (const m of misses.slice(0, 1))
    trace.uncertain(
      stage,
      `${label}: domain entry '${m.entry}' not applied to the subdomain sender ${m.address}`,
      object,
      'The reference does not say whether domain entries cover subdomains; exact domains only are matched',
    )
  return null
}

/**
 * Checks the anti-spam policy's allowed and blocked senders/domains (SFV:SKA / SFV:SKB). An allow
 * entry in one of the tenant's own accepted domains applies only when the message passes
 * authentication (since Sept 2022, reference §3.3).
 */
export function checkAntiSpamLists(
  selected: Selected<AntiSpamPolicy>,
  message: TestMessage,
  snapshot: TenantSnapshot,
  authenticated: boolean,
  trace: Trace,
): { allow: ListHit | null; block: ListHit | null } {
  const p = selected.policy
  const o = selected.object
  const stage = 'anti-spam-lists'
  const allowHit =
    check(stage, 'Allowed senders', p.AllowedSenders, message, o, trace) ??
    check(stage, 'Allowed sender domains', p.AllowedSenderDomains, message, o, trace)
  const blockHit =
    check(stage, 'Blocked senders', p.BlockedSenders, message, o, trace) ??
    check(stage, 'Blocked sender domains', p.BlockedSenderDomains, message, o, trace)
  let allow: ListHit | null = allowHit
    ? { entry: allowHit.entry, kind: allowHit.kind, object: o }
    : null
  const block: ListHit | null = blockHit
    ? { entry: blockHit.entry, kind: blockHit.kind, object: o }
    : null
  if (allow) {
    const own = [message.mailFrom, message.headerFrom].some((a) =>
      isAcceptedDomain(snapshot, domainOf(a)),
    )
    // ms-rule: eval.lists.own-domain-auth
    if (own && !authenticated) {
      trace.step(
        stage,
        `Allowed entry '${allow.entry}' ignored: it is in the tenant's own domain and the message fails authentication`,
        o,
        'Since Sept 2022 such entries apply only to authenticated mail',
      )
      allow = null
    } else trace.step(stage, `Sender is on the policy's allowed list ('${allow.entry}')`, o)
  }
  if (block) trace.step(stage, `Sender is on the policy's blocked list ('${block.entry}')`, o)
  if (allow && block) {
    trace.uncertain(
      stage,
      'Sender is on both the allowed and the blocked list: the block is applied',
      o,
      'The reference does not say which wins inside one anti-spam policy',
    )
    allow = null
  }
  if (!allow && !block) trace.step(stage, 'Sender is on neither list of the anti-spam policy', o)
  return { allow, block }
}

/**
 * Checks the recipient's Outlook Safe Senders and Blocked Senders (SFV:SFE / SFV:BLK). Safe
 * Senders win over Blocked Senders (reference §4.5).
 */
export function checkUserLists(
  message: TestMessage,
  recipient: string,
  trace: Trace,
): { safe: ListHit | null; blocked: ListHit | null } {
  const stage = 'user-lists'
  const safeList = message.userSafeSenders[recipient] ?? []
  const blockedList = message.userBlockedSenders[recipient] ?? []
  const safeObj = obj('user-list', `Safe Senders of ${recipient}`)
  const blockedObj = obj('user-list', `Blocked Senders of ${recipient}`)
  const s = safeList.length ? check(stage, 'Safe Senders', safeList, message, safeObj, trace) : null
  const b = blockedList.length
    ? check(stage, 'Blocked Senders', blockedList, message, blockedObj, trace)
    : null
  const safe = s ? { entry: s.entry, kind: s.kind, object: safeObj } : null
  let blocked = b ? { entry: b.entry, kind: b.kind, object: blockedObj } : null
  if (safe && blocked) {
    trace.step(
      stage,
      'Sender is in both Safe Senders and Blocked Senders: Safe Senders win',
      safeObj,
    )
    blocked = null
  }
  return { safe, blocked }
}
