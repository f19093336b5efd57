import { describe, expect, it } from 'vitest'
import {
  bypassRule,
  first,
  makeDefenderSnapshot,
  makeSnapshot,
  preset,
  VENDOR_IP,
} from '../evaluator/test-fixtures.js'
import type { RecipientEvaluation } from '../evaluator/types.js'
import { STAGES } from './stages.js'
import { journeyOf } from './from-evaluation.js'
import type { Journey, StageId } from './types.js'

const at = (j: Journey, id: StageId) => {
  const s = j.stages.find((x) => x.id === id)
  if (!s) throw new Error(`no stage ${id}`)
  return s
}

/** Exactly one stage decides, and it is the one named. */
function decides(j: Journey, id: StageId): void {
  expect(j.decidedBy).toBe(id)
  expect(j.stages.filter((s) => s.status === 'decided').map((s) => s.id)).toEqual([id])
}

describe('journeyOf', () => {
  it('eval.journey.stage-order: lays every journey on the nine stages in Microsoft’s order', () => {
    const j = journeyOf(first(makeSnapshot()))
    expect(j.stages.map((s) => s.id)).toEqual([
      'connection-filter',
      'anti-malware',
      'mail-flow-rules',
      'anti-spam',
      'anti-phishing',
      'safe-attachments',
      'safe-links',
      'delivery',
      'zap',
    ])
    expect(STAGES.map((s) => s.id)).toEqual(j.stages.map((s) => s.id))
  })

  it('has delivery decide a clean message: no stage stopped it', () => {
    const j = journeyOf(first(makeSnapshot()))
    decides(j, 'delivery')
    expect(j.placement).toBe('inbox')
    expect(j.summary).toBe('Inbox: no stage stopped it.')
    expect(at(j, 'connection-filter').status).toBe('passed')
    expect(at(j, 'anti-spam')).toMatchObject({ status: 'passed', detail: 'not spam, not bulk' })
    // EOP only: the Defender stages are skipped, with the reason.
    expect(at(j, 'safe-links')).toMatchObject({ status: 'skipped' })
    expect(at(j, 'safe-links').detail).toMatch(/needs Defender for Office 365/)
  })

  it('has the connection filter decide with the IP Block List, and nothing after it run', () => {
    const s = makeSnapshot({ state: { connectionFilter: { IPBlockList: [VENDOR_IP] } } })
    const j = journeyOf(first(s, { detections: ['spam'] }))
    decides(j, 'connection-filter')
    expect(j.placement).toBe('dropped')
    expect(at(j, 'anti-spam')).toMatchObject({ status: 'skipped' })
    expect(at(j, 'anti-spam').detail).toMatch(/^not reached/)
    expect(at(j, 'delivery').status).toBe('skipped')
  })

  it('has the connection filter decide with the IP Allow List, and anti-spam skipped', () => {
    const s = makeSnapshot({ state: { connectionFilter: { IPAllowList: [VENDOR_IP] } } })
    const j = journeyOf(first(s, { detections: ['spam'] }))
    decides(j, 'connection-filter')
    expect(j.placement).toBe('inbox')
    expect(at(j, 'anti-spam')).toMatchObject({ status: 'skipped' })
    expect(at(j, 'anti-spam').detail).toMatch(/lets the message past filtering \(it found spam\)/)
  })

  it('has anti-malware decide malware, naming the policy', () => {
    const j = journeyOf(first(makeSnapshot(), { detections: ['malware'] }))
    decides(j, 'anti-malware')
    expect(j.placement).toBe('quarantine')
    expect(at(j, 'anti-malware').detail).toMatch(/^malware found: quarantine/)
    expect(at(j, 'anti-malware').object?.kind).toBe('anti-malware policy')
  })

  it('has a mail flow rule decide with SCL -1, and names the rule', () => {
    const s = makeSnapshot({ rules: [bypassRule()] })
    const j = journeyOf(first(s, { detections: [{ kind: 'bulk', bcl: 9 }] }))
    decides(j, 'mail-flow-rules')
    expect(at(j, 'mail-flow-rules').object).toEqual({
      kind: 'mail flow rule',
      name: 'Vendor bypass',
    })
    expect(at(j, 'anti-spam').status).toBe('skipped')
    expect(at(j, 'anti-spam').detail).toMatch(/mail flow rule 'Vendor bypass'.*it found bulk mail/)
    expect(j.summary).toBe("Inbox: decided at mail flow rules, by mail flow rule 'Vendor bypass'.")
  })

  it('shows a rule that matched without deciding as acted', () => {
    const s = makeSnapshot({
      rules: [{ Name: 'Banner', Priority: 0, SenderIpRanges: [VENDOR_IP] }],
    })
    const j = journeyOf(first(s))
    expect(at(j, 'mail-flow-rules')).toMatchObject({ status: 'acted' })
    expect(at(j, 'mail-flow-rules').detail).toMatch(/'Banner' matches/)
  })

  it('has anti-spam decide bulk into Junk Email, naming the preset that covers the recipient', () => {
    const s = makeSnapshot({ presets: preset('Standard') })
    const j = journeyOf(first(s, { detections: [{ kind: 'bulk', bcl: 9 }] }))
    decides(j, 'anti-spam')
    expect(j.preset).toBe('Standard Preset Security Policy')
    expect(at(j, 'anti-spam').object).toEqual({
      kind: 'preset policy',
      name: 'Standard Preset Security Policy',
    })
    expect(at(j, 'anti-spam').detail).toMatch(/^bulk mail found: (Junk Email|quarantine)/)
  })

  it('has anti-phishing decide spoofing, and shows the spam it also found as acted', () => {
    const j = journeyOf(first(makeSnapshot(), { detections: ['spoof', 'spam'] }))
    decides(j, 'anti-phishing')
    expect(at(j, 'anti-phishing').detail).toMatch(/^spoofing found/)
    expect(at(j, 'anti-spam')).toMatchObject({ status: 'acted' })
    expect(at(j, 'anti-spam').detail).toMatch(/^found spam/)
  })

  it('has anti-spam decide when a Tenant Allow/Block List URL allow overrides the verdict', () => {
    const s = makeSnapshot({
      state: {
        tabl: {
          items: [
            {
              ListType: 'Url',
              Action: 'Allow',
              Value: 'contoso.com/*',
              ExpirationDate: '2026-12-01T00:00:00Z',
            },
          ],
        },
      },
    })
    const j = journeyOf(first(s, { urls: ['https://contoso.com/offer'], detections: ['spam'] }))
    decides(j, 'anti-spam')
    expect(j.placement).toBe('inbox')
    expect(at(j, 'anti-spam')).toMatchObject({ uncertain: true })
    expect(at(j, 'anti-spam').detail).toMatch(
      /^Tenant Allow\/Block List entry '.*' allows it over spam: Inbox$/,
    )
  })

  it('has delivery decide with the recipient’s own Safe Senders', () => {
    const j = journeyOf(
      first(makeSnapshot(), {
        detections: ['spam'],
        userSafeSenders: { 'alice@fabrikam.com': ['contoso.com'] },
      }),
    )
    decides(j, 'delivery')
    expect(at(j, 'delivery').detail).toMatch(/Safe Senders list lets it in: Inbox/)
  })

  it('shows Safe Links wrapping links and Safe Attachments opening attachments with Defender', () => {
    const r = first(makeDefenderSnapshot(), {
      urls: ['https://click.contoso.com/t?id=1'],
      attachments: ['report.pdf'],
    })
    const j = journeyOf(r)
    expect(at(j, 'safe-links')).toMatchObject({ status: 'acted' })
    expect(at(j, 'safe-links').detail).toMatch(/^wraps 1 of 1 link:/)
    expect(at(j, 'safe-attachments')).toMatchObject({ status: 'passed' })
  })

  it('has Safe Attachments or Safe Links decide when their policy is what placed the message', () => {
    const r = first(makeDefenderSnapshot(), { attachments: ['report.pdf'] })
    const sa: RecipientEvaluation = {
      ...r,
      action: 'quarantine',
      quarantinePolicy: 'AdminOnlyAccessPolicy',
      decidedBy: { kind: 'safe-attachments-policy', name: 'Built-In Protection Policy' },
    }
    const j = journeyOf(sa)
    decides(j, 'safe-attachments')
    expect(j.landing).toBe('quarantine (AdminOnlyAccessPolicy)')
    const sl = journeyOf({ ...sa, decidedBy: { kind: 'safe-links-policy', name: 'Links' } })
    decides(sl, 'safe-links')
  })

  it('shows ZAP afterwards: off, on, or not known after an allow', () => {
    const on = journeyOf(first(makeSnapshot(), { detections: ['spam'] }))
    expect(at(on, 'zap').status).toBe('passed')
    const quarantined = journeyOf(first(makeSnapshot(), { detections: ['malware'] }))
    expect(at(quarantined, 'zap')).toMatchObject({ status: 'skipped' })
    const allowed = journeyOf(
      first(makeSnapshot({ rules: [bypassRule()] }), { detections: ['spam'] }),
    )
    expect(at(allowed, 'zap')).toMatchObject({ status: 'passed', uncertain: true })
  })
})
