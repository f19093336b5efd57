import { describe, expect, it } from 'vitest'
import { analyzeHeaders } from '../core/headers/index.js'
import { SAMPLE_JUNKED_SPAM } from '../core/headers/test-fixtures.js'
import { bypassRule, makeSnapshot, preset, VENDOR_IP } from '../core/evaluator/test-fixtures.js'
import type { TestMessageInput } from '../core/evaluator/index.js'
import { simulate } from '../core/simulate/index.js'
import { headerJourneyView, simulationJourneyView } from './journey-view.js'
import { explanationView } from './views.js'

const message: TestMessageInput = {
  connectingIp: VENDOR_IP,
  mailFrom: 'bounce@mail.contoso.com',
  headerFrom: 'news@contoso.com',
  auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
  recipients: ['megan@fabrikam.com', 'alice@fabrikam.com'],
  detections: [{ kind: 'bulk', bcl: 9 }],
}

describe('the journey views', () => {
  it('carry a pasted message’s path, with its text, in the explanation', () => {
    const a = analyzeHeaders(SAMPLE_JUNKED_SPAM)
    const view = explanationView(a)
    expect(view.journey).toMatchObject({ basis: 'headers', decidedBy: 'anti-spam' })
    expect(headerJourneyView(a).text.filter((l) => l.includes('▶'))).toHaveLength(1)
  })

  it('carry where a plan’s copies land per recipient group, and the text to save', () => {
    const scope = { SentTo: ['megan@fabrikam.com'] }
    const before = makeSnapshot({ presets: preset('Standard', scope) })
    const after = makeSnapshot({ presets: preset('Standard', scope), rules: [bypassRule()] })
    const sim = simulate(
      before,
      after,
      [{ label: 'Vendor', source: VENDOR_IP, message }],
      '2026-11-20T09:00:00Z',
    )
    const view = simulationJourneyView(sim)
    expect(view?.landing.map((g) => [g.label, g.recipients])).toEqual([
      ['Covered by Standard Preset Security Policy', ['megan@fabrikam.com']],
      ['Not covered by a preset policy', ['alice@fabrikam.com']],
    ])
    expect(view?.landing[1]?.after?.inbox).toBe(1)
    expect(view?.text[0]).toBe(
      'Vendor to megan@fabrikam.com (covered by Standard Preset Security Policy)',
    )
    expect(simulationJourneyView(null)).toBeNull()
  })
})
