import { describe, expect, it } from 'vitest'
import { linkMicrosoftPages, microsoftPageUrl } from './microsoft-pages.js'

describe('notes name Microsoft pages by address, not by file', () => {
  it('a Defender page goes to learn.microsoft.com/defender-office-365', () => {
    expect(linkMicrosoftPages('secure-by-default.md: no allow overrides malware')).toBe(
      'https://learn.microsoft.com/defender-office-365/secure-by-default: no allow overrides malware',
    )
  })

  it('a cmdlet page goes to the Exchange PowerShell reference, lower-cased', () => {
    expect(microsoftPageUrl('New-TenantAllowBlockListSpoofItems')).toBe(
      'https://learn.microsoft.com/powershell/module/exchange/new-tenantallowblocklistspoofitems',
    )
  })

  it('a mail flow page of OfficeDocs-Exchange goes to its own address', () => {
    expect(microsoftPageUrl('enhanced-filtering-for-connectors')).toMatch(
      /^https:\/\/learn\.microsoft\.com\/exchange\/mail-flow-best-practices\//,
    )
  })

  it('every page in a note is linked, and nothing else changes', () => {
    const out = linkMicrosoftPages(
      'create-safe-sender-lists-in-office-365.md pairs IPV:CAL with SFV:SKN; anti-spam-policies-troubleshooting.md pairs it with SFV:SKI.',
    )
    expect(out).not.toMatch(/\.md\b/)
    expect(out).toContain(
      'defender-office-365/create-safe-sender-lists-in-office-365 pairs IPV:CAL',
    )
    expect(out).toContain('defender-office-365/anti-spam-policies-troubleshooting pairs it')
    expect(linkMicrosoftPages('no page here (SFV:SKN).')).toBe('no page here (SFV:SKN).')
  })
})
