import { describe, expect, it } from 'vitest'
import { summarise } from './summarise.js'
import { bypassRule, first, makeDefenderSnapshot, run, VENDOR_IP } from './test-fixtures.js'

// Cases no allow configuration can fix (design.md: say plainly what no allow can override).
const everyAllow = makeDefenderSnapshot({
  rules: [bypassRule({ StopRuleProcessing: true })],
  state: {
    connectionFilter: { IPAllowList: [VENDOR_IP] },
    antiSpam: {
      policies: [
        {
          Name: 'Default',
          IsDefault: true,
          AllowedSenders: ['news@contoso.com'],
          AllowedSenderDomains: ['contoso.com'],
        },
      ],
    },
    tabl: {
      items: [
        {
          ListType: 'Sender',
          Action: 'Allow',
          Value: 'contoso.com',
          ExpirationDate: '2026-12-01T00:00:00Z',
        },
        {
          ListType: 'Url',
          Action: 'Allow',
          // `/*`: subpaths are not implied for allows (tenant-allow-block-list-urls-configure.md).
          Value: 'contoso.com/*',
          ExpirationDate: '2026-12-01T00:00:00Z',
        },
      ],
    },
  },
})
const safe = { userSafeSenders: { 'alice@fabrikam.com': ['news@contoso.com'] } }

describe('what no configuration can fix', () => {
  it.each([
    ['malware', 'MALW'],
    ['high-confidence-phish', 'HPHSH'],
  ] as const)(
    'eval.allow.malware-never: %s is quarantined despite every allow (MX at Microsoft)',
    (d, cat) => {
      const r = first(everyAllow, { ...safe, detections: [d], urls: ['https://contoso.com/x'] })
      expect(r).toMatchObject({ action: 'quarantine', category: cat, detected: cat })
      const refusals = r.trace.filter((t) => /does not override/.test(t.decision))
      expect(refusals.length).toBeGreaterThanOrEqual(2)
      expect(
        refusals.some((t) =>
          /No allow overrides malware|defender-office-365\/secure-by-default/.test(t.note ?? ''),
        ),
      ).toBe(true)
    },
  )

  it('summarise says so in plain words', () => {
    const lines = summarise(run(everyAllow, { detections: ['malware'] }))
    expect(lines.join('\n')).toMatch(/no allow can override malware/)
  })

  it('but the same allows deliver spam and phish', () => {
    for (const d of ['spam', 'phish', 'high-confidence-spam'] as const)
      expect(first(everyAllow, { detections: [d] }).action).toBe('inbox')
  })
})
