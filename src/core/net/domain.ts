import emailProviders from 'email-providers/all.json' with { type: 'json' }
import { parse } from 'tldts'
import {
  CONSUMER_BRANDS,
  INSTEAD,
  REVIEWED_SHARED_DOMAINS,
  type SharedList,
} from './shared-domains.js'

import { normaliseDomain } from './domain-name.js'

export type { SharedList } from './shared-domains.js'

export { isSameOrSubdomain, normaliseDomain } from './domain-name.js'

/** True when the text is a syntactically valid internet domain with a known public suffix. */
export function isValidDomain(input: string): boolean {
  const d = normaliseDomain(input)
  if (d.length === 0 || d.length > 253 || !/^[a-z0-9.-]+$/.test(d)) return false
  const p = parse(d, { allowPrivateDomains: true })
  return (
    p.isIp === false &&
    p.domain !== null &&
    p.publicSuffix !== null &&
    (p.isIcann === true || p.isPrivate === true)
  )
}

/** The registrable domain (e.g. `tk.cmnky.co` -> `cmnky.co`), or null. */
export function registrableDomain(input: string): string | null {
  return parse(normaliseDomain(input)).domain ?? null
}

/**
 * Consumer mailbox providers and shared sending infrastructure from passage's reviewed list
 * (see ./shared-domains.ts), kept for callers that list them. {@link sharedDomainReason} also
 * checks the maintained data: the email-providers package and the Public Suffix List.
 */
export const SHARED_DOMAINS: readonly string[] = REVIEWED_SHARED_DOMAINS.map((e) => e.domain)

/** Why a domain is shared, and what to allow instead. */
export interface SharedDomainReason {
  /** Which list matched. */
  list: SharedList
  /** The entry that matched: a domain, a brand (`hotmail.*`) or a public suffix. */
  matched: string
  /** Where the entry comes from. */
  source: 'passage' | 'email-providers' | 'public-suffix-list'
  /** Why allowing it allows others. */
  why: string
  /** The safer alternative. */
  instead: string
}

// The email-providers package (ISC, derhuerst/email-providers): ~8,800 free and consumer mailbox
// domains, country domains included, maintained upstream; a Set for constant-time look-ups.
const PROVIDERS: ReadonlySet<string> = new Set(emailProviders as string[])
const BRANDS: ReadonlySet<string> = new Set(CONSUMER_BRANDS)

/**
 * The host a sender, spoofed user or URL entry names: lower case, ASCII (punycode), without
 * scheme, credentials, local part, port, path, wildcard or trailing dot. Null when none.
 */
export function hostOfEntry(input: string): string | null {
  let s = input.trim().toLowerCase()
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
  s = s.replace(/[/?#\\].*$/, '')
  if (s.includes('@')) s = s.slice(s.lastIndexOf('@') + 1)
  s = s
    .replace(/:\d*$/, '')
    .replace(/^(\*\.|~|\.)+/, '')
    .replace(/\.+$/, '')
  if (!s) return null
  try {
    // URL's host parser applies IDNA (to punycode) and rejects what no host can be.
    const host = new URL(`http://${s}/`).hostname
    return host.replace(/\.$/, '') || null
  } catch {
    return null
  }
}

/** The domain itself and each parent, e.g. a.b.c.com -> a.b.c.com, b.c.com, c.com, com. */
function selfAndParents(host: string): string[] {
  const labels = host.split('.')
  return labels.map((_, i) => labels.slice(i).join('.'))
}

/**
 * Which shared list the domain (or address, or URL) is on, why, and what to allow instead; null
 * when it is not shared. Checked in order: passage's reviewed list; consumer brands under any
 * public suffix (hotmail.co.uk, outlook.de, msn.co.jp...); the email-providers package; the
 * Public Suffix List's private section through tldts (a customer subdomain of a shared
 * platform: foo.blob.core.windows.net, x.github.io, app.herokuapp.com...).
 */
export function sharedDomainReason(domain: string): SharedDomainReason | null {
  const host = hostOfEntry(domain)
  if (!host) return null
  const reason = (
    list: SharedList,
    matched: string,
    source: SharedDomainReason['source'],
    why: string,
  ): SharedDomainReason => ({ list, matched, source, why, instead: INSTEAD[list] })

  const candidates = selfAndParents(host)
  // The most specific reviewed entry (forms.office.com before a wider one, if any).
  for (const c of candidates) {
    const hit = REVIEWED_SHARED_DOMAINS.find((e) => e.domain === c)
    if (hit) return reason(hit.list, hit.domain, 'passage', hit.why)
  }
  const icann = parse(host)
  if (icann.domainWithoutSuffix && BRANDS.has(icann.domainWithoutSuffix))
    return reason(
      'consumer-mailbox',
      `${icann.domainWithoutSuffix}.*`,
      'passage',
      `${icann.domain ?? host} is a country or regional domain of a consumer mailbox provider: anyone can open an address there`,
    )
  for (const c of candidates)
    if (PROVIDERS.has(c))
      return reason(
        'consumer-mailbox',
        c,
        'email-providers',
        'a free or consumer mailbox provider (email-providers list): anyone can open an address there',
      )
  const priv = parse(host, { allowPrivateDomains: true })
  if (priv.isPrivate && priv.publicSuffix)
    return reason(
      'shared-hosting',
      priv.publicSuffix,
      'public-suffix-list',
      `${priv.publicSuffix} is a shared platform on the Public Suffix List's private section: its subdomains belong to unrelated customers`,
    )
  return null
}

/** True when the domain is, or is under, a consumer or shared domain (see {@link sharedDomainReason}). */
export function isSharedDomain(domain: string): boolean {
  return sharedDomainReason(domain) !== null
}
