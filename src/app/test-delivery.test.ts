import { describe, expect, it } from 'vitest'
import { chooseVendor } from './vendor-choice.js'
import { isVendorMail, traceWindows } from './test-delivery.js'

describe('message trace windows', () => {
  it('splits a span into windows of at most 10 days', () => {
    const start = new Date('2026-11-01T00:00:00Z')
    const w = traceWindows(start, new Date('2026-11-25T00:00:00Z'))
    expect(w.map((x) => x.start.toISOString().slice(0, 10))).toEqual([
      '2026-11-01',
      '2026-11-11',
      '2026-11-21',
    ])
    expect(w.at(-1)?.end.toISOString().slice(0, 10)).toBe('2026-11-25')
  })
})

describe('vendor mail', () => {
  it('matches the vendor by sending IP or domain', () => {
    const v = chooseVendor('contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' })
    expect(isVendorMail(v, 'news@contoso.com', '167.89.10.20')).toBe(true)
    expect(isVendorMail(v, 'news@contoso.com', '203.0.113.9')).toBe(false)
  })
})
