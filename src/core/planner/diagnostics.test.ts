import { describe, expect, it } from 'vitest'
import { isPassageError, type PassageError } from '../errors/index.js'
import { plan } from './plan.js'
import { checkSafety, safetyRefusals } from './safety.js'
import { COMMS, makeSnapshot, NOW, vendor } from './test-fixtures.js'

function thrown(fn: () => unknown): PassageError {
  try {
    fn()
  } catch (e) {
    if (isPassageError(e)) return e
    throw e
  }
  throw new Error('expected a refusal')
}

const custom = (sending: Record<string, string[]>) =>
  vendor({ ...COMMS, id: 'custom', params: [], sending })

describe('plan: every refusal, not only the first', () => {
  it('reports two independent refusals, keeping the first one’s code', () => {
    // A private address (a safety rule) and Safe Links asked for on an EOP-only tenant (no
    // mechanism works there): fixing one would only reveal the other next time.
    const v = custom({ ips: ['10.1.2.3'], linkDomains: ['contactmonkey.com'] })
    const e = thrown(() =>
      plan(v, { mode: 'recommended', protections: ['safe-links', 'clutter'] }, makeSnapshot(), {
        now: NOW,
      }),
    )
    expect(e.code).toBe('PASSAGE_E_MECHANISM_UNAVAILABLE')
    const diagnostics = e.details?.diagnostics as { code: string; protection?: string }[]
    expect(diagnostics.map((d) => d.code)).toEqual([
      'PASSAGE_E_MECHANISM_UNAVAILABLE',
      'PASSAGE_E_REFUSED_ADDRESS',
    ])
    expect(diagnostics[0]?.protection).toBe('safe-links')
    expect(e.message).toMatch(/safe links/i)
    expect(e.message).toMatch(/10\.1\.2\.3 is a private address/)
  })

  it('keeps a single refusal’s message as it was', () => {
    const v = custom({ ips: ['10.1.2.3'] })
    const e = thrown(() =>
      plan(v, { mode: 'recommended', protections: ['anti-spam'] }, makeSnapshot(), { now: NOW }),
    )
    expect(e.code).toBe('PASSAGE_E_REFUSED_ADDRESS')
    expect(e.message).toMatch(
      /^Comms: 10\.1\.2\.3 is a private address, not a public internet sender \(it includes 10\.0\.0\.0\/8, /,
    )
    expect(e.details?.diagnostics).toEqual([{ code: e.code, message: e.message }])
  })

  it('lists every safety refusal, tagged with its mechanism where it has one', () => {
    const ctx = {
      snapshot: makeSnapshot(),
      vendor: custom({ ips: ['192.168.1.1', '2001:4860:4860::8888', '185.12.64.0/22'] }),
      now: NOW,
      mode: 'recommended' as const,
    }
    const refusals = safetyRefusals(ctx, new Set(['ip-allow'] as const))
    expect(refusals.map((r) => r.code)).toEqual([
      'PASSAGE_E_REFUSED_ADDRESS',
      'PASSAGE_E_REFUSED_ADDRESS',
      'PASSAGE_E_REFUSED_CIDR',
    ])
    expect(refusals[1]?.details?.mechanism).toBe('ip-allow')
    const e = thrown(() => checkSafety(ctx, ['ip-allow']))
    expect(e.code).toBe('PASSAGE_E_REFUSED_ADDRESS')
    expect((e.details?.diagnostics as unknown[]).length).toBe(3)
    expect(safetyRefusals({ ...ctx, vendor: custom({ ips: ['167.89.10.20'] }) }, [])).toEqual([])
  })
})
