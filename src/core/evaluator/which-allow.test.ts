import { describe, expect, it } from 'vitest'
import {
  bypassRule,
  first,
  makeSnapshot,
  VENDOR_IP,
  type SnapshotOptions,
} from './test-fixtures.js'

// Reference §4.6: which allow fired, from the header.
const me = 'alice@fabrikam.com'
const CASES: Array<[string, string, SnapshotOptions, Parameters<typeof first>[1]]> = [
  ['SKN', 'transport rule', { rules: [bypassRule()] }, {}],
  [
    'SKA',
    'anti-spam allow list',
    {
      state: {
        antiSpam: {
          policies: [{ Name: 'Default', IsDefault: true, AllowedSenders: ['news@contoso.com'] }],
        },
      },
    },
    {},
  ],
  // IPV:CAL with SFV:SKN, not SKI (create-safe-sender-lists-in-office-365.md; eval.stamp.ip-allow-cal-skn).
  ['SKN', 'IP Allow List', { state: { connectionFilter: { IPAllowList: [VENDOR_IP] } } }, {}],
  ['SFE', 'user Safe Senders', {}, { userSafeSenders: { [me]: ['news@contoso.com'] } }],
  ['BLK', 'user Blocked Senders', {}, { userBlockedSenders: { [me]: ['news@contoso.com'] } }],
  [
    'SKB',
    'anti-spam block list',
    {
      state: {
        antiSpam: {
          policies: [{ Name: 'Default', IsDefault: true, BlockedSenders: ['news@contoso.com'] }],
        },
      },
    },
    {},
  ],
]

describe('which allow fired (reference §4.6)', () => {
  it.each(CASES)('SFV:%s comes from the %s', (sfv, _what, snap, msg) => {
    const r = first(makeSnapshot(snap), { detections: ['spam'], ...msg })
    expect(r.sfv).toBe(sfv)
    expect(r.headers?.forefront.fields.SFV).toBe(sfv)
    expect(r.headers?.forefront.raw).toContain(`SFV:${sfv};`)
  })

  it('stamps IPV:CAL for the IP Allow List, IPV:NLI otherwise', () => {
    const allowed = first(makeSnapshot(CASES[2]![2]))
    expect(allowed.headers?.forefront.fields.IPV).toBe('CAL')
    expect(first(makeSnapshot()).headers?.forefront.fields.IPV).toBe('NLI')
  })

  it('still stamps IPV:CAL, but filters, when the IP is also in an on-premises connector', () => {
    const s = makeSnapshot({
      state: {
        connectionFilter: { IPAllowList: [VENDOR_IP] },
        inboundConnectors: [
          { Name: 'On-prem', ConnectorType: 'OnPremises', SenderIPAddresses: [VENDOR_IP] },
        ],
      },
    })
    const r = first(s, { detections: ['spam'] })
    expect(r.headers?.forefront.fields.IPV).toBe('CAL')
    expect(r).toMatchObject({ sfv: 'SPM', action: 'junk' })
  })

  it('stamps SCL -1 for a rule bypass and notes the stamped SCL may read 0 or 1', () => {
    const r = first(makeSnapshot(CASES[0]![2]), { detections: ['spam'] })
    expect(r.scl).toBe(-1)
    expect(r.headers?.all['X-MS-Exchange-Organization-SCL']).toBe('-1')
    expect(r.trace.some((t) => /may read 0 or 1/.test(t.note ?? ''))).toBe(true)
  })

  it('flags which SFV is shown when several allows fire', () => {
    const s = makeSnapshot({
      rules: [bypassRule()],
      state: { connectionFilter: { IPAllowList: [VENDOR_IP] } },
    })
    const r = first(s, { detections: ['spam'] })
    expect(r.sfv).toBe('SKN')
    expect(r.uncertain.join('\n')).toMatch(/Several allows match/)
  })
})
