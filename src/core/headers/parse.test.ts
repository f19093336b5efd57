import { describe, expect, it } from 'vitest'
import { parseHeaderBlock } from './parse.js'

describe('parseHeaderBlock', () => {
  it('unfolds continuation lines with CRLF, LF and CR line ends alike', () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      const text = ['Subject: a', ' b', '\tc', 'X-Foo: 1'].join(eol)
      const b = parseHeaderBlock(text)
      expect(b.headers.map((h) => [h.name, h.value])).toEqual([
        ['Subject', 'a b\tc'],
        ['X-Foo', '1'],
      ])
    }
  })

  it('stops at the first blank line of an .eml and keeps the body', () => {
    const b = parseHeaderBlock(
      'From: a@b.example\r\nTo: c@d.example\r\n\r\nX-Not-A-Header: body\r\n',
    )
    expect(b.headers.map((h) => h.name)).toEqual(['From', 'To'])
    expect(b.body).toBe('X-Not-A-Header: body\n')
    expect(b.headerText).toBe('From: a@b.example\nTo: c@d.example')
  })

  it('skips a BOM, leading blank lines and an mbox From line', () => {
    const b = parseHeaderBlock(
      '\uFEFF\n\nFrom sender@example.com Mon Jan  1 00:00:00 2026\nSubject: hi\n',
    )
    expect(b.headers.map((h) => h.name)).toEqual(['Subject'])
  })

  it('joins lines that lost their indentation, but never takes a folded time as a header', () => {
    const b = parseHeaderBlock(
      'Received: from a by b; Tue, 17 Nov 2026\n14:02:11 +0000\nnot a header line\nX-A: 1',
    )
    expect(b.headers).toHaveLength(2)
    expect(b.headers[0]?.value).toBe(
      'from a by b; Tue, 17 Nov 2026 14:02:11 +0000 not a header line',
    )
  })

  it('turns NUL and other control characters into spaces', () => {
    const b = parseHeaderBlock('X-A: a\u0000b\u0007c\nX-B: d')
    expect(b.headers[0]?.value).toBe('a b c')
  })

  it('keeps header order and indexes, and lower-cases names for lookups', () => {
    const b = parseHeaderBlock('X-Forefront-Antispam-Report: CIP:1.2.3.4;\nreceived: from x by y')
    expect(b.headers.map((h) => [h.index, h.lower])).toEqual([
      [0, 'x-forefront-antispam-report'],
      [1, 'received'],
    ])
  })

  it('caps the input, the number of headers and the length of one header', () => {
    const many = Array.from({ length: 50 }, (_, i) => `X-H${i}: ${i}`).join('\n')
    const capped = parseHeaderBlock(many, { maxHeaders: 10 })
    expect(capped.headers).toHaveLength(10)
    expect(capped.headersTruncated).toBe(true)

    const cut = parseHeaderBlock(many, { maxBytes: 20 })
    expect(cut.inputTruncated).toBe(true)
    expect(cut.headers.length).toBeLessThanOrEqual(3)

    const long = parseHeaderBlock('X-Long: ' + 'a'.repeat(1000) + '\n ' + 'b'.repeat(1000), {
      maxHeaderLength: 500,
    })
    expect(long.headers[0]?.value.length).toBeGreaterThanOrEqual(499)
    expect(long.headers[0]?.value.length).toBeLessThanOrEqual(500)
    expect(long.headers[0]?.truncated).toBe(true)
  })

  it('returns nothing for empty or header-less input', () => {
    expect(parseHeaderBlock('').headers).toEqual([])
    expect(parseHeaderBlock('\n\n\n').headers).toEqual([])
    expect(parseHeaderBlock('just some words without a colon').headers).toEqual([])
  })
})
