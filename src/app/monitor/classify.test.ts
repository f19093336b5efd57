import { describe, expect, it } from 'vitest'
import type { CoManager } from '../co-managers.js'
import { classify, type Observation } from './classify.js'

const NOW = Date.parse('2026-12-05T06:00:00.000Z')
const DAY = 86_400_000
const CIPP: CoManager = {
  tool: 'CIPP',
  objects: ['mail flow rule: CIPP - block forwarding'],
  mayRevert: 'CIPP standards re-apply on a schedule',
}

function observed(over: Partial<Observation> = {}): Observation {
  return {
    tenantId: 't1',
    tenantName: 'contoso.onmicrosoft.com',
    vendor: 'contactmonkey',
    vendorName: 'ContactMonkey',
    nowMs: NOW,
    findings: [],
    tabl: [],
    lastApply: { runId: 3, finishedAt: '2026-12-01T10:00:00.000Z', actor: 'app:x' },
    coManagers: [],
    ...over,
  }
}

const ipDrift = {
  finding: {
    changeId: 'cf-1',
    target: 'Default',
    problem:
      'Add the vendor IP to the connection filter IP allow list: IPAllowList lacks 167.89.10.20',
    diagnosis: 'It was changed after apply.',
    fix: 'Run `passage apply` again.',
  },
  surface: 'connection-filter',
  whenChanged: '2026-12-04T02:00:00.000Z',
}

describe('classify', () => {
  it('green when every change is in effect and nothing lapses soon', () => {
    expect(classify(observed())).toMatchObject({ state: 'green', reasons: [] })
  })

  it('drifted by a recognised co-manager: names the CIPP standard, the day, and the way out', () => {
    const c = classify(observed({ findings: [ipDrift], coManagers: [CIPP] }))!
    expect(c.state).toBe('drifted')
    expect(c.explanation).toBe(
      'A CIPP standard (the one that empties the connection filter IP allow list) removed what passage set for ContactMonkey in contoso.onmicrosoft.com on 2026-12-04 (applied by run 3 on 2026-12-01): Add the vendor IP to the connection filter IP allow list: IPAllowList lacks 167.89.10.20.',
    )
    expect(c.fix).toBe(
      'Re-apply, or exclude this tenant from that CIPP standard so it does not remove the IPs again.',
    )
  })

  it('drifted with no co-manager that explains it: "changed outside passage", with check\'s fix', () => {
    const c = classify(observed({ findings: [ipDrift] }))!
    expect(c.explanation).toContain('was changed outside passage on 2026-12-04')
    expect(c.fix).toBe('Run `passage apply` again.')
    // A co-manager that does not revert this kind of object is not blamed.
    const other = classify(
      observed({ findings: [{ ...ipDrift, surface: 'transport-rule' }], coManagers: [CIPP] }),
    )!
    expect(other.explanation).toContain('changed outside passage')
  })

  it('the same drift has the same fingerprint whenever seen; a different drift another', () => {
    const a = classify(observed({ findings: [ipDrift] }))!
    const b = classify(observed({ findings: [ipDrift], nowMs: NOW + 5 * DAY }))!
    const c = classify(
      observed({
        findings: [
          { ...ipDrift, finding: { ...ipDrift.finding, problem: 'EnableSafeList is false' } },
        ],
      }),
    )!
    expect(b.fingerprint).toBe(a.fingerprint)
    expect(c.fingerprint).not.toBe(a.fingerprint)
  })

  it('expiring: one fingerprint for the same entry on every day before and after it lapses', () => {
    const tabl = [
      {
        changeId: 'u1',
        listType: 'Url',
        action: 'Allow',
        value: 'track.example.com',
        createdAt: new Date(NOW - 40 * DAY).toISOString(),
        read: { RemoveAfter: 45, LastUsedDate: null },
      },
    ]
    const days = [0, 1, 4, 6, 10].map((d) => classify(observed({ tabl, nowMs: NOW + d * DAY }))!)
    expect(days.map((c) => c.state)).toEqual(Array(5).fill('expiring'))
    expect(new Set(days.map((c) => c.fingerprint)).size).toBe(1)
    expect(days[0]!.explanation).toContain('lapses on 2026-12-10')
    expect(days[0]!.fix).toContain('before 2026-12-10')
  })

  it("check's own expiry finding is not drift: the monitor judges expiry itself", () => {
    const f = {
      finding: {
        changeId: 'u1',
        target: 'Url:Allow:x',
        problem: 'Allow entry x expires 2026-12-08',
        diagnosis: '',
        fix: '',
      },
      surface: 'tabl-item',
      whenChanged: null,
    }
    expect(classify(observed({ findings: [f] }))!.state).toBe('green')
  })

  it('broken when the app cannot reach the tenant (consent revoked, role removed, licence gone)', () => {
    for (const code of [
      'PASSAGE_E_SIGNIN',
      'PASSAGE_E_EXO_ROLE_MISSING',
      'PASSAGE_E_LICENCE_MISSING',
    ]) {
      const c = classify(observed({ error: { code, message: 'refused' }, findings: [ipDrift] }))!
      expect(c.state).toBe('broken')
      expect(c.reasons).toEqual([`${code}: refused`])
    }
    const revoked = classify(observed({ error: { code: 'PASSAGE_E_SIGNIN', message: 'x' } }))!
    expect(revoked.explanation).toContain('admin consent was revoked')
    expect(revoked.fix).toContain('grant the app')
  })

  it('inconclusive (null) on a failure that may pass: throttled, network', () => {
    expect(classify(observed({ error: { code: 'PASSAGE_E_THROTTLED', message: '' } }))).toBeNull()
    expect(classify(observed({ error: { code: 'PASSAGE_E_NETWORK', message: '' } }))).toBeNull()
  })
})
