import { describe, expect, it } from 'vitest'
import { analyzeHeaders } from '../headers/index.js'
import {
  SAMPLE_ADVANCED_DELIVERY,
  SAMPLE_FORGED,
  SAMPLE_IP_ALLOW,
  SAMPLE_JUNKED_SPAM,
  SAMPLE_SAFE_SENDERS,
  SAMPLE_TRANSPORT_RULE,
  SAMPLE_USER_JUNK,
} from '../headers/test-fixtures.js'
import { journeyFromHeaders } from './from-headers.js'
import type { Journey, StageId } from './types.js'

const journey = (headers: string) => journeyFromHeaders(analyzeHeaders(headers))
const at = (j: Journey, id: StageId) => j.stages.find((s) => s.id === id)

describe('journeyFromHeaders', () => {
  it('has anti-spam decide a junked spam message', () => {
    const j = journey(SAMPLE_JUNKED_SPAM)
    expect(j).toMatchObject({ basis: 'headers', placement: 'junk', decidedBy: 'anti-spam' })
    expect(at(j, 'anti-spam')).toMatchObject({
      status: 'decided',
      detail: 'spam found: Junk Email',
    })
    expect(at(j, 'zap')).toMatchObject({ status: 'skipped', uncertain: true })
  })

  it('has a mail flow rule decide an SCL -1 bypass, with the filters skipped', () => {
    const j = journey(SAMPLE_TRANSPORT_RULE)
    expect(j).toMatchObject({ placement: 'inbox', decidedBy: 'mail-flow-rules' })
    expect(at(j, 'anti-spam')?.status).toBe('skipped')
    expect(at(j, 'anti-phishing')?.status).toBe('skipped')
  })

  it('has the connection filter decide an IP Allow List bypass', () => {
    const j = journey(SAMPLE_IP_ALLOW)
    expect(j.decidedBy).toBe('connection-filter')
    expect(j.stages.filter((s) => s.status === 'decided')).toHaveLength(1)
  })

  it('has delivery decide with the recipient’s lists and settings', () => {
    expect(at(journey(SAMPLE_SAFE_SENDERS), 'delivery')?.detail).toMatch(/Safe Senders/)
    const junk = journey(SAMPLE_USER_JUNK)
    expect(junk).toMatchObject({ decidedBy: 'delivery', placement: 'junk' })
    expect(at(junk, 'delivery')?.detail).toBe('the recipient’s own settings send it to Junk Email')
  })

  it('marks an inferred advanced delivery as not certain', () => {
    const j = journey(SAMPLE_ADVANCED_DELIVERY)
    expect(at(j, 'anti-spam')).toMatchObject({ status: 'decided', uncertain: true })
  })

  it('keeps forged or partial headers unconfirmed: nothing is stated as certain', () => {
    const j = journey(SAMPLE_FORGED)
    expect(j.placement).toBe('unknown')
    expect(j.summary).toMatch(/^Unconfirmed/)
    expect(j.stages.every((s) => s.uncertain || s.status !== 'decided')).toBe(true)
  })

  it('says nothing is known when the headers hold no verdict', () => {
    const j = journey('From: a@example.com\r\nSubject: hi\r\n')
    expect(j.decidedBy).toBeNull()
    expect(j.stages.every((s) => s.status === 'skipped')).toBe(true)
  })
})
