import type { TenantSnapshot } from '../model/snapshot.js'
import type { TablItem, TablSpoofItem } from '../model/tabl.js'
import { ipMatchesAny, parseIpEntry, slash24 } from '../net/ip.js'
import { domainRelation, isAcceptedDomain, matchSenderList, oneSidedNote } from './match.js'
import { domainOf, type TestMessage } from './message.js'
import { obj, type Trace } from './trace.js'
import type { TraceObject } from './types.js'

const DAY_MS = 24 * 60 * 60 * 1000

/** Whether a Tenant Allow/Block List entry is in force at `now`: an expired entry is not. */
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

/** A URL without its scheme, with a lower-cased host and at least a `/` path. */
export function urlWithoutScheme(url: string): {
  host: string
  rest: string
  scheme: string | null
} {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url.trim())
  const scheme = m?.[1]?.toLowerCase() ?? null
  const body = m ? (m[2] ?? '') : url.trim()
  const cut = body.search(/[/?#]/)
  const hostPart = cut === -1 ? body : body.slice(0, cut)
  const host = hostPart.replace(/^[^@]*@/, '').toLowerCase()
  let rest = cut === -1 ? '/' : body.slice(cut)
  if (!rest.startsWith('/')) rest = `/${rest}`
  return { host, rest, scheme }
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${escaped}$`, 'i')
}

/**
 * True when a TABL URL entry covers a URL. The reference says only: host or IP with `*` and `~`
 * wildcards, no scheme. Modelled as: `~host` covers the host and its subdomains; an entry with no
 * path covers every path on that host; `*` matches any run of characters.
 */
export function tablUrlMatches(entry: string, url: string): boolean {
  const u = urlWithoutScheme(url)
  const e = entry.trim().toLowerCase()
  if (e.startsWith('~')) {
    const host = e.slice(1).split('/')[0] ?? ''
    return domainRelation(u.host, host) !== null
  }
  const slash = e.indexOf('/')
  const hostPat = slash === -1 ? e : e.slice(0, slash)
  const pathPat = slash === -1 ? null : e.slice(slash)
  if (!globToRegExp(hostPat).test(u.host)) return false
  if (pathPat === null) return true
  return globToRegExp(pathPat).test(u.rest) || globToRegExp(pathPat).test(u.rest.replace(/\/$/, ''))
}

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

/** True when the spoof entry's pair (spoofed user, sending infrastructure) matches the message. */
function spoofMatches(
  item: TablSpoofItem,
  message: TestMessage,
  source: string,
  snapshot: TenantSnapshot,
  trace: Trace,
): boolean {
  const fromDomain = domainOf(message.headerFrom)
  const internal = isAcceptedDomain(snapshot, fromDomain)
  if ((item.SpoofType === 'Internal') !== internal) return false
  const user = item.SpoofedUser.trim().toLowerCase()
  const userOk =
    user === '*'
      ? true
      : user.includes('@')
        ? user === message.headerFrom
        : domainRelation(fromDomain, user) === 'exact'
  if (!userOk) return false
  if (user === '*')
    // Vendors ask for "spoof any domain" from their infrastructure and Microsoft's in-and-out
    // guidance implies it, but the spoof-entry reference documents only domains and addresses.
    trace.uncertain(
      'tenant-allow-block-list',
      `Spoof entry with SpoofedUser '*' treated as matching any sender domain`,
      spoofObject(item),
      'Microsoft documents domains and addresses as spoofed users; the wildcard is what vendors and the in-and-out relay guidance describe',
    )
  const infra = item.SendingInfrastructure.trim().toLowerCase()
  if (parseIpEntry(infra)) return slash24(source) === infra || ipMatchesAny(source, [infra])
  if (
    message.dkimDomain &&
    message.auth.dkim === 'pass' &&
    domainRelation(message.dkimDomain, infra) === 'exact'
  )
    return true
  trace.uncertain(
    'tenant-allow-block-list',
    `Spoof entry's sending infrastructure ${infra} may be a PTR domain`,
    spoofObject(item),
    'The test message carries no PTR name of its source; only a DKIM domain or a /24 is compared',
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
  let fileHashes = 0
  for (const item of snapshot.state.tabl.items) {
    const state = tablEntryActive(item, now)
    if (item.ListType === 'FileHash') {
      fileHashes++
      continue
    }
    if (item.ListType === 'Url' && item.ListSubType === 'AdvancedDelivery') continue
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
    } else if (item.ListType === 'Url')
      matched = message.urls.some((u) => tablUrlMatches(item.Value, u))
    else if (item.ListType === 'IP') matched = ipMatchesAny(cip, [item.Value])
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
        if (tablUrlMatches(item.Value, u) && !hits.urlAllowed.has(u)) hits.urlAllowed.set(u, hit)
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
  if (hits.senderBlock) hits.senderAllow = null
  if (hits.ipBlock) hits.ipAllow = null
  if (hits.spoofBlock) hits.spoofAllow = null
  return hits
}
