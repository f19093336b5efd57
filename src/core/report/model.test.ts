import { describe, expect, it } from 'vitest'
import {
  buildReport,
  DEFAULT_ACCEPT_DAYS,
  inEffect,
  parseAcceptUntil,
  REPORT_SCHEMA_VERSION,
  type TenantInput,
} from './model.js'
import { applied, change, IP_ALLOW_HITS, NOW, SCL_HIT } from './test-fixtures.js'

const tenant = (applied: TenantInput['applied']) => ({
  id: 'fd46b0cc-ba27-4bee-ac95-13bad50640e3',
  name: 'contoso.onmicrosoft.com',
  displayName: 'Contoso',
  fleet: null,
  applied,
})

describe('inEffect', () => {
  it('drops what a later change removed (same surface and target), keeping the removal', () => {
    const created = applied(change({ id: 'c01', target: 'Rule A' }))
    const other = applied(change({ id: 'c02', target: 'Rule B' }))
    const removed = applied(
      change({ id: 'c01', op: 'remove', target: 'rule a', baselines: [] }),
      undefined,
      {
        runId: 2,
      },
    )
    expect(
      inEffect([created, other, removed]).map((a) => [a.runId, a.change.id, a.change.op]),
    ).toEqual([
      [1, 'c02', 'create'],
      [2, 'c01', 'remove'],
    ])
  })
})

describe('buildReport', () => {
  it('groups changes per vendor (a custom service by its own name), counts risks, and carries schemaVersion', () => {
    const r = buildReport({
      scope: 'tenant',
      now: NOW,
      tenants: [
        tenant([
          applied(change({ id: 'c01', risk: { level: 'high', reason: 'r' } })),
          applied(
            change({ id: 'c01', target: 'x' }),
            { id: 'custom', name: 'Beta Mailer' },
            { runId: 2 },
          ),
          applied(
            change({ id: 'c02', target: 'y' }),
            { id: 'custom', name: 'Gamma' },
            { runId: 3 },
          ),
        ]),
      ],
    })
    expect(r.schemaVersion).toBe(REPORT_SCHEMA_VERSION)
    expect(r.tenants[0]!.vendors.map((v) => v.name)).toEqual([
      'Beta Mailer',
      'ContactMonkey',
      'Gamma',
    ])
    expect(r.totals).toMatchObject({
      tenants: 1,
      vendors: 3,
      changes: 3,
      byRisk: { high: 1, medium: 2 },
    })
  })

  it('accepts each tripped check until 90 days from now by default, listing the changes that trip it', () => {
    const r = buildReport({
      scope: 'tenant',
      now: NOW,
      tenants: [
        tenant([
          applied(change({ id: 'c02', surface: 'connection-filter', baselines: IP_ALLOW_HITS })),
        ]),
      ],
    })
    const acc = r.tenants[0]!.acceptances
    expect(acc.map((a) => `${a.scanner} ${a.check}`)).toEqual([
      'CISA MS.SECURITYSUITE.8.1',
      'CIS 2.1.12',
      'ORCA 114',
    ])
    const expected = new Date(NOW.getTime() + DEFAULT_ACCEPT_DAYS * 86_400_000)
      .toISOString()
      .slice(0, 10)
    for (const a of acc) {
      expect(a.acceptedUntil).toBe(expected)
      expect(a.untilSource).toBe('default')
      expect(a.changes.map((c) => c.changeId)).toEqual(['c02'])
    }
    expect(r.totals.baselineChecks).toBe(3)
  })

  it('takes the vendor’s earliest Tenant Allow/Block List expiry still to come; an expired entry is flagged, not used', () => {
    const tabl = (id: string, date: string) =>
      change({
        id,
        surface: 'tabl-item',
        target: `Url:Tenant:Allow:${id}`,
        baselines: [],
        after: { ExpirationDate: date },
      })
    const r = buildReport({
      scope: 'tenant',
      now: NOW,
      tenants: [
        tenant([
          applied(tabl('c05', '2026-11-30T00:00:00Z')),
          applied(tabl('c06', '2027-01-15T00:00:00Z')),
          applied(tabl('c07', '2027-02-15T00:00:00Z')),
          applied(change({ id: 'c01' })),
        ]),
      ],
    })
    const t = r.tenants[0]!
    expect(t.vendors[0]!.changes.find((c) => c.changeId === 'c05')).toMatchObject({ expired: true })
    expect(t.vendors[0]!.changes.find((c) => c.changeId === 'c06')).toMatchObject({
      expired: false,
      expiresAt: '2027-01-15T00:00:00.000Z',
    })
    expect(t.acceptances).toEqual([
      expect.objectContaining({
        check: SCL_HIT.check,
        acceptedUntil: '2027-01-15',
        untilSource: 'tabl-expiry',
      }),
    ])
  })

  it('a check tripped for two vendors is accepted until the earlier of their dates; --accept-until overrides both', () => {
    const tablEntry = change({
      id: 'c09',
      surface: 'tabl-item',
      target: 'Url:Tenant:Allow:x',
      baselines: [],
      after: { ExpirationDate: '2027-01-10T00:00:00Z' },
    })
    const input = (acceptUntil?: string) => ({
      scope: 'tenant' as const,
      now: NOW,
      ...(acceptUntil ? { acceptUntil } : {}),
      tenants: [
        tenant([
          applied(change({ id: 'c01' })),
          applied(tablEntry, { id: 'custom', name: 'Beta' }, { runId: 2 }),
          applied(
            change({ id: 'c01', target: 'other rule' }),
            { id: 'custom', name: 'Beta' },
            { runId: 2 },
          ),
        ]),
      ],
    })
    const [acc] = buildReport(input()).tenants[0]!.acceptances
    expect(acc).toMatchObject({ acceptedUntil: '2027-01-10', untilSource: 'tabl-expiry' })
    expect(acc!.changes.map((c) => c.vendor)).toEqual(['Beta', 'ContactMonkey'])
    const [given] = buildReport(input('2027-06-30')).tenants[0]!.acceptances
    expect(given).toMatchObject({ acceptedUntil: '2027-06-30', untilSource: 'given' })
  })
})

describe('parseAcceptUntil', () => {
  it('takes a calendar day after today, written yyyy-mm-dd', () => {
    expect(parseAcceptUntil('2027-03-31', NOW)).toEqual({ ok: true, day: '2027-03-31' })
  })
  it.each([
    ['31/03/2027', 'is not a date written yyyy-mm-dd'],
    ['2027-02-30', 'is not a day of the calendar'],
    ['2026-12-01', 'is not after today'],
    ['2025-01-01', 'is not after today'],
  ])('refuses %s: %s', (text, reason) => {
    const r = parseAcceptUntil(text, NOW)
    expect(r.ok).toBe(false)
    expect(r.ok ? '' : r.reason).toContain(reason)
  })
})
