import { describe, expect, it } from 'vitest'
import { compauthExpectedResult, compauthReasonMeaning } from './compauth.js'

// Every row of the compauth reason table of message-headers §1.4, ranges by sample codes.
const ROWS: [string, string | null, RegExp][] = [
  ['000', 'fail', /explicit.*DMARC.*p=quarantine or p=reject/],
  ['001', 'fail', /implicit.*no or weak.*spoof intelligence/],
  ['002', 'fail', /admin blocked spoofing/],
  ['010', 'fail', /accepted domains/],
  ['100', 'pass', /SPF or DKIM aligned/],
  ['101', 'pass', /DKIM signed by the From domain/],
  ['102', 'pass', /SPF passed and aligned/],
  ['103', 'pass', /PTR/],
  ['104', 'pass', /PTR/],
  ['108', 'pass', /DKIM broken by an earlier legitimate hop/],
  ['109', 'pass', /no DMARC record, but it would pass/],
  ['111', 'pass', /temporary\/permanent error, but aligned/],
  ['112', 'pass', /DNS timeout/],
  ['115', 'pass', /accepted domain of the sending/],
  ['116', 'pass', /MX and PTR/],
  ['130', 'pass', /ARC sealer/],
  ['150', 'pass', /1xx/],
  ['201', 'softpass', /PTR/],
  ['202', 'softpass', /PTR/],
  ['250', 'softpass', /2xx/],
  ['300', 'none', /not checked/],
  ['399', 'none', /not checked/],
  ['400', 'none', /bypassed/],
  ['450', 'none', /bypassed/],
  ['900', 'none', /bypassed/],
  ['905', 'none', /complex routing/],
  ['501', null, /non-delivery report/],
  ['502', null, /non-delivery report/],
  ['601', 'fail', /self-to-self|intra-organisation spoofing/],
  ['650', 'fail', /implicit fail/],
  ['701', 'pass', /history of legitimate mail/],
  ['702', 'pass', /history/],
  ['703', 'pass', /history/],
  ['704', 'pass', /history/],
  ['105', 'pass', /undocumented/],
]

describe('compauth reason codes', () => {
  it.each(ROWS)('reason=%s', (code, result, meaning) => {
    expect(compauthReasonMeaning(code)).toMatch(meaning)
    expect(compauthExpectedResult(code)).toBe(result)
  })

  it('handles absent and malformed codes', () => {
    expect(compauthReasonMeaning(null)).toBeNull()
    expect(compauthReasonMeaning('')).toBeNull()
    expect(compauthReasonMeaning('12a')).toMatch(/unrecognised/)
    expect(compauthReasonMeaning('800')).toMatch(/undocumented/)
  })
})
