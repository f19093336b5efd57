import type { TenantSnapshot } from '../model/snapshot.js'
import type { TablItem, TablSpoofItem } from '../model/tabl.js'
import { ipMatchesAny, parseIpEntry, slash24 } from '../net/ip.js'
import { domainRelation, isAcceptedDomain, matchSenderList, oneSidedNote } from './match.js'
import { domainOf, type TestMessage } from './message.js'
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

/** A URL without its scheme, with a lower-cased host and at least a `/` path. */
export function urlWithoutScheme(url: string): {
  host: string
  rest: string
  scheme: string | null
} {
  const u = splitUrl(url)
  return { host: u.host, rest: u.rest || '/', scheme: u.scheme }
}

/** A URL split as the Tenant Allow/Block List sees it: host, and the rest ('' when none). */
function splitUrl(url: string): { host: string; rest: string; scheme: string | null } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url.trim())
  const scheme = m?.[1]?.toLowerCase() ?? null
  const body = m ? (m[2] ?? '') : url.trim()
  const cut = body.search(/[/?#]/)
  const hostPart = cut === -1 ? body : body.slice(0, cut)
  // A username or password is not part of what an entry matches; a port is not either.
  const host = hostPart
    .replace(/^[^@]*@/, '')
    .replace(/:\d+$/, '')
    .toLowerCase()
  const rest = cut === -1 ? '' : body.slice(cut)
  return { host, rest, scheme }
}

/** The shape of a Tenant Allow/Block List URL entry, per the URL syntax table. */
type UrlEntryForm =
  | { form: 'exact'; host: string; path: string }
  | { form: 'path-wildcard'; host: string; prefix: string }
  | { form: 'subdomains'; host: string; anyPath: boolean }
  | { form: 'tilde'; host: string; right: boolean }
  | { form: 'tld'; tld: string }

const HOST_RE = /^(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)*$/
const IPV4_RE = /^\d{1,3}(\.\d{1,3}){3}$/

/** True for a host the URL syntax accepts: an IP, or a name with a period, ≥1 char left, ≥2 right. */
function validHost(host: string): boolean {
  if (IPV4_RE.test(host) || (host.includes(':') && /^[0-9a-f:]+$/.test(host))) return true
  if (!HOST_RE.test(host)) return false
  const dot = host.lastIndexOf('.')
  return dot >= 1 && host.length - dot - 1 >= 2
}

/**
 * Parses a URL entry into the forms of the URL syntax table of
 * tenant-allow-block-list-urls-configure.md, or says why it is invalid (ports, quotes, middle or
 * double wildcards, a right wildcard not after `/`, a left wildcard not followed by `.`, wildcards
 * in IPs, `*` or `*.*` alone, a host without a resolvable domain).
 */
export function parseTablUrlEntry(entry: string): UrlEntryForm | { invalid: string } {
  const e = entry
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
  if (/['"]/.test(e)) return { invalid: 'quotes are not allowed' }
  if (e.startsWith('~')) {
    const right = e.endsWith('~') && e.length > 1
    const host = e.slice(1, right ? -1 : undefined)
    if (!validHost(host) || host.includes('*') || host.includes('~') || host.includes('/'))
      return { invalid: 'a tilde entry takes a domain' }
    return { form: 'tilde', host, right }
  }
  if (e.includes('~')) return { invalid: 'a tilde only on the left (and right) of a domain' }
  const slash = e.indexOf('/')
  const hostPat = slash === -1 ? e : e.slice(0, slash)
  const path = slash === -1 ? '' : e.slice(slash)
  if (/:\d+$/.test(hostPat)) return { invalid: 'ports are not allowed' }
  const stars = (e.match(/\*/g) ?? []).length
  const leftStar = hostPat.startsWith('*')
  const rightStar = path.endsWith('/*')
  if (stars > (leftStar ? 1 : 0) + (rightStar ? 1 : 0))
    return {
      invalid: 'a wildcard must be a left `*.` or a right `/*` (no middle or double wildcards)',
    }
  if (leftStar && !hostPat.startsWith('*.'))
    return { invalid: 'a left wildcard must be followed by a period' }
  const host = leftStar ? hostPat.slice(2) : hostPat
  if (IPV4_RE.test(host) && leftStar)
    return { invalid: 'wildcards are not allowed in IP addresses' }
  if (leftStar && !host.includes('.') && /^[a-z]{2,}$/.test(host) && path === '/*')
    return { form: 'tld', tld: host }
  if (!validHost(host)) return { invalid: `'${host}' is not a resolvable host name` }
  if (leftStar) {
    if (path && path !== '/*') return { invalid: 'a left wildcard entry takes no path but `/*`' }
    return { form: 'subdomains', host, anyPath: path === '/*' }
  }
  if (rightStar) return { form: 'path-wildcard', host, prefix: path.slice(0, -1) }
  return { form: 'exact', host, path }
}

/** True when `domain` appears in `text` as a whole domain token (not inside `abc-contoso.com`). */
function domainToken(text: string, domain: string, after: RegExp): boolean {
  let i = text.indexOf(domain)
  while (i !== -1) {
    const before = i === 0 ? '' : (text[i - 1] ?? '')
    const next = text[i + domain.length] ?? ''
    if (after.test(before) && !/[a-z0-9.-]/.test(next)) return true
    i = text.indexOf(domain, i + 1)
  }
  return false
}

/** The result of matching a URL against a Tenant Allow/Block List URL entry. */
export interface UrlMatch {
  matched: boolean
  /** Why the entry never matches (invalid syntax, or an allow form only advanced delivery takes). */
  unusable: string | null
}

/**
 * Matches a URL against a Tenant Allow/Block List URL entry the way the URL syntax table of
 * tenant-allow-block-list-urls-configure.md says (ms-rule: eval.tabl.url-syntax):
 * - allows do not imply subpaths: `contoso.com` allows only `contoso.com`, `contoso.com/*` allows
 *   any path (not the bare host), `contoso.com/a/*` anything under `/a/`
 *   (ms-rule: eval.tabl.url-no-subpath);
 * - `*.contoso.com`, `*.contoso.com/*`, `~contoso.com` and `~contoso.com~` allow entries are
 *   supported only in advanced delivery: as Tenant allows they never match
 *   (ms-rule: eval.tabl.url-left-wildcard-allow);
 * - a block `contoso.com` also covers paths, subdomains and the domain in another URL's path;
 *   `*.TLD/*` blocks a whole top-level domain.
 */
// ms-rule: eval.tabl.url-no-subpath
// ms-rule: eval.tabl.url-left-wildcard-allow
export function tablUrlMatch(entry: string, url: string, action: 'Allow' | 'Block'): UrlMatch {
  const parsed = parseTablUrlEntry(entry)
  if ('invalid' in parsed) return { matched: false, unusable: `invalid entry: ${parsed.invalid}` }
  const allow = action === 'Allow'
  if (allow && (parsed.form === 'subdomains' || parsed.form === 'tilde' || parsed.form === 'tld'))
    return {
      matched: false,
      unusable:
        parsed.form === 'tld'
          ? 'a top-level domain entry is a block form'
          : 'this allow form is supported only in advanced delivery, not as a Tenant allow',
    }
  const u = splitUrl(url)
  const whole = `${u.host}${u.rest}`
  const rel = (h: string) => domainRelation(u.host, h)
  switch (parsed.form) {
    case 'exact': {
      // An IP entry is the IP itself, for allows and blocks alike (the table's IP row).
      if (allow || IPV4_RE.test(parsed.host) || parsed.host.includes(':')) {
        // Only the URL itself: same host, same path (a lone trailing `/` is the same URL).
        const rest = u.rest === '/' ? '' : u.rest
        const path = parsed.path === '/' ? '' : parsed.path
        return { matched: u.host === parsed.host && rest === path, unusable: null }
      }
      if (parsed.path) {
        // The table has no row for a block with a path and no wildcard: treated as a prefix.
        const under = rel(parsed.host) !== null && u.rest.startsWith(parsed.path)
        return { matched: under, unusable: null }
      }
      const matched = rel(parsed.host) !== null || domainToken(u.rest, parsed.host, /[/=@]/)
      return { matched, unusable: null }
    }
    case 'path-wildcard':
      return {
        matched:
          u.host === parsed.host &&
          u.rest.startsWith(parsed.prefix) &&
          u.rest.length > parsed.prefix.length,
        unusable: null,
      }
    case 'subdomains':
      return {
        matched:
          rel(parsed.host) === 'subdomain' &&
          (parsed.anyPath ? u.rest.length > 1 : u.rest === '' || u.rest === '/'),
        unusable: null,
      }
    case 'tilde':
      return {
        matched: parsed.right
          ? rel(parsed.host) !== null || domainToken(u.rest, parsed.host, /\//)
          : rel(parsed.host) !== null && (u.rest === '' || u.rest === '/'),
        unusable: null,
      }
    case 'tld':
      return {
        matched:
          u.host === parsed.tld ||
          u.host.endsWith(`.${parsed.tld}`) ||
          whole.startsWith(`${parsed.tld}/`),
        unusable: null,
      }
  }
}

/** True when a Tenant Allow/Block List URL entry of this action covers the URL (see tablUrlMatch). */
export function tablUrlMatches(
  entry: string,
  url: string,
  action: 'Allow' | 'Block' = 'Block',
): boolean {
  return tablUrlMatch(entry, url, action).matched
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
