import { describe, expect, it } from 'vitest'
import { first, makeDefenderSnapshot, makeSnapshot, preset } from './test-fixtures.js'
import type { Action } from './types.js'

// message-headers §1.5: default actions per detection for the default policy and the presets.
const failDmarc = (p: 'quarantine' | 'reject') => ({
  auth: { spf: 'fail', dkim: 'fail', dmarc: 'fail', dmarcPolicy: p } as const,
})

type Row = [string, Parameters<typeof first>[1], Action, Action, Action]
// [detection, message, default policy, Standard, Strict]
const ROWS: Row[] = [
  ['spam', { detections: ['spam'] }, 'junk', 'junk', 'quarantine'],
  [
    'high-confidence spam',
    { detections: ['high-confidence-spam'] },
    'junk',
    'quarantine',
    'quarantine',
  ],
  ['phish', { detections: ['phish'] }, 'junk', 'quarantine', 'quarantine'],
  [
    'high-confidence phish',
    { detections: ['high-confidence-phish'] },
    'quarantine',
    'quarantine',
    'quarantine',
  ],
  ['spoof', { detections: ['spoof'] }, 'junk', 'junk', 'quarantine'],
  ['DMARC fail p=quarantine', failDmarc('quarantine'), 'quarantine', 'quarantine', 'quarantine'],
  ['DMARC fail p=reject', failDmarc('reject'), 'rejected', 'rejected', 'rejected'],
  ['malware', { detections: ['malware'] }, 'quarantine', 'quarantine', 'quarantine'],
]

const BULK_THRESHOLDS: Array<[string, number, Action]> = [
  ['default', 7, 'junk'],
  ['Standard', 6, 'junk'],
  ['Strict', 5, 'quarantine'],
]

function tenant(level: 'default' | 'Standard' | 'Strict') {
  return level === 'default'
    ? makeDefenderSnapshot()
    : makeDefenderSnapshot({ presets: preset(level) })
}

describe('default actions (message-headers §1.5)', () => {
  it.each(ROWS)('%s: default %s, Standard %s, Strict %s', (_name, msg, def, std, strict) => {
    expect(first(tenant('default'), msg).action).toBe(def)
    expect(first(tenant('Standard'), msg).action).toBe(std)
    expect(first(tenant('Strict'), msg).action).toBe(strict)
  })

  it.each(BULK_THRESHOLDS)(
    'bulk in the %s policy: threshold %i, then %s',
    (level, threshold, action) => {
      const s = tenant(level as 'default' | 'Standard' | 'Strict')
      const at = first(s, { detections: [{ kind: 'bulk', bcl: threshold }] })
      expect(at.action).toBe(action)
      expect(at.category).toBe('BULK')
      expect(at.headers?.forefront.fields.SRV).toBe('BULK')
      expect(at.headers?.all['X-Microsoft-Antispam']).toBe(`BCL:${threshold};`)
      const below = first(s, { detections: [{ kind: 'bulk', bcl: threshold - 1 }] })
      expect(below).toMatchObject({ action: 'inbox', category: 'NONE' })
      expect(below.headers?.forefront.fields.SRV).toBe('')
    },
  )

  it('impersonation: no action in the default policy unless configured', () => {
    const r = first(tenant('default'), {
      detections: [{ kind: 'impersonation', impersonation: 'user' }],
    })
    expect(r.action).toBe('inbox')
  })

  it.each([
    ['Standard', 'mailbox-intelligence', 'junk'],
    ['Strict', 'mailbox-intelligence', 'quarantine'],
    ['Standard', 'user', 'quarantine'],
    ['Strict', 'domain', 'quarantine'],
  ] as const)(
    'impersonation in the %s preset (%s): %s, flagged as not re-verified',
    (level, kind, action) => {
      const r = first(tenant(level), {
        detections: [{ kind: 'impersonation', impersonation: kind }],
      })
      expect(r.action).toBe(action)
      expect(r.uncertain.join('\n')).toMatch(/not re-verified/)
    },
  )

  it('impersonation is ignored on an EOP-only tenant', () => {
    const r = first(makeSnapshot({ presets: preset('Strict') }), {
      detections: [{ kind: 'impersonation' }],
    })
    expect(r.action).toBe('inbox')
    expect(r.trace.some((t) => /needs Defender/.test(t.decision))).toBe(true)
  })

  it('quarantines with the tag of the policy', () => {
    const s = makeSnapshot({
      state: {
        antiSpam: {
          policies: [
            {
              Name: 'Default',
              IsDefault: true,
              SpamAction: 'Quarantine',
              SpamQuarantineTag: 'SpamReview',
            },
          ],
        },
        quarantinePolicies: [{ Name: 'SpamReview', EndUserQuarantinePermissionsValue: 43 }],
      },
    })
    const r = first(s, { detections: ['spam'] })
    expect(r.quarantinePolicy).toBe('SpamReview')
    expect(first(s, { detections: ['high-confidence-phish'] }).quarantinePolicy).toBe(
      'AdminOnlyAccessPolicy',
    )
  })

  it('honours HonorDmarcPolicy off: the spoof action instead of reject', () => {
    const s = makeSnapshot({
      state: {
        antiPhish: {
          policies: [
            { Name: 'Office365 AntiPhish Default', IsDefault: true, HonorDmarcPolicy: false },
          ],
        },
      },
    })
    const r = first(s, failDmarc('reject'))
    expect(r.action).toBe('junk')
    expect(r.headers?.all['Authentication-Results']).toMatch(/dmarc=fail action=oreject/)
  })
})
