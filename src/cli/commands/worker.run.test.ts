import { describe, expect, it } from 'vitest'
import { wholeNumber } from '../numbers.js'
import { eventLine } from './worker.run.js'

describe('passage worker: flags and event lines', () => {
  it('--app-requests-per-second takes a whole number from 1 to 10000; anything else is PASSAGE_E_INPUT naming the flag', () => {
    expect(wholeNumber('--app-requests-per-second', ' 40 ', 1, 10_000)).toBe(40)
    for (const bad of ['0', '10001', '2.5', 'ten', ''])
      expect(() => wholeNumber('--app-requests-per-second', bad, 1, 10_000)).toThrow(
        expect.objectContaining({
          code: 'PASSAGE_E_INPUT',
          message: expect.stringContaining(
            '--app-requests-per-second takes a whole number from 1 to 10000',
          ),
        }),
      )
  })

  it('a retry after Retry-After says when; a budget change says what happened', () => {
    const retry = eventLine({
      kind: 'retry',
      action: 'apply',
      tenantId: 't-1',
      error: 'PASSAGE_E_THROTTLED: Exchange Online is throttling this tenant',
      at: '2026-12-06T20:00:05.000Z',
    })
    expect(retry).toContain('apply t-1 will retry at 20:00:05 (Retry-After): PASSAGE_E_THROTTLED')
    const lost = eventLine({
      kind: 'budget',
      shared: false,
      message: 'the shared request budget is unreachable',
    })
    expect(lost).toContain('request budget: the shared request budget is unreachable')
  })
})
