import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeHeaders } from '../../core/headers/analyze.js'
import { journeyFromHeaders } from '../../core/journey/index.js'
import { formatDelivery } from './test.run.js'

describe('passage test --headers', () => {
  it('prints the mail’s path as the headers tell it, like explain, below the analyzer’s verdict', () => {
    const eml = readFileSync(
      join(import.meta.dirname, '..', '..', '..', 'examples', 'headers', 'junked-spam.eml'),
      'utf8',
    )
    const a = analyzeHeaders(eml)
    const text = formatDelivery({
      vendor: 'KnowBe4',
      window: { start: '2026-11-20T00:00:00.000Z', end: '2026-11-21T00:00:00.000Z' },
      sent: 0,
      messages: [],
      released: 0,
      headers: {
        verdict: a.verdict,
        category: a.category,
        findings: a.findings,
        journey: journeyFromHeaders(a),
      },
    })
    const at = text.indexOf('The mail’s path, as the headers tell it')
    expect(at).toBeGreaterThan(text.indexOf('Headers: '))
    const path = text.slice(at)
    // Every stage in Microsoft's order, the deciding one marked.
    const order = ['Connection filter', 'Anti-spam', 'Safe Links', 'Zero-hour']
    const where = order.map((w) => path.indexOf(w))
    expect(where.every((i) => i > 0)).toBe(true)
    expect([...where].sort((x, y) => x - y)).toEqual(where)
    expect(path).toMatch(/▶ Anti-spam/)
  })

  it('prints no path when no headers were given', () => {
    const text = formatDelivery({
      vendor: 'KnowBe4',
      window: { start: 'a', end: 'b' },
      sent: 0,
      messages: [],
      released: 0,
    })
    expect(text).not.toContain('The mail’s path')
  })
})
