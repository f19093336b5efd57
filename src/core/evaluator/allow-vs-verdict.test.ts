import { describe, expect, it } from 'vitest'
import {
  bypassRule,
  DETECTION_FOR,
  first,
  GATEWAY_IP,
  gatewaySnapshot,
  makeSnapshot,
  VENDOR_IP,
  type SnapshotOptions,
} from './test-fixtures.js'
import type { Action } from './types.js'

// Reference §4.3, "Allow vs. verdict". Columns: malware, HC phish, and phish/HC spam/spam/bulk.
const ALLOWS: Record<string, SnapshotOptions> = {
  'Transport rule allow': { rules: [bypassRule()] },
  'IP Allow List': { state: { connectionFilter: { IPAllowList: [VENDOR_IP] } } },
  'Anti-spam allowed senders/domains': {
    state: {
      antiSpam: {
        policies: [{ Name: 'Default', IsDefault: true, AllowedSenderDomains: ['contoso.com'] }],
      },
    },
  },
  'TABL allow, sender/domain': {
    state: {
      tabl: {
        items: [
          {
            ListType: 'Sender',
            Action: 'Allow',
            Value: 'contoso.com',
            ExpirationDate: '2026-12-01T00:00:00Z',
          },
        ],
      },
    },
  },
}

// Table rows as [allow, column, expected]: 'tenant' = delivered to the Inbox, 'filter' = quarantined.
const COLUMNS = {
  malware: ['MALW'],
  'HC phish': ['HPHSH'],
  'phish, HC spam, spam, bulk': ['PHSH', 'HSPM', 'SPM', 'BULK'],
} as const
const EXPECTED: Record<string, Record<keyof typeof COLUMNS, 'tenant' | 'filter'>> = {
  'Transport rule allow': {
    malware: 'filter',
    'HC phish': 'filter',
    'phish, HC spam, spam, bulk': 'tenant',
  },
  'IP Allow List': {
    malware: 'filter',
    'HC phish': 'filter',
    'phish, HC spam, spam, bulk': 'tenant',
  },
  'Anti-spam allowed senders/domains': {
    malware: 'filter',
    'HC phish': 'filter',
    'phish, HC spam, spam, bulk': 'tenant',
  },
  'TABL allow, sender/domain': {
    malware: 'filter',
    'HC phish': 'filter',
    'phish, HC spam, spam, bulk': 'tenant',
  },
}

const rows = Object.entries(EXPECTED).flatMap(([allow, cols]) =>
  Object.entries(cols).flatMap(([col, want]) =>
    COLUMNS[col as keyof typeof COLUMNS].map((cat) => [allow, cat, want] as const),
  ),
)

describe('allow vs verdict (reference §4.3)', () => {
  it.each(rows)('%s vs %s: %s wins', (allow, cat, want) => {
    const r = first(makeSnapshot(ALLOWS[allow]), { detections: [DETECTION_FOR[cat]] })
    const expected: Action = want === 'tenant' ? 'inbox' : 'quarantine'
    expect(r.action).toBe(expected)
    expect(r.detected).toBe(cat)
    if (want === 'filter') {
      expect(r.category).toBe(cat)
      expect(r.trace.some((s) => s.stage === 'allow' && /does not override/.test(s.decision))).toBe(
        true,
      )
    } else expect(r.category).toBe('NONE')
  })

  it('advanced delivery (SecOps mailbox): the tenant wins over malware, HC phish and spam', () => {
    const s = makeSnapshot({
      state: { advancedDelivery: { secOpsPolicy: { SentTo: ['alice@fabrikam.com'] } } },
    })
    for (const cat of ['MALW', 'HPHSH', 'PHSH', 'HSPM', 'SPM', 'BULK'] as const)
      expect(first(s, { detections: [DETECTION_FOR[cat]] }).action).toBe('inbox')
  })

  const phishSim: SnapshotOptions = {
    state: {
      advancedDelivery: {
        phishSimPolicy: {},
        phishSimRule: {
          Name: '_Exe:PhishSimOverr:1',
          Domains: ['mail.contoso.com'],
          SenderIpRanges: [VENDOR_IP],
        },
      },
    },
  }

  it('advanced delivery (phishing simulation): the tenant wins over HC phish, phish, spam and bulk', () => {
    for (const cat of ['HPHSH', 'PHSH', 'HSPM', 'SPM', 'BULK'] as const) {
      const r = first(makeSnapshot(phishSim), { detections: [DETECTION_FOR[cat]] })
      expect(r.action).toBe('inbox')
      expect(r.decidedBy?.kind).toBe('advanced-delivery')
    }
  })

  it('advanced delivery (phishing simulation) vs malware: quarantined, and the contradiction is flagged', () => {
    const r = first(makeSnapshot(phishSim), { detections: ['malware'] })
    expect(r.action).toBe('quarantine')
    expect(r.uncertain.join('\n')).toMatch(/allow vs\. verdict.*SecOps mailboxes/)
  })

  it('eval.allow.hcphish-mx-elsewhere: a transport-rule allow lets HC phish through when the MX is not Microsoft', () => {
    const s = gatewaySnapshot(null, { rules: [bypassRule({ SenderIpRanges: [GATEWAY_IP] })] })
    const r = first(s, { detections: ['high-confidence-phish'] })
    expect(r.action).toBe('inbox')
    expect(r.sfv).toBe('SKN')
    expect(r.trace.some((t) => /MX does not point to Microsoft 365/.test(t.decision))).toBe(true)
    // ...but never malware.
    expect(first(s, { detections: ['malware'] }).action).toBe('quarantine')
  })

  it('complex routing does not extend to the IP Allow List or allowed senders', () => {
    const s = gatewaySnapshot(null, { state: { connectionFilter: { IPAllowList: [GATEWAY_IP] } } })
    expect(first(s, { detections: ['high-confidence-phish'] }).action).toBe('quarantine')
  })

  it('TABL URL allow (entity level): overrides spam when it covers every URL, not malware or HC phish', () => {
    const s = makeSnapshot({
      state: {
        tabl: {
          items: [
            {
              ListType: 'Url',
              Action: 'Allow',
              // Subpaths are not implied for allows (tenant-allow-block-list-urls-configure.md):
              // the path form `/*` is what covers https://contoso.com/offer.
              Value: 'contoso.com/*',
              ExpirationDate: '2026-12-01T00:00:00Z',
            },
          ],
        },
      },
    })
    const urls = ['https://contoso.com/offer']
    expect(first(s, { urls, detections: ['spam'] }).action).toBe('inbox')
    expect(
      first(s, { urls: [...urls, 'https://evil.example/'], detections: ['spam'] }).action,
    ).toBe('junk')
    for (const d of ['malware', 'high-confidence-phish'] as const) {
      const r = first(s, { urls, detections: [d] })
      expect(r.action).toBe('quarantine')
      expect(r.trace.some((t) => /only a Submission-created allow can/.test(t.decision))).toBe(true)
    }
  })

  it('eval.allow.spoof-allow: a TABL spoof allow overrides a spoof verdict', () => {
    const s = makeSnapshot({
      state: {
        tabl: {
          spoofItems: [
            {
              Action: 'Allow',
              SpoofType: 'External',
              SpoofedUser: 'contoso.com',
              SendingInfrastructure: '203.0.113.0/24',
            },
          ],
        },
      },
    })
    // The /24 form identifies a source without a PTR record (ptr: null); see tabl.test.ts.
    expect(first(s, { ptr: null, detections: ['spoof'] }).action).toBe('inbox')
    expect(first(s, { ptr: null, detections: ['spoof', 'spam'] }).action).toBe('junk')
  })
})
