import { describe, expect, it } from 'vitest'
import { analyzeHeaders } from './analyze.js'
import { explainLines } from './explain.js'
import { inboundSample, SAMPLE_JUNKED_SPAM } from './test-fixtures.js'
import { compauthExpectedResult, compauthReason, compauthReasonMeaning } from './compauth.js'

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
  ['105', 'pass', /samples only; Microsoft doesn't document 105/],
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

  it(`hdr.compauth.reason-codes: only Microsoft's table is Microsoft's; finer readings are marked third-party`, () => {
    // Microsoft's table names 000, 001, 002, 010 and 130 exactly, and otherwise ranges only.
    for (const c of ['000', '001', '002', '010', '130'])
      expect(compauthReason(c)).toMatchObject({ source: 'microsoft', thirdParty: null })
    expect(compauthReason('150')).toMatchObject({ source: 'microsoft', thirdParty: null })
    expect(compauthReason('450')?.microsoft).toMatch(/4xx.*bypassed/)
    // The exact readings the reference gave as Microsoft's are third-party knowledge.
    for (const c of [
      '100',
      '101',
      '102',
      '108',
      '109',
      '111',
      '112',
      '115',
      '116',
      '201',
      '202',
      '601',
      '701',
      '905',
    ]) {
      const r = compauthReason(c)
      expect(r?.source, c).toBe('third-party')
      expect(r?.microsoft, c).not.toBeNull() // the range is still Microsoft's
      expect(compauthReasonMeaning(c), c).toMatch(/third-party reading, not Microsoft's: /)
    }
    // 5xx is outside Microsoft's table altogether.
    expect(compauthReason('501')).toMatchObject({ source: 'third-party', microsoft: null })
    expect(compauthReasonMeaning('501')).toMatch(
      /^third-party reading, not Microsoft's: valid non-delivery/,
    )
    expect(compauthReason('105')).toMatchObject({ source: 'observed' })
    expect(compauthReason('800')).toMatchObject({ source: 'unknown', microsoft: null })
    // In the analysis JSON and the explanation.
    const a = analyzeHeaders(
      inboundSample({
        report: 'CIP:198.51.100.25;SCL:1;SFV:NSPM;CAT:NONE;DIR:INB;',
        auth: 'spf=pass (sender IP is 198.51.100.25) smtp.mailfrom=phishsim-test.com; dmarc=pass action=none header.from=phishsim-test.com;compauth=pass reason=102',
      }),
    )
    expect(a.auth).toMatchObject({ reason: '102', reasonSource: 'third-party' })
    expect(explainLines(a).join('\n')).toMatch(
      /reason 102: pass \(1xx\): authenticated; third-party reading, not Microsoft's: SPF passed and aligned/,
    )
    expect(analyzeHeaders(SAMPLE_JUNKED_SPAM).auth.reasonSource).toBe('microsoft')
  })
})
