/**
 * The URL syntax of Tenant Allow/Block List entries (tenant-allow-block-list-urls-configure.md):
 * how an entry parses, and whether it covers a URL. Kept apart from tabl.ts so that the entry index
 * (tabl-index.ts) and the check of the list (tabl.ts) share one reading of the syntax.
 */
import { domainRelation } from './match.js'

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
export function splitUrl(url: string): { host: string; rest: string; scheme: string | null } {
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
export type UrlEntryForm =
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
