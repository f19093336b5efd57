import type { BaselineHit, Change } from '../change.js'

const hit = (scanner: BaselineHit['scanner'], check: string, title: string): BaselineHit => ({
  scanner,
  check,
  title,
})

/** A value PowerShell's `-ne $null` keeps: not null, not an empty string or list. */
function present(v: unknown): boolean {
  if (v == null || v === '') return false
  return !Array.isArray(v) || v.length > 0
}

/** The strings of a value (a list, or one string). */
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x) => typeof x === 'string') : typeof v === 'string' ? [v] : []

/** Whether a rule (or its exception, with prefix 'ExceptIf') checks Authentication-Results. */
function checksAuthResults(r: Record<string, unknown>, prefix: '' | 'ExceptIf'): boolean {
  const contains = r[`${prefix}HeaderContainsMessageHeader`]
  const matches = r[`${prefix}HeaderMatchesMessageHeader`]
  return (
    (typeof contains === 'string' &&
      contains.toLowerCase() === 'authentication-results' &&
      present(r[`${prefix}HeaderContainsWords`])) ||
    (typeof matches === 'string' &&
      matches.toLowerCase().includes('authentication-results') &&
      present(r[`${prefix}HeaderMatchesPatterns`]))
  )
}

/**
 * Why ORCA 118-2 ("Domain Whitelisting", transport rules) fails a `SetSCL -1` rule, or null when
 * it passes. As ORCA's check reads the rule (ORCA118-2.ps1 in cisagov's and Maester's copies):
 * a rule scoped by sender domain (SenderDomainIs, or a FromAddressContainsWords /
 * FromAddressMatchesPatterns value without `x@`) passes with an Authentication-Results check
 * (condition or exception) or with sender IP ranges; one without a sender domain fails if it has
 * sender IP ranges, whatever else it checks; and one with neither is not judged by this check.
 */
function orca1182(r: Record<string, unknown>): string | null {
  const domainOnly = (v: unknown) => strings(v).some((x) => !/.+@/.test(x))
  const byDomain =
    present(r.SenderDomainIs) ||
    domainOnly(r.FromAddressContainsWords) ||
    domainOnly(r.FromAddressMatchesPatterns)
  const byIp = present(r.SenderIpRanges)
  if (byDomain) {
    if (checksAuthResults(r, '') || checksAuthResults(r, 'ExceptIf') || byIp) return null
    return 'SCL -1 rule for a sender domain without an Authentication-Results or sender IP check'
  }
  return byIp ? 'SCL -1 rule scoped by sender IP without limiting the sender domain' : null
}

/**
 * The baseline checks a change will make fail, per the scanners' rules (landscape.md §6):
 * ORCA, CIS Microsoft 365, CISA ScubaGear (MS.SECURITYSUITE) and Maester.
 */
export function baselinesFor(change: Change): BaselineHit[] {
  if (change.op === 'remove') return []
  const after = change.after ?? {}
  const added = (field: string) =>
    (change.add?.[field]?.length ?? 0) > 0 ||
    (change.op === 'create' && Array.isArray(after[field]) && after[field].length > 0)
  const set = (field: string) =>
    change.set?.[field] ?? (change.op === 'create' ? after[field] : undefined)
  const out: BaselineHit[] = []
  switch (change.surface) {
    case 'transport-rule': {
      if (after.SetSCL === -1) {
        // Maester Test-MtExoSetScl fails on any rule whose SetScl is -1, whatever its scope.
        out.push(hit('Maester', 'MT.1043', 'Mail flow rules must not set SCL -1'))
        const orca = orca1182(after)
        if (orca) out.push(hit('ORCA', '118-2', orca))
      }
      if (after.SetHeaderName === 'X-MS-Exchange-Organization-SkipSafeLinksProcessing')
        out.push(hit('ORCA', '189-2', 'Safe Links bypassed by a mail flow rule'))
      if (after.SetHeaderName === 'X-MS-Exchange-Organization-SkipSafeAttachmentProcessing')
        out.push(hit('ORCA', '189', 'Safe Attachments bypassed by a mail flow rule'))
      break
    }
    case 'connection-filter':
      if (added('IPAllowList'))
        out.push(
          hit('ORCA', '114', 'IP Allow List in the connection filter'),
          hit('CIS', '2.1.12', 'Connection filter IP allow list is not used'),
          hit('CISA', 'MS.SECURITYSUITE.8.1', 'IP allow lists should not be created'),
        )
      if (set('EnableSafeList') === true)
        out.push(
          hit('CIS', '2.1.13', 'Connection filter safe list is off'),
          hit('CISA', 'MS.SECURITYSUITE.8.2', 'Safe lists should not be enabled'),
        )
      break
    case 'anti-spam':
      if (added('AllowedSenderDomains'))
        out.push(
          hit('ORCA', '118-1', 'Domains allowed in anti-spam policies'),
          hit(
            'CISA',
            'MS.SECURITYSUITE.6.2',
            'Allowed domains shall not be added to anti-spam policies',
          ),
        )
      if (added('AllowedSenders'))
        out.push(
          hit('ORCA', '109', 'Senders allowed in anti-spam policies'),
          hit(
            'CISA',
            'MS.SECURITYSUITE.6.2',
            'Allowed senders shall not be added to anti-spam policies',
          ),
        )
      break
    case 'anti-phish':
      if (added('ExcludedDomains') || added('ExcludedSenders'))
        out.push(hit('ORCA', '229', 'Trusted domains or senders in anti-phishing policies'))
      break
    default:
      break
  }
  return out
}
