import { describe, expect, it } from 'vitest'
import { DETECTION_FOR, first, makeDefenderSnapshot } from './test-fixtures.js'
import { CATEGORY_ORDER } from './types.js'

// Reference §4.1: MALW > HPHSH > PHSH > HSPM > SPOOF > UIMP > DIMP > GIMP > SPM > BULK.
const snapshot = makeDefenderSnapshot({
  state: {
    antiPhish: {
      policies: [
        {
          Name: 'Office365 AntiPhish Default',
          IsDefault: true,
          EnableTargetedUserProtection: true,
          EnableTargetedDomainsProtection: true,
          EnableMailboxIntelligenceProtection: true,
          TargetedUserProtectionAction: 'Quarantine',
          TargetedDomainProtectionAction: 'Quarantine',
          MailboxIntelligenceProtectionAction: 'MoveToJmf',
        },
      ],
    },
  },
})

type Cat = keyof typeof DETECTION_FOR
const cats = CATEGORY_ORDER as readonly Cat[]
const pairs: Array<[Cat, Cat]> = cats.flatMap((hi, i) =>
  cats.slice(i + 1).map((lo) => [hi, lo] as [Cat, Cat]),
)

describe('verdict order (reference §4.1)', () => {
  it.each(cats)('%s alone is the verdict', (cat) => {
    const r = first(snapshot, { detections: [DETECTION_FOR[cat]] })
    expect(r.detected).toBe(cat)
    expect(r.category).toBe(cat)
  })

  it.each(pairs)('%s beats %s, whichever order they are listed in', (hi, lo) => {
    for (const detections of [
      [DETECTION_FOR[lo], DETECTION_FOR[hi]],
      [DETECTION_FOR[hi], DETECTION_FOR[lo]],
    ]) {
      const r = first(snapshot, { detections })
      expect(r.category).toBe(hi)
      expect(r.headers?.forefront.fields.CAT).toBe(hi)
    }
  })

  it('takes the action of the winning verdict, not the harshest one', () => {
    // SPOOF (Junk in the default policy) outranks UIMP (Quarantine here).
    const r = first(snapshot, { detections: ['spoof', DETECTION_FOR.UIMP] })
    expect(r.category).toBe('SPOOF')
    expect(r.action).toBe('junk')
  })

  it('treats an explicit DMARC failure as a SPOOF verdict, below phish', () => {
    const auth = { spf: 'fail', dkim: 'fail', dmarc: 'fail', dmarcPolicy: 'reject' } as const
    expect(first(snapshot, { auth }).action).toBe('rejected')
    const both = first(snapshot, { auth, detections: ['phish'] })
    expect(both.category).toBe('PHSH')
    expect(both.action).toBe('junk')
  })

  it('has no verdict for a clean message', () => {
    const r = first(snapshot, { detections: ['none'] })
    expect(r).toMatchObject({
      category: 'NONE',
      detected: 'NONE',
      sfv: 'NSPM',
      scl: 1,
      action: 'inbox',
    })
  })
})
