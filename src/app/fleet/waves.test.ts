import { describe, expect, it } from 'vitest'
import {
  checkVerdict,
  parseMaxFailures,
  rolledBack,
  splitCanary,
  thresholdPassed,
} from './waves.js'
import type { FleetItem } from '../../store/index.js'

const item = (over: Partial<FleetItem>): FleetItem => ({
  fleetPlanId: 'fp-1',
  tenantId: 't',
  action: 'check',
  state: 'done',
  planHash: null,
  changeKey: null,
  runId: null,
  errorCode: null,
  errorMessage: null,
  detail: null,
  attempts: 1,
  updatedAt: '2026-12-06T00:00:00Z',
  ...over,
})

describe('fleet waves', () => {
  it('reads --max-failures as a percentage from 0 to 100, with or without %', () => {
    expect(parseMaxFailures('10%')).toBe(10)
    expect(parseMaxFailures(' 0.5 % ')).toBe(0.5)
    expect(parseMaxFailures('0')).toBe(0)
    for (const bad of ['101%', '-1%', 'ten', '', '10%%'])
      expect(() => parseMaxFailures(bad), bad).toThrow(/percentage/)
  })

  it('stops only when the failed share of finished tenants passes the threshold', () => {
    expect(thresholdPassed(0, 0, 0)).toBe(false) // nothing finished: no verdict yet
    expect(thresholdPassed(1, 10, 10)).toBe(false) // 10% is not more than 10%
    expect(thresholdPassed(2, 10, 10)).toBe(true)
    expect(thresholdPassed(1, 100, 0)).toBe(true) // 0%: the first failure stops it
    expect(thresholdPassed(5, 5, 100)).toBe(false) // 100%: never stops
  })

  it('takes the canary as the first N tenants by name, whatever the order given', () => {
    const [canary, rest] = splitCanary(
      [{ name: 'delta' }, { name: 'alpha' }, { name: 'charlie' }, { name: 'bravo' }],
      2,
    )
    expect(canary.map((t) => t.name)).toEqual(['alpha', 'bravo'])
    expect(rest.map((t) => t.name)).toEqual(['charlie', 'delta'])
    expect(splitCanary([{ name: 'a' }], 0)[0]).toEqual([])
    expect(splitCanary([{ name: 'a' }], 5)).toEqual([[{ name: 'a' }], []])
  })

  it('calls a check green only when it ran and said green', () => {
    expect(checkVerdict(undefined)).toBe('unknown')
    expect(checkVerdict(item({ state: 'running' }))).toBe('unknown')
    expect(checkVerdict(item({ state: 'cancelled' }))).toBe('unknown')
    expect(checkVerdict(item({ state: 'done', detail: { green: true } }))).toBe('green')
    expect(checkVerdict(item({ state: 'done', detail: { green: false } }))).toBe('red')
    expect(checkVerdict(item({ state: 'failed' }))).toBe('red')
    expect(checkVerdict(item({ state: 'no-access' }))).toBe('unknown')
  })

  it('counts an apply as rolled back only when a rollback finished after it', () => {
    const apply = item({ action: 'apply', updatedAt: '2026-12-06T10:00:00.000Z' })
    const rb = (state: FleetItem['state'], at: string) =>
      item({ action: 'rollback', state, updatedAt: at })
    expect(rolledBack(apply, undefined)).toBe(false)
    expect(rolledBack(apply, rb('done', '2026-12-06T11:00:00.000Z'))).toBe(true)
    expect(rolledBack(apply, rb('failed', '2026-12-06T11:00:00.000Z'))).toBe(false)
    // Applied again after the rollback: applied.
    expect(rolledBack(apply, rb('done', '2026-12-06T09:00:00.000Z'))).toBe(false)
  })
})
