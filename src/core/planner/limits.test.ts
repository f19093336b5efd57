// Microsoft's limits the planner enforces (src/core/behaviour/limits.ts): each test is named after
// its register row, and checks the note a change carries and the refusal past the limit.
import { describe, expect, it } from 'vitest'
import type { Change, JsonObject } from '../change.js'
import { isPassageError } from '../errors/index.js'
import { makeSnapshot } from './test-fixtures.js'
import { limitsFor, SIMULATION_URL_LIMIT } from './limits.js'

/** The fields limitsFor reads of a change. */
function change(over: Partial<Change> & Pick<Change, 'surface' | 'op'>): Change {
  return { id: 'c01', target: 't', summary: 'test change', ...over } as Change
}

function limitOf(c: Change, snapshot = makeSnapshot()): { limit: string; max: number }[] {
  return limitsFor(c, snapshot).map(({ limit, max }) => ({ limit, max }))
}

function refused(c: Change, snapshot = makeSnapshot()): boolean {
  try {
    limitsFor(c, snapshot)
    return false
  } catch (e) {
    return isPassageError(e) && e.code === 'PASSAGE_E_REFUSED_LIMIT'
  }
}

const rule = (after: JsonObject) => change({ surface: 'transport-rule', op: 'create', after })

describe('Microsoft limits', () => {
  it('limits.transport-rule.count: 300 mail flow rules', () => {
    expect(limitOf(rule({ Name: 'r' }))).toContainEqual({
      limit: 'mail flow rules per organisation',
      max: 300,
    })
    const full = makeSnapshot({
      rules: Array.from({ length: 300 }, (_, i) => ({ Name: `r${i}`, Priority: i })),
    })
    expect(refused(rule({ Name: 'x' }), full)).toBe(true)
  })

  it('limits.transport-rule.size: 8 KB of conditions and actions', () => {
    expect(refused(rule({ Name: 'r', SenderDomainIs: ['a'.repeat(9000)] }))).toBe(true)
  })

  it('limits.transport-rule.name: 64 characters', () => {
    expect(refused(rule({ Name: 'n'.repeat(65) }))).toBe(true)
    expect(refused(rule({ Name: 'n'.repeat(64) }))).toBe(false)
  })

  it('limits.connection-filter.ip-allow: 1273 IP Allow List entries', () => {
    const c = change({
      surface: 'connection-filter',
      op: 'update',
      before: { IPAllowList: [] },
      after: { IPAllowList: ['192.0.2.1'] },
      add: { IPAllowList: ['192.0.2.1'] },
    })
    expect(limitOf(c)).toEqual([{ limit: 'IP Allow List entries', max: 1273 }])
  })

  it('limits.anti-spam.allowed-list: about 1000 allowed sender domains', () => {
    const many = Array.from({ length: 1001 }, (_, i) => `d${i}.com`)
    const c = change({
      surface: 'anti-spam',
      op: 'update',
      before: { AllowedSenderDomains: [] },
      after: { AllowedSenderDomains: many },
      add: { AllowedSenderDomains: many },
    })
    expect(refused(c)).toBe(true)
  })

  it('limits.anti-phish.excluded: 1000 excluded domains', () => {
    const c = change({
      surface: 'anti-phish',
      op: 'update',
      before: { ExcludedDomains: [] },
      after: { ExcludedDomains: ['a.com'] },
      add: { ExcludedDomains: ['a.com'] },
    })
    expect(limitOf(c)[0]?.max).toBe(1000)
  })

  it('limits.tabl.entries: allow entries per licence', () => {
    const c = change({
      surface: 'tabl-item',
      op: 'create',
      after: { ListType: 'Url', Action: 'Allow', Value: 'a.com' },
    })
    expect(limitOf(c)[0]).toEqual({
      limit: 'Tenant Allow/Block List Url allow entries (eop)',
      max: 500,
    })
  })

  it('limits.tabl.url-length: 250 characters in a URL entry', () => {
    const c = change({
      surface: 'tabl-item',
      op: 'create',
      after: { ListType: 'Url', Action: 'Allow', Value: `a.com/${'x'.repeat(250)}` },
    })
    expect(refused(c)).toBe(true)
  })

  it('limits.tabl.spoof-entries: 1024 spoofed-sender entries', () => {
    const c = change({ surface: 'tabl-spoof', op: 'create', after: {} })
    expect(limitOf(c)).toEqual([{ limit: 'spoofed-sender entries', max: 1024 }])
  })

  it('limits.advanced-delivery.domains: 20 domains in the override rule', () => {
    const domains = Array.from({ length: 21 }, (_, i) => `d${i}.com`)
    const c = change({
      surface: 'phish-sim-rule',
      op: 'create',
      after: { Domains: domains, SenderIpRanges: [] },
    })
    expect(refused(c)).toBe(true)
  })

  it('limits.advanced-delivery.ips: 10 sending IPs in the override rule', () => {
    const ips = Array.from({ length: 11 }, (_, i) => `192.0.2.${i + 1}`)
    const c = change({
      surface: 'phish-sim-rule',
      op: 'create',
      after: { Domains: [], SenderIpRanges: ips },
    })
    expect(refused(c)).toBe(true)
  })

  it('limits.advanced-delivery.urls: 30 simulation URLs', () => {
    const items = Array.from({ length: SIMULATION_URL_LIMIT }, (_, i) => ({
      ListType: 'Url' as const,
      ListSubType: 'AdvancedDelivery' as const,
      Action: 'Allow' as const,
      Value: `s${i}.com/*`,
    }))
    const full = makeSnapshot({ state: { tabl: { items } } })
    const c = change({
      surface: 'tabl-item',
      op: 'create',
      after: {
        ListType: 'Url',
        ListSubType: 'AdvancedDelivery',
        Action: 'Allow',
        Value: 'x.com/*',
      },
    })
    expect(refused(c, full)).toBe(true)
    expect(refused(c)).toBe(false)
  })
})
