import { describe, expect, it } from 'vitest'
import { first, makeSnapshot, preset, VENDOR_IP } from './test-fixtures.js'

const LATER = '2027-01-01T00:00:00Z'
const tabl = (items: unknown[], spoofItems: unknown[] = []) =>
  makeSnapshot({ state: { tabl: { items, spoofItems } } } as Parameters<typeof makeSnapshot>[0])

describe('blocks (reference §4.4)', () => {
  describe('IP Block List', () => {
    const s = makeSnapshot({ state: { connectionFilter: { IPBlockList: [VENDOR_IP] } } })
    it('silently drops the message, with no headers', () => {
      const r = first(s)
      expect(r).toMatchObject({ action: 'dropped', headers: null, sfv: null, scl: null })
      expect(r.decidedBy).toEqual({ kind: 'connection-filter', name: 'Default' })
    })
    it.each([
      ['malware', 'MALW'],
      ['high-confidence-phish', 'HPHSH'],
    ] as const)('quarantines %s instead', (d, cat) => {
      const r = first(s, { detections: [d] })
      expect(r.action).toBe('quarantine')
      expect(r.category).toBe(cat)
    })
    it('ignores entries wider than /24', () => {
      const wide = makeSnapshot({ state: { connectionFilter: { IPBlockList: ['203.0.0.0/16'] } } })
      const r = first(wide)
      expect(r.action).toBe('inbox')
      expect(
        r.trace.some((t) =>
          /Ignored entries Exchange does not accept: 203.0.0.0\/16/.test(t.decision),
        ),
      ).toBe(true)
    })
  })

  it('TABL sender/domain block: quarantined as high-confidence phish', () => {
    const r = first(
      tabl([{ ListType: 'Sender', Action: 'Block', Value: 'contoso.com', ExpirationDate: LATER }]),
    )
    expect(r).toMatchObject({
      action: 'quarantine',
      category: 'HPHSH',
      quarantinePolicy: 'AdminOnlyAccessPolicy',
    })
    expect(r.decidedBy).toEqual({ kind: 'tabl-entry', name: 'Sender Block contoso.com' })
  })

  it('TABL sender block matches the envelope sender too', () => {
    const r = first(
      tabl([
        {
          ListType: 'Sender',
          Action: 'Block',
          Value: 'bounce@mail.contoso.com',
          ExpirationDate: LATER,
        },
      ]),
    )
    expect(r.action).toBe('quarantine')
    expect(r.uncertain.join('\n')).toMatch(/MAIL FROM address only/)
  })

  it('TABL file block: not checked (a test message carries no hashes), and says so', () => {
    const r = first(
      tabl([
        { ListType: 'FileHash', Action: 'Block', Value: 'a'.repeat(64), ExpirationDate: LATER },
      ]),
      {
        attachments: ['invoice.pdf'],
      },
    )
    expect(r.action).toBe('inbox')
    expect(r.trace.some((t) => /file hash entry not checked/.test(t.decision))).toBe(true)
  })

  it('TABL URL block: quarantined', () => {
    const r = first(
      tabl([{ ListType: 'Url', Action: 'Block', Value: 'contoso.com/*', ExpirationDate: LATER }]),
      {
        urls: ['https://contoso.com/login'],
      },
    )
    expect(r).toMatchObject({ action: 'quarantine', category: 'HPHSH' })
  })

  it.each([
    ['MoveToJmf', 'junk'],
    ['Quarantine', 'quarantine'],
  ] as const)('TABL spoof block: the anti-phish spoof action (%s → %s)', (setting, action) => {
    const s = makeSnapshot({
      state: {
        antiPhish: {
          policies: [
            {
              Name: 'Office365 AntiPhish Default',
              IsDefault: true,
              AuthenticationFailAction: setting,
            },
          ],
        },
        tabl: {
          spoofItems: [
            {
              Action: 'Block',
              SpoofType: 'External',
              SpoofedUser: 'contoso.com',
              SendingInfrastructure: '203.0.113.0/24',
            },
          ],
        },
      },
    })
    // The /24 form applies to a source without a PTR record (ptr: null).
    const r = first(s, { ptr: null })
    expect(r.action).toBe(action)
    expect(r.category).toBe('SPOOF')
    expect(r.headers?.all['Authentication-Results']).toMatch(/compauth=fail reason=002/)
  })

  describe('transport-rule block (SCL 5-9)', () => {
    const rule = (scl: number) => ({
      Name: 'Mark spam',
      Priority: 0,
      SenderIpRanges: [VENDOR_IP],
      SetSCL: scl,
    })
    it.each([
      [5, 'SPM'],
      [6, 'SPM'],
      [9, 'HSPM'],
    ] as const)('SCL %i: %s to Junk, SFV:SKS', (scl, cat) => {
      const r = first(makeSnapshot({ rules: [rule(scl)] }))
      expect(r).toMatchObject({ action: 'junk', category: cat, sfv: 'SKS', scl })
    })
    it('sends HC spam, spam and bulk to Junk even where the policy would quarantine them', () => {
      const s = makeSnapshot({ rules: [rule(6)], presets: preset('Strict') })
      for (const d of ['spam', 'high-confidence-spam', { kind: 'bulk', bcl: 8 }] as const)
        expect(first(s, { detections: [d] }).action).toBe('junk')
    })
    it('gives phish the phish action', () => {
      const s = makeSnapshot({ rules: [rule(6)], presets: preset('Standard') })
      const r = first(s, { detections: ['phish'] })
      expect(r).toMatchObject({ action: 'quarantine', category: 'PHSH' })
    })
  })

  it('anti-spam blocked senders: Junk, SFV:SKB; phish keeps the phish action', () => {
    const s = makeSnapshot({
      state: {
        antiSpam: {
          policies: [
            {
              Name: 'Default',
              IsDefault: true,
              BlockedSenderDomains: ['contoso.com'],
              PhishSpamAction: 'Quarantine',
            },
          ],
        },
      },
    })
    expect(first(s)).toMatchObject({ action: 'junk', sfv: 'SKB', category: 'SPM' })
    expect(first(s, { detections: ['phish'] })).toMatchObject({
      action: 'quarantine',
      category: 'PHSH',
    })
  })
})
