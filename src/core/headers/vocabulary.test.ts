import { describe, expect, it } from 'vitest'
import {
  bclMeaning,
  catMeaning,
  customSpamMeaning,
  dirMeaning,
  ipvMeaning,
  resolveSki,
  sclMeaning,
  sfpMeaning,
  sftyMeaning,
  sfvMeaning,
} from './vocabulary.js'

// Every row of message-headers §1.1 "SFV — how the spam verdict was reached".
const SFV_ROWS: [string, RegExp][] = [
  ['NSPM', /not spam/],
  ['SPM', /spam.*CAT/],
  ['SKA', /anti-spam policy's allowed list/],
  ['SKB', /anti-spam policy's blocked list/],
  ['SKN', /transport\) rule set SCL -1/],
  ['SKS', /transport rule set SCL 5-9.*hybrid/],
  ['SKI', /IP Allow List.*intra-organisation|two meanings/],
  ['SFE', /Safe Senders/],
  ['BLK', /Blocked Senders.*Junk/],
  ['SKQ', /released from quarantine/],
  ['DMS', /tenant settings.*undocumented/],
]

// Every CAT value of message-headers §1.1.
const CAT_ROWS: [string, RegExp][] = [
  ['MALW', /^malware$/],
  ['AMP', /anti-malware/],
  ['FTBP', /common attachments filter/],
  ['SAP', /Safe Attachments/],
  ['HPHSH', /high-confidence phishing/],
  ['HPHISH', /high-confidence phishing/],
  ['PHSH', /^phishing$/],
  ['HSPM', /high-confidence spam/],
  ['SPOOF', /spoofing/],
  ['UIMP', /user impersonation/],
  ['DIMP', /domain impersonation/],
  ['GIMP', /mailbox intelligence impersonation/],
  ['BIMP', /brand impersonation/],
  ['SPM', /^spam$/],
  ['BULK', /bulk/],
  ['OSPM', /outbound spam/],
  ['INTOS', /intra-organisation phishing/],
  ['NONE', /nothing detected/],
]

// SCL meanings of message-headers §1.3.
const SCL_ROWS: [number, RegExp][] = [
  [-1, /skip spam filtering.*malware and high-confidence phish are still enforced/],
  [0, /^not spam$/],
  [1, /^not spam$/],
  [2, /never stamps 2-4/],
  [3, /never stamps 2-4/],
  [4, /never stamps 2-4/],
  [5, /^spam$/],
  [6, /^spam$/],
  [7, /high-confidence spam.*rarely/],
  [8, /high-confidence spam/],
  [9, /high-confidence spam/],
]

// SFTY values of message-headers §1.1.
const SFTY_ROWS: [string, RegExp][] = [
  ['9.19', /domain impersonation/],
  ['9.20', /user impersonation/],
  ['9.25', /first-contact safety tip/],
  ['9.11', /intra-organisation spoofing/],
  ['9.22', /cross-domain spoofing/],
  ['9.21', /unknown/],
]

// X-CustomSpam values ("ASF settings in EOP", message-headers §1.1).
const ASF_ROWS: [string, RegExp][] = [
  ['Image links to remote sites', /SCL 5\/6/],
  ['Numeric IP in URL', /SCL 5\/6/],
  ['URL redirect to other port', /SCL 5\/6/],
  ['URL to .biz or .info websites', /SCL 5\/6/],
  ['Empty Message', /SCL 9/],
  ['Embed tag in html', /SCL 9/],
  ['Javascript or VBscript tags in HTML', /SCL 9/],
  ['Form tag in html', /SCL 9/],
  ['IFRAME or FRAME in HTML', /SCL 9/],
  ['Web bug', /SCL 9/],
  ['Object tag in html', /SCL 9/],
  ['Sensitive word in subject/body', /SCL 9/],
  ['SPF Record Fail', /SCL 9/],
  ['SPF From Record Fail', /SCL 6/],
  ['Backscatter NDR', /SCL 6/],
  ['This message was filtered by the custom spam filter option', /test mode/],
]

describe('reference tables', () => {
  it.each(SFV_ROWS)('SFV:%s', (value, meaning) => {
    expect(sfvMeaning(value)).toMatch(meaning)
  })
  it.each(CAT_ROWS)('CAT:%s', (value, meaning) => {
    expect(catMeaning(value)).toMatch(meaning)
  })
  it.each(SCL_ROWS)('SCL %i', (value, meaning) => {
    expect(sclMeaning(value)).toMatch(meaning)
  })
  it.each(SFTY_ROWS)('SFTY:%s', (value, meaning) => {
    expect(sftyMeaning(value)).toMatch(meaning)
  })
  it.each(ASF_ROWS)('X-CustomSpam: %s', (value, meaning) => {
    expect(customSpamMeaning(value)).toMatch(meaning)
  })

  it('names unknown values as unknown', () => {
    expect(sfvMeaning('XYZ')).toMatch(/unknown/)
    expect(catMeaning('XYZ')).toMatch(/unknown/)
    expect(sclMeaning(12)).toMatch(/out-of-range/)
  })

  it('resolves the two meanings of SFV:SKI by context', () => {
    expect(resolveSki({ ipv: 'CAL', dir: 'INB', authAs: null })).toBe('ip-allow')
    expect(resolveSki({ ipv: 'NLI', dir: 'INT', authAs: null })).toBe('intra-org')
    expect(resolveSki({ ipv: null, dir: null, authAs: 'Internal' })).toBe('intra-org')
    expect(resolveSki({ ipv: 'NLI', dir: 'INB', authAs: 'Anonymous' })).toBe('ambiguous')
    expect(sfvMeaning('SKI', { ipv: 'CAL', dir: 'INB', authAs: null })).toMatch(/IP Allow List/)
    expect(sfvMeaning('SKI', { ipv: null, dir: 'INT', authAs: null })).toMatch(/intra-organisation/)
  })

  it('gives the IPV, DIR and SFP values of the reference', () => {
    expect(ipvMeaning('CAL')).toMatch(/IP Allow List.*skipped/)
    expect(ipvMeaning('NLI')).toMatch(/neutral/)
    expect(dirMeaning('INB')).toBe('inbound')
    expect(dirMeaning('OUT')).toMatch(/outbound/)
    expect(dirMeaning('INT')).toMatch(/internal/)
    expect(sfpMeaning('1102')).toMatch(/clean outbound/)
    expect(sfpMeaning('1501')).toMatch(/OSPM/)
  })

  it.each([
    [0, /not bulk; below every/],
    [2, /few complaints; below every/],
    [5, /mixed.*Strict \(5\)/],
    [6, /Standard \(6\), Strict \(5\)/],
    [7, /default \(7\), Standard \(6\), Strict \(5\)/],
    [9, /many complaints/],
  ])('BCL %i against the default 7 / Standard 6 / Strict 5 thresholds', (bcl, meaning) => {
    expect(bclMeaning(bcl)).toMatch(meaning)
  })
})
