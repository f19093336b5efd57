// The refusals each mechanism adds on top of every plan's (design.md safety rules): what its list
// or policy cannot take. Each test pins one rule, its code, message and mechanism, and the
// nearest case it must accept (issue 18: each was changeable without any unit test noticing).
import { describe, expect, it } from 'vitest'
import type { TenantSnapshot } from '../model/snapshot.js'
import { safetyRefusals } from '../planner/safety.js'
import { COMMS, makeSnapshot, NOW, vendor } from '../planner/test-fixtures.js'
import type { MechanismId } from '../protections/ids.js'
import type { PlanContext } from './context.js'

function ctxOf(ips: string[], snapshot: TenantSnapshot = makeSnapshot()): PlanContext {
  return {
    snapshot,
    vendor: vendor({ ...COMMS, id: 'custom', name: 'Acme', params: [], sending: { ips } }),
    now: NOW,
    mode: 'recommended',
  }
}

const refusals = (ctx: PlanContext, m: MechanismId) =>
  safetyRefusals(ctx, [m]).map((e) => ({
    code: e.code,
    message: e.message,
    hint: e.hint,
    mechanism: e.details?.mechanism,
  }))

describe('ip-allow: the connection filter IP Allow List', () => {
  it('refuses IPv6 and points to the scoped rule', () => {
    expect(refusals(ctxOf(['2606:4700::1']), 'ip-allow')).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_ADDRESS',
        message: '2606:4700::1: the connection filter IP Allow List takes no IPv6 addresses.',
        hint: 'Choose the scoped mail flow rule mechanism, which accepts IPv6.',
        mechanism: 'ip-allow',
      },
    ])
  })

  it('refuses a CIDR wider than /24, and takes a /24', () => {
    expect(refusals(ctxOf(['81.2.2.0/23']), 'ip-allow')).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_CIDR',
        message:
          '81.2.2.0/23: the IP Allow List accepts /24 to /32 only (Microsoft allows wider ranges only through an SCL -1 rule).',
        hint: expect.any(String) as string,
        mechanism: 'ip-allow',
      },
    ])
    expect(refusals(ctxOf(['81.2.3.0/24', '81.2.4.7']), 'ip-allow')).toEqual([])
  })

  it('refuses a range of more than 256 addresses, and takes one of 256', () => {
    expect(refusals(ctxOf(['81.2.3.0-81.2.4.0']), 'ip-allow')).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_CIDR',
        message: '81.2.3.0-81.2.4.0: an IP Allow List range may cover at most 256 addresses.',
        hint: expect.any(String) as string,
        mechanism: 'ip-allow',
      },
    ])
    // 256 addresses that no /24 holds: a range counts by its size.
    expect(refusals(ctxOf(['81.2.3.128-81.2.4.127']), 'ip-allow')).toEqual([])
  })

  it('leaves an unparsable entry to the general refusal (one refusal, not two)', () => {
    expect(refusals(ctxOf(['nope']), 'ip-allow').map((r) => r.mechanism)).toEqual([undefined])
  })

  it('is not applied when another mechanism is planned', () => {
    expect(refusals(ctxOf(['2606:4700::1', '81.2.2.0/23']), 'scoped-rule')).toEqual([])
  })
})

describe('advanced-delivery: the phishing simulation override', () => {
  const gateway = (ips: string[]) =>
    makeSnapshot({
      mx: { route: 'gateway', gateway: 'Proofpoint', hosts: ['mx1.pphosted.com'], ips },
    })

  it('refuses IPv6 sending IPs', () => {
    expect(refusals(ctxOf(['2606:4700::1', '3.93.243.176']), 'advanced-delivery')).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_ADDRESS',
        message: '2606:4700::1: advanced delivery takes IPv4 sending IPs only.',
        hint: expect.any(String) as string,
        mechanism: 'advanced-delivery',
      },
    ])
  })

  it("refuses the MX gateway's own address: it would exempt anyone spoofing the simulation", () => {
    const ctx = ctxOf(['3.93.243.176', '148.163.1.1'], gateway(['148.163.1.1', '148.163.1.2']))
    expect(refusals(ctx, 'advanced-delivery')).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_UNSAFE',
        message:
          "148.163.1.1 is the MX gateway's address: in advanced delivery it would exempt anyone spoofing the simulation domains.",
        hint: expect.any(String) as string,
        mechanism: 'advanced-delivery',
      },
    ])
    const both = ctxOf(['148.163.1.2', '148.163.1.1'], gateway(['148.163.1.1', '148.163.1.2']))
    expect(refusals(both, 'advanced-delivery')[0]?.message).toMatch(
      /^148\.163\.1\.2, 148\.163\.1\.1 are the MX gateway's address: /,
    )
  })

  it("takes the vendor's IPs when the gateway's are others, or MX points to Microsoft 365", () => {
    expect(
      refusals(ctxOf(['3.93.243.176'], gateway(['148.163.1.1'])), 'advanced-delivery'),
    ).toEqual([])
    expect(refusals(ctxOf(['148.163.1.1']), 'advanced-delivery')).toEqual([])
  })

  it('refuses more than 10 sending IP entries, and takes 10', () => {
    const ips = (n: number) => Array.from({ length: n }, (_, i) => `3.93.243.${i + 1}`)
    expect(refusals(ctxOf(ips(11)), 'advanced-delivery')).toEqual([
      {
        code: 'PASSAGE_E_REFUSED_LIMIT',
        message: 'Acme has 11 sending IP entries; advanced delivery takes at most 10.',
        hint: expect.any(String) as string,
        mechanism: 'advanced-delivery',
      },
    ])
    expect(refusals(ctxOf(ips(10)), 'advanced-delivery')).toEqual([])
  })
})
