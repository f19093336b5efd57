/**
 * Differential test of the Safe Links `data` time: the .NET ticks read with doubles (split at the
 * last four digits) against the BigInt reading it replaced, kept here as the reference, on the
 * edges of its range and on generated 15-20 digit strings: the same ISO time, or null.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isoOfMs, ticksToIso } from './safe-links.js'

// ---- The reference: the BigInt reading, unchanged but for its name. ----

function referenceTicksToIso(t: string): string | null {
  if (!/^\d{17,19}$/.test(t)) return null
  const ms = (BigInt(t) - 621355968000000000n) / 10000n
  if (ms < 0n || ms > 8640000000000000n) return null
  return new Date(Number(ms)).toISOString()
}

// ---- The comparison. ----

function same(t: string): void {
  expect(ticksToIso(t)).toBe(referenceTicksToIso(t))
}

describe('ticksToIso matches the BigInt reading', () => {
  it('at the edges: the epoch, just before and after it, the Date limit, 17 and 19 digits', () => {
    for (const t of [
      '621355968000000000',
      '621355967999990000',
      '621355967999990001',
      '621355967999999999',
      '621355968000009999',
      '621355968000010000',
      '638672544000000000',
      '10000000000000000',
      '99999999999999999',
      '9999999999999999999',
      '1000000000000000000',
      '0000000000000000000',
      '00000000000000000',
      '1234567890123456',
      '12345678901234567890',
      '63867254400000000x',
    ])
      same(t)
    expect(ticksToIso('621355968000000000')).toBe('1970-01-01T00:00:00.000Z')
    expect(ticksToIso('621355967999990001')).toBe('1970-01-01T00:00:00.000Z')
    expect(ticksToIso('621355967999990000')).toBe(null)
  })

  it('on generated digit strings', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{15,20}$/), (t) => {
        same(t)
      }),
      { numRuns: 5000 },
    )
    fc.assert(
      fc.property(fc.bigInt({ min: 621355967999980000n, max: 621355968000020000n }), (t) => {
        same(String(t))
      }),
      { numRuns: 2000 },
    )
  })
})

describe('isoOfMs writes what Date.prototype.toISOString writes', () => {
  const ref = (ms: number): string => new Date(ms).toISOString()

  it('at the edges: the epoch, leap days, century years, the last millisecond of 9999', () => {
    for (const ms of [
      0,
      1,
      999,
      1000,
      86399999,
      86400000,
      951782400000, // 2000-02-29
      951868800000, // 2000-03-01
      4107542400000, // 2100-03-01 (2100 is no leap year)
      4107456000000, // 2100-02-28
      1795010528000,
      253402300799999, // 9999-12-31T23:59:59.999Z
      253402300800000, // +010000-01-01: written by Date
      8640000000000000,
    ])
      expect(isoOfMs(ms), String(ms)).toBe(ref(ms))
    expect(isoOfMs(951782400000)).toBe('2000-02-29T00:00:00.000Z')
  })

  it('on generated times, and on Safe Links ticks within the four-digit years', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 }), (ms) => {
        expect(isoOfMs(ms)).toBe(ref(ms))
      }),
      { numRuns: 20000 },
    )
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8640000000000000 }), (ms) => {
        expect(isoOfMs(ms)).toBe(ref(ms))
      }),
      { numRuns: 2000 },
    )
    fc.assert(
      fc.property(fc.bigInt({ min: 621355968000000000n, max: 3155378975999999999n }), (t) => {
        same(String(t))
      }),
      { numRuns: 5000 },
    )
  })
})
