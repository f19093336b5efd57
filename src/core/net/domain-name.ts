/**
 * Domain-name text helpers that need no data set: kept apart from domain.ts (which loads the
 * Public Suffix List and the email-providers list) so that callers on a hot start-up path, like
 * the header analyzer behind `passage explain`, do not load them.
 */

/** Lower-cases a domain and strips a trailing dot and a leading `*.`. */
export function normaliseDomain(input: string): string {
  const d = input.trim().toLowerCase()
  // The usual domain has neither a trailing dot nor a leading `*.`: the two replaces below would
  // leave it as it is, so it is given back without running them (a fast path, nothing more).
  // Stryker disable next-line all: equivalent when mutated toward the replaces (same result)
  if (d.charCodeAt(d.length - 1) !== 46 && !(d.charCodeAt(0) === 42 && d.charCodeAt(1) === 46))
    return d
  return d.replace(/\.$/, '').replace(/^\*\./, '')
}

/** True when `domain` equals `parent` or is a subdomain of it. */
export function isSameOrSubdomain(domain: string, parent: string): boolean {
  const d = normaliseDomain(domain)
  const p = normaliseDomain(parent)
  return d === p || d.endsWith(`.${p}`)
}
