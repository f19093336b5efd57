import { describe, expect, it } from 'vitest'
import { bypassRule, first, makeSnapshot, VENDOR_IP } from './test-fixtures.js'

describe('zero-hour auto purge', () => {
  it('could move a delivered message when spam/phish ZAP is on (the default)', () => {
    const r = first(makeSnapshot())
    expect(r.zap).toEqual({ couldMove: true, reason: "spam and phish ZAP on in 'Default'" })
    expect(first(makeSnapshot(), { detections: ['spam'] }).zap.couldMove).toBe(true)
  })

  it('follows the policy’s SpamZapEnabled / PhishZapEnabled', () => {
    const off = makeSnapshot({
      state: {
        antiSpam: {
          policies: [
            { Name: 'Default', IsDefault: true, SpamZapEnabled: false, PhishZapEnabled: false },
          ],
        },
      },
    })
    expect(first(off).zap.couldMove).toBe(false)
    const phishOnly = makeSnapshot({
      state: {
        antiSpam: { policies: [{ Name: 'Default', IsDefault: true, SpamZapEnabled: false }] },
      },
    })
    expect(first(phishOnly).zap.reason).toMatch(/^phish ZAP on/)
  })

  it('eval.zap.allows-may-override: is unknown for mail an allow let through (SCL -1), and says so', () => {
    const r = first(makeSnapshot({ rules: [bypassRule()] }), { detections: ['spam'] })
    expect(r.zap.couldMove).toBe('unknown')
    // zero-hour-auto-purge.md: ZAP actions might be overridden by allows (Microsoft is not silent).
    expect(r.uncertain.join('\n')).toMatch(/might be overridden by Safe Sender lists/)
  })

  it('does not apply to advanced delivery (no spam/phish ZAP)', () => {
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
    expect(first(s).zap).toMatchObject({
      couldMove: false,
      reason: expect.stringMatching(/no spam or phish ZAP/),
    })
  })

  it('has nothing to move when the message is quarantined or dropped', () => {
    expect(first(makeSnapshot(), { detections: ['malware'] }).zap.couldMove).toBe(false)
  })
})
