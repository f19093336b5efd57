import type { BehaviourRow } from './types.js'

const DD = 'MicrosoftDocs/defender-docs:defender-office-365/'
const PS = 'MicrosoftDocs/office-docs-powershell:exchange/exchange-ps/ExchangePowerShell/'
const READ = '2026-12-06'
const CODE = ['src/core/planner/limits.ts']
const TESTS = ['src/core/planner/limits.test.ts']
const NOT_REREAD =
  'Carried from shared/reference/exchange-online-api.md; not re-read against the Microsoft page in this change.'

/** The Microsoft limits the planner enforces (src/core/planner/limits.ts), each traced to Microsoft. */
export const ROWS: readonly BehaviourRow[] = [
  {
    id: 'limits.transport-rule.count',
    area: 'limits',
    rule: 'An organisation holds at most 300 mail flow rules; a plan that would create more is refused.',
    sources: [
      {
        page: 'https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits',
        read: READ,
      },
    ],
    code: CODE,
    tests: TESTS,
    disagreement: NOT_REREAD,
  },
  {
    id: 'limits.transport-rule.size',
    area: 'limits',
    rule: 'The conditions, exceptions and actions of one mail flow rule hold at most 8 KB of text.',
    sources: [
      {
        page: 'https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits',
        read: READ,
      },
    ],
    code: CODE,
    tests: TESTS,
    disagreement: `${NOT_REREAD} passage measures the JSON of the rule, which overcounts.`,
  },
  {
    id: 'limits.transport-rule.name',
    area: 'limits',
    rule: 'A mail flow rule name holds at most 64 characters.',
    sources: [{ page: `${PS}New-TransportRule.md`, read: READ }],
    code: CODE,
    tests: TESTS,
    disagreement: NOT_REREAD,
  },
  {
    id: 'limits.connection-filter.ip-allow',
    area: 'limits',
    rule: 'The connection filter IP Allow List holds at most 1273 entries.',
    sources: [{ page: `${DD}connection-filter-policies-configure.md`, read: READ }],
    code: CODE,
    tests: TESTS,
    disagreement: NOT_REREAD,
  },
  {
    id: 'limits.anti-spam.allowed-list',
    area: 'limits',
    rule: 'An anti-spam policy’s allowed sender and domain lists hold about 1000 entries (30 through the portal).',
    sources: [{ page: `${DD}create-safe-sender-lists-in-office-365.md`, read: READ }],
    code: CODE,
    tests: TESTS,
    disagreement: 'Microsoft gives the figure as approximate; passage refuses past 1000.',
  },
  {
    id: 'limits.anti-phish.excluded',
    area: 'limits',
    rule: 'An anti-phishing policy’s trusted (excluded) senders and domains hold at most 1000 entries.',
    sources: [{ page: `${DD}anti-phishing-policies-mdo-configure.md`, read: READ }],
    code: CODE,
    tests: TESTS,
    disagreement: NOT_REREAD,
  },
  {
    id: 'limits.tabl.entries',
    area: 'limits',
    rule: 'The Tenant Allow/Block List holds a number of allow and of block entries per list type that depends on the licence (EOP, Defender P1, P2).',
    sources: [{ page: `${DD}tenant-allow-block-list-about.md`, read: READ }],
    code: CODE,
    tests: TESTS,
    disagreement: NOT_REREAD,
  },
  {
    id: 'limits.tabl.url-length',
    area: 'limits',
    rule: 'A Tenant Allow/Block List URL entry holds at most 250 characters.',
    sources: [{ page: `${DD}tenant-allow-block-list-about.md`, read: READ }],
    code: CODE,
    tests: TESTS,
    disagreement: NOT_REREAD,
  },
  {
    id: 'limits.tabl.spoof-entries',
    area: 'limits',
    rule: 'The Tenant Allow/Block List holds at most 1024 spoofed-sender entries.',
    sources: [{ page: `${PS}New-TenantAllowBlockListSpoofItems.md`, read: READ }],
    code: CODE,
    tests: TESTS,
  },
  {
    id: 'limits.advanced-delivery.domains',
    area: 'limits',
    rule: 'The phishing simulation override rule holds at most 20 domains.',
    sources: [
      { page: `${PS}New-ExoPhishSimOverrideRule.md`, read: READ },
      { page: `${DD}advanced-delivery-policy-configure.md`, read: READ },
    ],
    code: CODE,
    tests: TESTS,
    disagreement:
      'The cmdlet page says up to 20 domains; the portal procedure says up to 50. passage writes through the cmdlet and follows 20.',
  },
  {
    id: 'limits.advanced-delivery.ips',
    area: 'limits',
    rule: 'The phishing simulation override rule holds at most 10 sending IP entries (IPv4 address, range or CIDR).',
    sources: [
      { page: `${PS}New-ExoPhishSimOverrideRule.md`, read: READ },
      { page: `${DD}advanced-delivery-policy-configure.md`, read: READ },
    ],
    code: CODE,
    tests: TESTS,
  },
  {
    id: 'limits.advanced-delivery.urls',
    area: 'limits',
    rule: 'Advanced delivery holds at most 30 simulation URLs to allow.',
    sources: [{ page: `${DD}advanced-delivery-policy-configure.md`, read: READ }],
    code: CODE,
    tests: TESTS,
    disagreement:
      'The page’s PowerShell syntax line shows ten URLs; its portal procedure says up to 30. passage follows 30.',
  },
]
