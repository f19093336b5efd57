// The domain-name helpers every own-domain and shared-domain check goes through: a vendor's
// domain written with spaces, capitals, a trailing dot or a leading wildcard must still be
// recognised as the tenant's own (or a shared one), or the refusal is bypassed by typing.
import { describe, expect, it } from 'vitest'
import { isSameOrSubdomain, normaliseDomain } from './domain-name.js'

describe('normaliseDomain', () => {
  it('trims, lower-cases and strips a trailing dot and a leading wildcard', () => {
    expect(normaliseDomain('  *.Fabrikam.COM.  ')).toBe('fabrikam.com')
    expect(normaliseDomain('fabrikam.com.')).toBe('fabrikam.com')
    expect(normaliseDomain('*.fabrikam.com')).toBe('fabrikam.com')
    expect(normaliseDomain('\tfabrikam.com\n')).toBe('fabrikam.com')
  })

  it('strips only a leading wildcard label, not a star inside the name', () => {
    expect(normaliseDomain('mail*.fabrikam.com')).toBe('mail*.fabrikam.com')
    expect(normaliseDomain('a.*.fabrikam.com')).toBe('a.*.fabrikam.com')
  })

  it('strips only a trailing dot, not one inside the name', () => {
    expect(normaliseDomain('.fabrikam.com')).toBe('.fabrikam.com')
  })
})

describe('isSameOrSubdomain', () => {
  it('is true for the domain itself and its subdomains, however written', () => {
    expect(isSameOrSubdomain('Fabrikam.com.', 'fabrikam.com')).toBe(true)
    expect(isSameOrSubdomain(' news.fabrikam.com', '*.FABRIKAM.com')).toBe(true)
  })

  it('is false for a different domain that merely ends with the same letters', () => {
    expect(isSameOrSubdomain('evilfabrikam.com', 'fabrikam.com')).toBe(false)
    expect(isSameOrSubdomain('fabrikam.com', 'news.fabrikam.com')).toBe(false)
  })
})
