import { describe, expect, it } from 'vitest'
import { printable } from './output.js'

describe('printable', () => {
  it('shows control bytes from a file or an answer as \\xNN instead of sending them', () => {
    expect(printable('bad \u001b[2J\u001b]0;pwned\u0007 name')).toBe(
      'bad \\x1b[2J\\x1b]0;pwned\\x07 name',
    )
    expect(printable('line one\nline two\ttab')).toBe('line one\nline two\ttab')
  })

  it('cuts long text and says how much was left out', () => {
    const out = printable('x'.repeat(10_000))
    expect(out.length).toBeLessThan(4100)
    expect(out).toMatch(/… \(6000 more characters\)$/)
  })
})
