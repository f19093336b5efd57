import type { TenantSnapshot } from '../model/snapshot.js'
import type { TablItem, TablSpoofItem } from '../model/tabl.js'
import { ipMatchesAny, parseIpEntry, slash24 } from '../net/ip.js'
import { domainRelation, isAcceptedDomain, matchSenderList, oneSidedNote } from './match.js'
import { domainOf, type TestMessage } from './message.js'
import { tablCandidates } from './tabl-index.js'
import { tablUrlMatch, tablUrlMatches } from './tabl-url.js'
import { obj, type Trace } from './trace.js'
import type { TraceObject } from './types.js'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Whether a Tenant Allow/Block List entry is in force at `now`: an expired entry is not.
 * ms-rule: eval.tabl.expiry
 */
export function tablEntryActive(item: TablItem, now: string): { active: boolean; why: string } {
  const t = Date.parse(now)
  if (item.ExpirationDate) {
    const exp = Date.parse(item.ExpirationDate)
    if (Number.isNaN(exp))
      return { active: true, why: `unreadable expiry '${item.ExpirationDate}'` }
    if (exp < t) return { active: false, why: `expired ${item.ExpirationDate}` }
    return { active: true, why: `expires ${item.ExpirationDate}` }
  }
  if (item.RemoveAfter && item.LastUsedDate) {
    const last = Date.parse(item.LastUsedDate)
    if (!Number.isNaN(last) && last + item.RemoveAfter * DAY_MS < t)
      return {
        active: false,
        why: `removed ${item.RemoveAfter} days after last use (${item.LastUsedDate})`,
      }
    return { active: true, why: `kept until ${item.RemoveAfter} days after last use` }
  }
  return { active: true, why: 'never expires' }
}

export {
  parseTablUrlEntry,
  tablUrlMatch,
  tablUrlMatches,
  urlWithoutScheme,
  type UrlEntryForm,
  type UrlMatch,
} from './tabl-url.js'

/** A TABL entry that matched, named for the trace. */
export interface TablHit {
  value: string
  object: TraceObject
}

/** Tenant Allow/Block List entries that apply to the message. */
export interface TablHits {
  senderAllow: TablHit | null
  senderBlock: TablHit | null
  /** URL allows by URL (a URL is covered when an allow and no block matches it). */
  urlAllowed: Map<string, TablHit>
  urlBlock: TablHit | null
  ipAllow: TablHit | null
  ipBlock: TablHit | null
  spoofAllow: TablHit | null
  spoofBlock: TablHit | null
}

function entryObject(item: TablItem): TraceObject {
  return obj('tabl-entry', `${item.ListType} ${item.Action} ${item.Value}`)
}

function spoofObject(item: TablSpoofItem): TraceObject {
  return obj(
    'tabl-spoof-entry',
    `${item.Action} ${item.SpoofedUser} via ${item.SendingInfrastructure}`,
  )
}

/**
 * True when the spoof entry's pair (spoofed user, sending infrastructure) matches the message, as
 * tenant-allow-block-list-email-spoof-configure.md documents (ms-rule: eval.tabl.spoof-pair):
 * the spoofed user is the From address, its domain, or `*`; the sending infrastructure is the
 * domain of the source IP's PTR record, the source's /24 only when the IP has no PTR record, a
 * verified DKIM domain, or `*`; `*` on one side only. Internal entries take an address
 * (New-TenantAllowBlockListSpoofItems.md). Without the message's PTR, PTR-dependent matches are
 * uncertain and not applied.
 */
// ms-rule: eval.tabl.spoof-pair
function spoofMatches(
  item: TablSpoofItem,
  message: TestMessage,
  source: string,
  snapshot: TenantSnapshot,
  trace: Trace,
): boolean {
  const stage = 'tenant-allow-block-list'
  const fromDomain = domainOf(message.headerFrom)
  const internal = isAcceptedDomain(snapshot, fromDomain)
  if ((item.SpoofType === 'Internal') !== internal) return false
  const user = item.SpoofedUser.trim().toLowerCase()
  const infra = item.SendingInfrastructure.trim().toLowerCase()
  if (user === '*' && infra === '*') {
    trace.step(
      stage,
      'Spoof entry with `*` on both sides never matches',
      spoofObject(item),
      'A wildcard is valid on one side of the pair only',
    )
    return false
  }
  const userOk =
    user === '*'
      ? true
      : user.includes('@')
        ? user === message.headerFrom
        : domainRelation(fromDomain, user) === 'exact'
  if (!userOk) return false
  if (item.SpoofType === 'Internal' && user !== '*' && !user.includes('@'))
    trace.uncertain(
      stage,
      `Internal spoof entry names the domain '${user}', not an address`,
      spoofObject(item),
      'New-TenantAllowBlockListSpoofItems.md asks for an email address for intra-org spoofing, while the spoof page lists domains as valid spoofed users; the entry is applied as a domain',
    )
  if (infra === '*') return true
  const slash = /^(\d{1,3}(?:\.\d{1,3}){3})\/24$/.exec(infra)
  if (slash || parseIpEntry(infra)) {
    if (!(slash24(source) === infra || ipMatchesAny(source, [infra]))) return false
    if (message.ptr === null) return true
    if (message.ptr === undefined) {
      trace.uncertain(
        stage,
        `Spoof entry's sending infrastructure ${infra} contains the source ${source}, but whether the source has a PTR record is unknown: not applied`,
        spoofObject(item),
        'Microsoft identifies the sending infrastructure by the /24 only when the source IP has no PTR record; give the message’s ptr (null for none)',
      )
      return false
    }
    trace.step(
      stage,
      `Spoof entry's /24 ${infra} does not apply: the source has the PTR ${message.ptr}, so the infrastructure is its domain`,
      spoofObject(item),
    )
    return false
  }
  if (
    message.dkimDomain &&
    message.auth.dkim === 'pass' &&
    domainRelation(message.dkimDomain, infra) === 'exact'
  )
    return true
  if (message.ptr) return domainRelation(message.ptr, infra) !== null
  if (message.ptr === undefined)
    trace.uncertain(
      stage,
      `Spoof entry's sending infrastructure ${infra} may be the source's PTR domain: not applied`,
      spoofObject(item),
      'The test message does not give the PTR of its source; only a verified DKIM domain was compared',
    )
  return false
}

/**
 * Finds the Tenant Allow/Block List entries in force (not expired at `now`) that match the
 * message: sender (envelope or From), URL, IPv6 address and spoofed-sender pairs. Within each list
 * a block beats an allow (reference §4.5).
 */
export function checkTabl(
  snapshot: TenantSnapshot,
  message: TestMessage,
  cip: string,
  now: string,
  trace: Trace,
): TablHits {
  const hits: TablHits = {
    senderAllow: null,
    senderBlock: null,
    urlAllowed: new Map(),
    urlBlock: null,
    ipAllow: null,
    ipBlock: null,
    spoofAllow: null,
    spoofBlock: null,
  }
  const stage = 'tenant-allow-block-list'
  const senders = { mailFrom: message.mailFrom, headerFrom: message.headerFrom }
  // Only the entries that can match or that the trace names, in list order (tabl-index.ts): file
  // hashes and advanced delivery URLs are not among them.
  const items = snapshot.state.tabl.items
  const { positions, fileHashes } = tablCandidates(items, message, cip)
  for (const at of positions) {
    const item = items[at] as TablItem
    const state = tablEntryActive(item, now)
    const o = entryObject(item)
    let matched = false
    if (item.ListType === 'Sender') {
      const { hit } = matchSenderList([item.Value], senders)
      if (hit) {
        matched = true
        const note = oneSidedNote(hit)
        if (state.active && note)
          trace.uncertain(stage, 'Sender entry matched one address only', o, note)
      }
    } else if (item.ListType === 'Url') {
      // ms-rule: eval.tabl.url-syntax
      const results = message.urls.map((u) => tablUrlMatch(item.Value, u, item.Action))
      matched = results.some((r) => r.matched)
      const unusable = results.find((r) => r.unusable)?.unusable
      if (unusable && state.active)
        trace.step(
          stage,
          `URL entry never matches: ${unusable}`,
          o,
          'tenant-allow-block-list-urls-configure.md, URL syntax',
        )
    } else if (item.ListType === 'IP') matched = ipMatchesAny(cip, [item.Value])
    if (!matched) continue
    if (!state.active) {
      trace.step(stage, `Entry matches but is not in force: ${state.why}`, o)
      continue
    }
    const hit = { value: item.Value, object: o }
    trace.step(stage, `Entry matches (${state.why})`, o)
    if (item.ListType === 'Sender') {
      if (item.Action === 'Allow') hits.senderAllow ??= hit
      else hits.senderBlock ??= hit
    } else if (item.ListType === 'IP') {
      if (item.Action === 'Allow') hits.ipAllow ??= hit
      else hits.ipBlock ??= hit
    } else if (item.Action === 'Block') hits.urlBlock ??= hit
    else
      for (const u of message.urls)
        if (tablUrlMatches(item.Value, u, 'Allow') && !hits.urlAllowed.has(u))
          hits.urlAllowed.set(u, hit)
  }
  if (hits.urlBlock) hits.urlAllowed.clear()
  if (fileHashes)
    trace.step(
      stage,
      `${fileHashes} file hash entr${fileHashes === 1 ? 'y' : 'ies'} not checked`,
      null,
      'A test message names its attachments but carries no file hashes',
    )

  for (const item of snapshot.state.tabl.spoofItems) {
    if (!spoofMatches(item, message, cip, snapshot, trace)) continue
    const hit = {
      value: `${item.SpoofedUser} via ${item.SendingInfrastructure}`,
      object: spoofObject(item),
    }
    trace.step(
      stage,
      `Spoofed-sender entry matches (${item.SpoofType}; spoof entries never expire)`,
      hit.object,
    )
    if (item.Action === 'Allow') hits.spoofAllow ??= hit
    else hits.spoofBlock ??= hit
  }
  for (const [allow, block, what] of [
    [hits.senderAllow, hits.senderBlock, 'sender'],
    [hits.ipAllow, hits.ipBlock, 'IP'],
    [hits.spoofAllow, hits.spoofBlock, 'spoofed-sender'],
  ] as const)
    if (allow && block)
      trace.step(
        stage,
        `Both a ${what} allow and a ${what} block match: the block wins`,
        block.object,
      )
  // ms-rule: eval.block.beats-allow
  if (hits.senderBlock) hits.senderAllow = null
  if (hits.ipBlock) hits.ipAllow = null
  if (hits.spoofBlock) hits.spoofAllow = null
  return hits
}
