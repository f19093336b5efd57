import { describe, expect, it } from 'vitest'
import { MAX_INPUT_LENGTH, MAX_PATTERN_LENGTH, testPattern } from './safe-regex.js'

describe('testPattern', () => {
  it('matches case-insensitively', () => {
    expect(testPattern('dmarc=(pass|bestguesspass)', 'spf=pass; DMARC=pass action=none')).toEqual({
      ok: true,
      matched: true,
    })
    expect(testPattern('^x$', 'y')).toEqual({ ok: true, matched: false })
  })

  it.each(['(a+)+', '(a*)*b', '(\\w+\\s?)+$', '(x)\\1', '[', 'a'.repeat(MAX_PATTERN_LENGTH + 1)])(
    'refuses %s',
    (p) => {
      expect(testPattern(p, 'aaaa').ok).toBe(false)
    },
  )

  it('bounds the input it scans', () => {
    const value = `${'a'.repeat(MAX_INPUT_LENGTH)}NEEDLE`
    expect(testPattern('NEEDLE', value)).toEqual({ ok: true, matched: false })
  })
})
