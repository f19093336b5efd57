import type { BaselineHit, Change } from '../change.js'

const hit = (scanner: BaselineHit['scanner'], check: string, title: string): BaselineHit => ({
  scanner,
  check,
  title,
})

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
        out.push(hit('Maester', 'MT.1043', 'Mail flow rules must not set SCL -1'))
        const hasDomainOrAuth =
          (Array.isArray(after.SenderDomainIs) && after.SenderDomainIs.length > 0) ||
          typeof after.HeaderMatchesMessageHeader === 'string'
        if (!hasDomainOrAuth) out.push(hit('ORCA', '118-2', 'SCL -1 rule scoped by sender IP only'))
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
