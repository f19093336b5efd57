// normaliseDomain skips its two regex replaces for a domain with neither a trailing dot nor a
// leading `*.`: the result must be what the replaces give, for every shape of input, or an own
// or shared domain written oddly would slip past the refusals that compare normalised domains.
import { describe, expect, it } from 'vitest'
import { normaliseDomain } from './domain-name.js'

/** The definition the fast path must agree with. */
const reference = (input: string): string =>
  input.trim().toLowerCase().replace(/\.$/, '').replace(/^\*\./, '')

describe('normaliseDomain fast path', () => {
  it('gives what trim, lower-case and the two replaces give, on edge shapes', () => {
    const inputs = [
      '',
      ' ',
      '.',
      '..',
      '*',
      '*.',
      '*.*.',
      '**.a',
      '*a.com',
      'a*.com',
      'a.',
      '.a',
      '*.a.',
      ' *.A.COM. ',
      'fabrikam.com',
      'Fabrikam.COM',
      'fabrikam.com.\n',
      'x.*.fabrikam.com',
      'İstanbul.example',
      'a\u00a0',
      '\ufeff*.a',
    ]
    for (const s of inputs) expect(normaliseDomain(s), JSON.stringify(s)).toBe(reference(s))
  })

  it('agrees with the replaces on generated inputs over the characters that matter', () => {
    const alphabet = ['*', '.', 'a', 'B', ' ', '\t', '-']
    let n = 0
    // Every string of length 0-5 over the alphabet (about 19,600).
    const walk = (prefix: string): void => {
      expect(normaliseDomain(prefix), JSON.stringify(prefix)).toBe(reference(prefix))
      n++
      if (prefix.length < 5) for (const c of alphabet) walk(prefix + c)
    }
    walk('')
    expect(n).toBe(19608)
  })

  it('still strips a trailing dot and a leading wildcard (the slow path is taken for them)', () => {
    expect(normaliseDomain('fabrikam.com.')).toBe('fabrikam.com')
    expect(normaliseDomain('*.fabrikam.com')).toBe('fabrikam.com')
    expect(normaliseDomain('*.fabrikam.com.')).toBe('fabrikam.com')
  })
})
