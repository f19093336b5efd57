import type { SafeLinksPolicy } from '../model/safe-links.js'
import { SAFE_LINKS_LIMITS } from '../model/safe-links.js'
import type { Selected } from './policies.js'
import { urlWithoutScheme } from './tabl.js'
import { obj, type Trace } from './trace.js'
import type { SafeLinkResult } from './types.js'

/** True when a DoNotRewriteUrls entry is one Exchange accepts (at most three `*`). */
export function validDoNotRewriteEntry(entry: string): boolean {
  return (
    entry.trim().length > 0 &&
    (entry.match(/\*/g) ?? []).length <= SAFE_LINKS_LIMITS.maxWildcardsPerEntry
  )
}

function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${escaped}$`, 'i')
}

/**
 * True when a DoNotRewriteUrls entry covers a URL (reference §3.5): `*` matches any run of
 * characters; an entry without a scheme covers http and https. So `contoso.com/*` covers the
 * domain's pages, `*.contoso.com/*` its subdomains, and both are needed to cover a domain fully.
 */
export function doNotRewriteMatches(entry: string, url: string): boolean {
  if (!validDoNotRewriteEntry(entry)) return false
  const e = entry.trim()
  const u = urlWithoutScheme(url)
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(e)
  const bodies = [`${u.host}${u.rest}`]
  if (u.rest === '/') bodies.push(u.host)
  const candidates = withScheme ? bodies.map((b) => `${u.scheme ?? 'http'}://${b}`) : bodies
  const re = glob(e)
  return candidates.some((c) => re.test(c))
}

/** What else decides Safe Links for this recipient. */
export interface SafeLinksContext {
  /** A rule set X-MS-Exchange-Organization-SkipSafeLinksProcessing (its value), or null. */
  skipHeader: { value: string; rule: string } | null
  /** The phishing simulation override applies. */
  phishSim: boolean
  intraOrg: boolean
}

/**
 * Safe Links at delivery, per URL (Defender only). A URL is rewritten unless the winning policy
 * has Safe Links for email off or URL rewriting disabled, the URL is in its DoNotRewriteUrls, or a
 * mail flow rule set SkipSafeLinksProcessing (semantics unconfirmed). Phishing simulation URLs are
 * wrapped but not blocked.
 */
export function evaluateSafeLinks(
  urls: readonly string[],
  selected: Selected<SafeLinksPolicy> | null,
  ctx: SafeLinksContext,
  trace: Trace,
): SafeLinkResult[] {
  const stage = 'safe-links'
  if (!urls.length) return []
  if (!selected) {
    trace.step(stage, 'No Safe Links: the tenant has no Defender for Office 365', null)
    return urls.map((url) => ({ url, rewritten: false, reason: 'no Defender for Office 365' }))
  }
  const p = selected.policy
  const o = selected.object
  const all = (rewritten: boolean, reason: string): SafeLinkResult[] =>
    urls.map((url) => ({ url, rewritten, reason }))
  if (!p.EnableSafeLinksForEmail) {
    trace.step(stage, 'Safe Links for email is off in the policy: URLs not rewritten', o)
    return all(false, `Safe Links for email is off in '${p.Name}'`)
  }
  if (ctx.intraOrg && !p.EnableForInternalSenders) {
    trace.step(stage, 'Safe Links is off for internal senders: URLs not rewritten', o)
    return all(false, `Safe Links is off for internal senders in '${p.Name}'`)
  }
  if (p.DisableUrlRewrite) {
    trace.step(
      stage,
      'URL rewriting is disabled in the policy (checked at click through the API only)',
      o,
    )
    return all(false, `URL rewriting disabled in '${p.Name}'`)
  }
  if (ctx.skipHeader) {
    const honoured = ctx.skipHeader.value.trim() === '1'
    trace.uncertain(
      stage,
      honoured
        ? 'SkipSafeLinksProcessing set by a mail flow rule: URLs not rewritten'
        : `SkipSafeLinksProcessing set to '${ctx.skipHeader.value}', not the usual 1: treated as not honoured`,
      obj('transport-rule', ctx.skipHeader.rule),
      'The header is not defined on Microsoft Learn; its semantics are unconfirmed (flagged by ORCA 189.2)',
    )
    if (honoured)
      return all(
        false,
        `SkipSafeLinksProcessing set by rule '${ctx.skipHeader.rule}' (unconfirmed)`,
      )
  }
  const invalid = p.DoNotRewriteUrls.filter((e) => !validDoNotRewriteEntry(e))
  if (invalid.length)
    trace.step(
      stage,
      `DoNotRewriteUrls entries ignored (more than three *): ${invalid.join(', ')}`,
      o,
    )
  return urls.map((url) => {
    const entry = p.DoNotRewriteUrls.find((e) => doNotRewriteMatches(e, url))
    if (entry) {
      trace.step(
        stage,
        `${url}: not rewritten (DoNotRewriteUrls '${entry}')`,
        o,
        'Still checked, and can be blocked, at click',
      )
      if (ctx.phishSim)
        trace.step(
          stage,
          `${url}: a simulation URL in DoNotRewriteUrls can cause unwanted click alerts`,
          o,
        )
      return { url, rewritten: false, reason: `in DoNotRewriteUrls of '${p.Name}' ('${entry}')` }
    }
    if (ctx.phishSim) {
      trace.step(stage, `${url}: wrapped, but not blocked (phishing simulation)`, o)
      return { url, rewritten: true, reason: 'wrapped but not blocked (advanced delivery)' }
    }
    trace.step(stage, `${url}: rewritten`, o)
    return { url, rewritten: true, reason: `rewritten by '${p.Name}'` }
  })
}
