import { describe, expect, it } from 'vitest'
import type { Change, JsonObject } from '../change.js'
import { baselinesFor } from './baselines.js'

/** A transport-rule creation with these properties (the rest of the change does not matter). */
function rule(after: JsonObject): Change {
  return {
    id: 'c1',
    surface: 'transport-rule',
    op: 'create',
    target: 'Passage - test',
    protections: [],
    mechanism: 'scoped-rule',
    summary: '',
    before: null,
    after: { SetSCL: -1, ...after },
    calls: [],
    risk: { level: 'medium', reason: '' },
    limits: [],
    baselines: [],
    dependsOn: [],
  } as unknown as Change
}

const checks = (c: Change) => baselinesFor(c).map((b) => `${b.scanner} ${b.check}`)
const orca = (c: Change) => baselinesFor(c).find((b) => b.check === '118-2')?.title ?? null

const AUTH = {
  HeaderMatchesMessageHeader: 'Authentication-Results',
  HeaderMatchesPatterns: ['dmarc=pass'],
}

describe('baselines of a SetSCL -1 mail flow rule', () => {
  it('fail Maester MT.1043 whatever the rule is scoped by (Test-MtExoSetScl fails on any SetScl -1)', () => {
    for (const scope of [
      {},
      { SenderDomainIs: ['v.example'], ...AUTH },
      { SenderIpRanges: ['192.0.2.1'] },
    ] as JsonObject[])
      expect(checks(rule(scope))).toContain('Maester MT.1043')
    expect(checks(rule({ SetSCL: 0 }))).toEqual([])
  })

  it('fail ORCA 118-2 when scoped by sender IP without a sender domain, even with an Authentication-Results check', () => {
    expect(orca(rule({ SenderIpRanges: ['192.0.2.1'] }))).toMatch(
      /sender IP without limiting the sender domain/,
    )
    expect(orca(rule({ SenderIpRanges: ['192.0.2.1'], ...AUTH }))).toMatch(/without limiting/)
  })

  it('fail ORCA 118-2 when scoped by sender domain alone (no Authentication-Results or IP check)', () => {
    expect(orca(rule({ SenderDomainIs: ['v.example'] }))).toMatch(/sender domain without/)
    expect(orca(rule({ FromAddressContainsWords: ['v.example'] }))).toMatch(/sender domain without/)
    // A header other than Authentication-Results does not count.
    expect(
      orca(
        rule({
          SenderDomainIs: ['v.example'],
          HeaderMatchesMessageHeader: 'X-Vendor',
          HeaderMatchesPatterns: ['1'],
        }),
      ),
    ).toMatch(/sender domain without/)
  })

  it('pass ORCA 118-2 for a sender domain with sender IPs, or with an Authentication-Results condition or exception', () => {
    expect(orca(rule({ SenderDomainIs: ['v.example'], SenderIpRanges: ['192.0.2.1'] }))).toBeNull()
    expect(orca(rule({ SenderDomainIs: ['v.example'], ...AUTH }))).toBeNull()
    expect(
      orca(
        rule({
          SenderDomainIs: ['v.example'],
          HeaderContainsMessageHeader: 'authentication-results',
          HeaderContainsWords: ['dmarc=pass'],
        }),
      ),
    ).toBeNull()
    expect(
      orca(
        rule({
          SenderDomainIs: ['v.example'],
          ExceptIfHeaderMatchesMessageHeader: 'Authentication-Results',
          ExceptIfHeaderMatchesPatterns: ['dmarc=fail'],
        }),
      ),
    ).toBeNull()
    // The header named without a value to look for is no check.
    expect(
      orca(
        rule({
          SenderDomainIs: ['v.example'],
          HeaderMatchesMessageHeader: 'Authentication-Results',
        }),
      ),
    ).toMatch(/sender domain without/)
  })

  it('leave ORCA 118-2 silent for addresses (not domains) and for a rule with no sender scope', () => {
    expect(orca(rule({ FromAddressContainsWords: ['news@v.example'] }))).toBeNull()
    expect(orca(rule({}))).toBeNull()
    expect(orca(rule({ SenderDomainIs: [] }))).toBeNull()
  })
})
