import { describe, expect, it } from 'vitest'
import { analyzeHeaders } from './analyze.js'
import {
  inboundSample,
  SAMPLE_ADVANCED_DELIVERY,
  SAMPLE_CROSS_TENANT,
  SAMPLE_FORGED,
  SAMPLE_JUNKED_SPAM,
  SAMPLE_QUARANTINED_HPHSH,
  SAMPLE_SAFE_LINKS_EML,
  SAMPLE_TOP_DOWN,
  SAMPLE_TRANSPORT_RULE,
  SAMPLE_USER_JUNK,
  VENDOR,
} from './test-fixtures.js'
import { ipMatches } from './vendor-check.js'

const check = (sample: string, vendor = VENDOR) => {
  const v = analyzeHeaders(sample, { vendor }).vendorCheck
  if (!v) throw new Error('no vendor check')
  return v
}
const says = (advice: string[], re: RegExp) => advice.some((a) => re.test(a))

describe('vendorCheck', () => {
  it('is absent without a vendor', () => {
    expect(analyzeHeaders(SAMPLE_TRANSPORT_RULE).vendorCheck).toBeUndefined()
  })

  it('transport rule took effect', () => {
    const v = check(SAMPLE_TRANSPORT_RULE)
    expect(v).toMatchObject({ matched: true, tookEffect: true })
    expect(v.matchedBy[0]).toMatch(/CIP 198.51.100.25/)
  })

  it('advanced delivery (inferred) took effect', () => {
    expect(check(SAMPLE_ADVANCED_DELIVERY).tookEffect).toBe(true)
  })

  it('junked spam: no allow matched', () => {
    const v = check(SAMPLE_JUNKED_SPAM)
    expect(v.tookEffect).toBe(false)
    expect(says(v.advice, /No allow matched/)).toBe(true)
    expect(says(v.advice, /Authentication fails/)).toBe(true)
  })

  it('HPHSH: with MX at Microsoft only advanced delivery overrides it; behind a gateway allows can', () => {
    const v = check(SAMPLE_QUARANTINED_HPHSH)
    expect(v.tookEffect).toBe(false)
    expect(says(v.advice, /no allow overrides it.*only advanced delivery/)).toBe(true)
    expect(says(v.advice, /MX points to another service.*can deliver it/)).toBe(true)
  })

  it('SFV:NSPM + dest:J: the user setting or junk rule', () => {
    const v = check(SAMPLE_USER_JUNK)
    expect(v.tookEffect).toBe(false)
    expect(says(v.advice, /NSPM with dest:J.*recipient's own settings/)).toBe(true)
  })

  it('Safe Links wrapped the vendor tracking links: DoNotRewriteUrls not in effect', () => {
    const v = check(SAMPLE_SAFE_LINKS_EML)
    expect(v.tookEffect).toBe(false)
    expect(says(v.advice, /DoNotRewriteUrls is not in effect for this recipient/)).toBe(true)
  })

  it('IPV:CAL without a skip verdict', () => {
    const v = check(
      inboundSample({ report: 'CIP:198.51.100.25;SCL:5;IPV:CAL;SFV:SPM;CAT:SPM;DIR:INB;' }),
    )
    expect(says(v.advice, /IPV:CAL without a skip verdict/)).toBe(true)
  })

  it('hdr.ipv-cal.ip-allow-list: IPV:CAL with SFV:SKN or SKI is the IP Allow List taking effect, not filtering that still ran', () => {
    for (const sfv of ['SKN', 'SKI']) {
      const v = check(
        inboundSample({ report: `CIP:198.51.100.25;SCL:-1;IPV:CAL;SFV:${sfv};CAT:NONE;DIR:INB;` }),
      )
      expect(v.tookEffect, sfv).toBe(true)
      expect(v.advice[0], sfv).toMatch(/took effect: delivered to the Inbox via ip-allow/)
      expect(says(v.advice, /filtering still ran/), sfv).toBe(false)
      expect(
        says(v.advice, /IPV:CAL with SFV:S.*pair IPV:CAL with SKN on one page and SKI on another/),
        sfv,
      ).toBe(true)
    }
  })

  it('clean mail proves nothing', () => {
    const v = check(SAMPLE_TOP_DOWN)
    expect(v.tookEffect).toBe('unknown')
    expect(says(v.advice, /doesn't prove the allow works/)).toBe(true)
  })

  it('matches by sender domain when the IP differs, and says so', () => {
    const v = check(SAMPLE_TRANSPORT_RULE, { ...VENDOR, ips: ['192.0.2.0/24'] })
    expect(v.matched).toBe(true)
    expect(says(v.advice, /not one of the vendor's IPs/)).toBe(true)
  })

  it('another sender is not the vendor; forged headers prove nothing', () => {
    expect(check(SAMPLE_CROSS_TENANT)).toMatchObject({ matched: false, tookEffect: 'unknown' })
    const forged = check(SAMPLE_FORGED, { ips: ['203.0.113.66'], domains: [], linkDomains: [] })
    expect(forged).toMatchObject({ matched: true, tookEffect: 'unknown' })
    expect(says(forged.advice, /aren't trustworthy/)).toBe(true)
  })

  it('BypassClutter with the wrong case', () => {
    const v = check(
      inboundSample({
        report: 'CIP:198.51.100.25;SCL:-1;SFV:SKN;CAT:NONE;DIR:INB;',
        extra: ['X-MS-Exchange-Organization-BypassClutter: True'],
      }),
    )
    expect(says(v.advice, /case-sensitive/)).toBe(true)
  })

  it('matches IPs, CIDRs and ranges, IPv4 and IPv6', () => {
    expect(ipMatches('198.51.100.25', ['198.51.100.0/24'])).toBe(true)
    expect(ipMatches('198.51.100.25', ['198.51.100.20-198.51.100.30'])).toBe(true)
    expect(ipMatches('198.51.100.25', ['198.51.100.26'])).toBe(false)
    expect(ipMatches('2001:db8::5', ['2001:db8::/64'])).toBe(true)
    expect(ipMatches('2001:db8::5', ['2001:db8::5'])).toBe(true)
    expect(ipMatches('2001:db9::5', ['2001:db8::/64'])).toBe(false)
    expect(ipMatches('not an ip', ['0.0.0.0/0'])).toBe(false)
    expect(ipMatches('198.51.100.25', ['garbage'])).toBe(false)
  })
})
