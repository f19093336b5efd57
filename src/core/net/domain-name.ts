/**
 * Domain-name text helpers that need no data set: kept apart from domain.ts (which loads the
 * Public Suffix List and the email-providers list) so that callers on a hot start-up path, like
 * the header analyzer behind `passage explain`, do not load them.
 */

/** Lower-cases a domain and strips a trailing dot and a leading `*.`. */
export function normaliseDomain(input: string): string {
  return input.trim().toLowerCase().replace(/\.$/, '').replace(/^\*\./, '')
}

/** True when `domain` equals `parent` or is a subdomain of it. */
export function isSameOrSubdomain(domain: string, parent: string): boolean {
  const d = normaliseDomain(domain)
  const p = normaliseDomain(parent)
  return d === p || d.endsWith(`.${p}`)
}
