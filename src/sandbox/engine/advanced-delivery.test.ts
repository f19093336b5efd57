import { describe, expect, it } from 'vitest'
import { fail, ok, sandbox } from './test-helpers.js'

const ips = (n: number) => Array.from({ length: n }, (_, i) => `192.0.2.${i + 1}`)
const domains = (n: number) => Array.from({ length: n }, (_, i) => `sim${i}.vendor.example`)

describe('phishing simulation override', () => {
  it('forces the policy name and the rule name', () => {
    const { eop, call } = sandbox()
    expect(ok(call(eop, 'Get-PhishSimOverridePolicy'))).toEqual([])
    const [pol] = ok(call(eop, 'New-PhishSimOverridePolicy', { Name: 'My simulation policy' }))
    expect(pol?.Name).toBe('PhishSimOverridePolicy')
    expect(fail(call(eop, 'New-PhishSimOverridePolicy', { Name: 'again' })).exceptionType).toMatch(
      /AlreadyExists/,
    )
    const [rule] = ok(
      call(eop, 'New-ExoPhishSimOverrideRule', {
        Policy: 'PhishSimOverridePolicy',
        Name: 'ignored',
        Domains: ['sim.vendor.example'],
        SenderIpRanges: ['192.0.2.10'],
      }),
    )
    expect(String(rule?.Name)).toMatch(/^_Exe:PhishSimOverr:[0-9a-f-]{36}$/)
    expect(ok(call(eop, 'Get-ExoPhishSimOverrideRule'))[0]?.Domains).toEqual(['sim.vendor.example'])
  })

  it('needs the policy, and at least one domain and one IP', () => {
    const { eop, call } = sandbox()
    expect(
      fail(
        call(eop, 'New-ExoPhishSimOverrideRule', {
          Policy: 'PhishSimOverridePolicy',
          Domains: ['a.example'],
          SenderIpRanges: ['192.0.2.1'],
        }),
      ).exId,
    ).toBe('Ex6F9304')
    ok(call(eop, 'New-PhishSimOverridePolicy', { Name: 'x' }))
    expect(
      fail(
        call(eop, 'New-ExoPhishSimOverrideRule', {
          Policy: 'PhishSimOverridePolicy',
          Domains: ['a.example'],
        }),
      ).text,
    ).toMatch(/at least one domain .* at least one sending IP/)
  })

  it('allows 10 IPs and 20 domains, not the 11th or 21st', () => {
    const { eop, call } = sandbox()
    ok(call(eop, 'New-PhishSimOverridePolicy', { Name: 'x' }))
    expect(
      fail(
        call(eop, 'New-ExoPhishSimOverrideRule', {
          Policy: 'PhishSimOverridePolicy',
          Domains: domains(1),
          SenderIpRanges: ips(11),
        }),
      ).text,
    ).toMatch(/at most 10 sender IP ranges/)
    expect(
      fail(
        call(eop, 'New-ExoPhishSimOverrideRule', {
          Policy: 'PhishSimOverridePolicy',
          Domains: domains(21),
          SenderIpRanges: ips(1),
        }),
      ).text,
    ).toMatch(/at most 20 domains/)
    const [rule] = ok(
      call(eop, 'New-ExoPhishSimOverrideRule', {
        Policy: 'PhishSimOverridePolicy',
        Domains: domains(20),
        SenderIpRanges: ips(10),
      }),
    )
    const name = String(rule?.Name)
    expect(
      fail(
        call(eop, 'Set-ExoPhishSimOverrideRule', {
          Identity: name,
          AddSenderIpRanges: ['198.51.100.1'],
        }),
      ).text,
    ).toMatch(/at most 10/)
    ok(
      call(eop, 'Set-ExoPhishSimOverrideRule', {
        Identity: name,
        RemoveSenderIpRanges: ['192.0.2.1'],
        AddSenderIpRanges: ['198.51.100.1'],
      }),
    )
    expect(eop.snapshot.state.advancedDelivery.phishSimRule?.SenderIpRanges).toContain(
      '198.51.100.1',
    )
    expect(eop.snapshot.state.advancedDelivery.phishSimRule?.SenderIpRanges).toHaveLength(10)
  })

  it('removes the rule, then the policy', () => {
    const { eop, call } = sandbox()
    ok(call(eop, 'New-PhishSimOverridePolicy', { Name: 'x', Enabled: false }))
    ok(
      call(eop, 'Set-PhishSimOverridePolicy', {
        Identity: 'PhishSimOverridePolicy',
        Enabled: true,
      }),
    )
    const [rule] = ok(
      call(eop, 'New-ExoPhishSimOverrideRule', {
        Policy: 'PhishSimOverridePolicy',
        Domains: domains(1),
        SenderIpRanges: ips(1),
      }),
    )
    ok(call(eop, 'Remove-ExoPhishSimOverrideRule', { Identity: rule?.Identity }))
    ok(call(eop, 'Remove-PhishSimOverridePolicy', { Identity: 'PhishSimOverridePolicy' }))
    expect(eop.snapshot.state.advancedDelivery).toMatchObject({
      phishSimPolicy: null,
      phishSimRule: null,
    })
  })
})

describe('SecOps mailbox override', () => {
  it('takes mailboxes, refuses groups, and implies its rule', () => {
    const { p2, call } = sandbox()
    expect(ok(call(p2, 'Get-SecOpsOverridePolicy'))[0]?.SentTo).toEqual(['secops@contoso.com'])
    ok(
      call(p2, 'Set-SecOpsOverridePolicy', {
        Identity: 'SecOpsOverridePolicy',
        AddSentTo: ['soc@contoso.com'],
      }),
    )
    expect(
      fail(
        call(p2, 'Set-SecOpsOverridePolicy', {
          Identity: 'SecOpsOverridePolicy',
          AddSentTo: ['finance@contoso.com'],
        }),
      ).text,
    ).toMatch(/groups aren't allowed/)
    const rules = ok(call(p2, 'Get-ExoSecOpsOverrideRule'))
    expect(String(rules[0]?.Name)).toMatch(/^_Exe:SecOpsOverrid:/)
    const { eop } = sandbox()
    expect(
      fail(
        call(eop, 'New-SecOpsOverridePolicy', { Name: 'x', SentTo: ['someone@elsewhere.example'] }),
      ).exId,
    ).toBe('Ex6F9304')
  })
})
