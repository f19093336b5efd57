import { describe, expect, it } from 'vitest'
import {
  bypassRule,
  first,
  makeSnapshot,
  VENDOR_IP,
  type SnapshotOptions,
} from './test-fixtures.js'

const LATER = '2027-01-01T00:00:00Z'
const senderEntry = (Action: 'Allow' | 'Block') => ({
  ListType: 'Sender' as const,
  Action,
  Value: 'contoso.com',
  ExpirationDate: LATER,
})
const me = 'alice@fabrikam.com'
const safe = { userSafeSenders: { [me]: ['news@contoso.com'] } }
const blocked = { userBlockedSenders: { [me]: ['news@contoso.com'] } }

const TENANT_ALLOWS: Record<string, SnapshotOptions> = {
  'mail flow rule': { rules: [bypassRule()] },
  'IP Allow List': { state: { connectionFilter: { IPAllowList: [VENDOR_IP] } } },
  'allowed senders': {
    state: {
      antiSpam: {
        policies: [{ Name: 'Default', IsDefault: true, AllowedSenders: ['news@contoso.com'] }],
      },
    },
  },
  'TABL allow': { state: { tabl: { items: [senderEntry('Allow')] } } },
}

const TENANT_BLOCKS: Array<[string, SnapshotOptions, Parameters<typeof first>[1]]> = [
  ['mail flow rule (SCL 6)', { rules: [bypassRule({ SetSCL: 6 })] }, {}],
  [
    'anti-spam blocked senders',
    {
      state: {
        antiSpam: {
          policies: [{ Name: 'Default', IsDefault: true, BlockedSenders: ['news@contoso.com'] }],
        },
      },
    },
    {},
  ],
  [
    'DMARC p=reject',
    {},
    { auth: { spf: 'fail', dkim: 'fail', dmarc: 'fail', dmarcPolicy: 'reject' } },
  ],
  [
    'DMARC p=quarantine',
    {},
    { auth: { spf: 'fail', dkim: 'fail', dmarc: 'fail', dmarcPolicy: 'quarantine' } },
  ],
]

describe('conflicts (reference §4.5)', () => {
  it('TABL allow vs TABL block: block', () => {
    const r = first(
      makeSnapshot({ state: { tabl: { items: [senderEntry('Allow'), senderEntry('Block')] } } }),
    )
    expect(r.action).toBe('quarantine')
    expect(
      r.trace.some((t) =>
        /Both a sender allow and a sender block match: the block wins/.test(t.decision),
      ),
    ).toBe(true)
  })

  it('eval.stamp.ip-allow-cal-skn: IP Allow vs IP Block: the allow wins, stamped IPV:CAL with SFV:SKN', () => {
    const r = first(
      makeSnapshot({
        state: { connectionFilter: { IPAllowList: [VENDOR_IP], IPBlockList: ['203.0.113.0/24'] } },
      }),
      { detections: ['spam'] },
    )
    // IPV:CAL with SFV:SKN (create-safe-sender-lists-in-office-365.md; eval.stamp.ip-allow-cal-skn).
    expect(r).toMatchObject({ action: 'inbox', sfv: 'SKN' })
    expect(r.headers?.forefront.fields.IPV).toBe('CAL')
  })

  it('user Safe Senders vs user Blocked Senders: Safe Senders', () => {
    const r = first(makeSnapshot(), { ...safe, ...blocked, detections: ['spam'] })
    expect(r).toMatchObject({ action: 'inbox', sfv: 'SFE' })
  })

  it('TABL blocks vs user Safe Senders: the tenant', () => {
    const r = first(makeSnapshot({ state: { tabl: { items: [senderEntry('Block')] } } }), safe)
    expect(r.action).toBe('quarantine')
  })

  it('advanced delivery vs user Blocked Senders: advanced delivery (delivered)', () => {
    const s = makeSnapshot({
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
    })
    const r = first(s, { ...blocked, detections: ['phish'] })
    expect(r.action).toBe('inbox')
  })

  it.each(Object.keys(TENANT_ALLOWS))(
    'tenant allow (%s) vs user Blocked Senders: the user (Junk)',
    (name) => {
      const r = first(makeSnapshot(TENANT_ALLOWS[name]), { ...blocked, detections: ['spam'] })
      expect(r).toMatchObject({ action: 'junk', sfv: 'BLK' })
      expect(r.decidedBy?.kind).toBe('user-list')
    },
  )

  it.each(TENANT_BLOCKS)(
    'tenant block (%s) vs user Safe Senders: the user (Inbox)',
    (_name, snap, msg) => {
      expect(first(makeSnapshot(snap), msg).action).not.toBe('inbox')
      const r = first(makeSnapshot(snap), { ...msg, ...safe })
      expect(r).toMatchObject({ action: 'inbox', sfv: 'SFE' })
    },
  )

  it.each(['phish', 'high-confidence-spam', 'spam'] as const)('user Safe Senders beat %s', (d) => {
    expect(first(makeSnapshot(), { ...safe, detections: [d] })).toMatchObject({
      action: 'inbox',
      sfv: 'SFE',
    })
  })

  it.each(['malware', 'high-confidence-phish'] as const)('user Safe Senders never beat %s', (d) => {
    const r = first(makeSnapshot(), { ...safe, detections: [d] })
    expect(r.action).toBe('quarantine')
    expect(r.trace.some((t) => /Safe Senders do not override/.test(t.decision))).toBe(true)
  })

  it('Safe Senders domain entries are ignored when the policy action is Quarantine', () => {
    const s = makeSnapshot({
      state: {
        antiSpam: { policies: [{ Name: 'Default', IsDefault: true, SpamAction: 'Quarantine' }] },
      },
    })
    const domain = { userSafeSenders: { [me]: ['contoso.com'] } }
    expect(first(s, { ...domain, detections: ['spam'] }).action).toBe('quarantine')
    expect(first(s, { ...safe, detections: ['spam'] }).action).toBe('inbox')
    // With a Junk action the domain entry works.
    expect(first(makeSnapshot(), { ...domain, detections: ['spam'] }).action).toBe('inbox')
  })

  it('user Blocked Senders: bulk and clean mail to Junk, phish and spam get the policy action', () => {
    const s = makeSnapshot({
      state: {
        antiSpam: {
          policies: [{ Name: 'Default', IsDefault: true, PhishSpamAction: 'Quarantine' }],
        },
      },
    })
    expect(first(s, blocked).action).toBe('junk')
    expect(first(s, { ...blocked, detections: [{ kind: 'bulk', bcl: 8 }] }).action).toBe('junk')
    expect(first(s, { ...blocked, detections: ['phish'] })).toMatchObject({
      action: 'quarantine',
      sfv: 'BLK',
    })
    expect(first(s, { ...blocked, detections: ['spam'] })).toMatchObject({
      action: 'junk',
      sfv: 'BLK',
    })
  })
})
