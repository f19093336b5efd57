import { describe, expect, it } from 'vitest'
import { fail, ok, sandbox } from './test-helpers.js'

describe('anti-spam policies and rules', () => {
  it('edits allowed senders with Add/Remove and checks their form and quarantine tags', () => {
    const { eop, call } = sandbox()
    ok(
      call(eop, 'Set-HostedContentFilterPolicy', {
        Identity: 'Default',
        AllowedSenderDomains: { Add: ['vendor.example'] },
      }),
    )
    expect(
      ok(call(eop, 'Get-HostedContentFilterPolicy', { Identity: 'default' }))[0]
        ?.AllowedSenderDomains,
    ).toEqual(['vendor.example'])
    expect(
      fail(
        call(eop, 'Set-HostedContentFilterPolicy', {
          Identity: 'Default',
          AllowedSenders: ['not-an-address'],
        }),
      ).text,
    ).toMatch(/valid SMTP address/)
    expect(
      fail(
        call(eop, 'Set-HostedContentFilterPolicy', {
          Identity: 'Default',
          SpamQuarantineTag: 'NoSuchPolicy',
        }),
      ).exceptionType,
    ).toMatch(/NotFound/)
    expect(
      fail(call(eop, 'Set-HostedContentFilterPolicy', { Identity: 'Default', BulkThreshold: 10 }))
        .text,
    ).toMatch(/maximum allowed range of 9/)
    expect(
      fail(
        call(eop, 'Set-HostedContentFilterPolicy', {
          Identity: 'Default',
          HighConfidencePhishAction: 'MoveToJmf',
        }),
      ).text,
    ).toMatch(/enumerator names/)
  })

  it('links a new policy with a rule, shifting rule priorities', () => {
    const { p2, call } = sandbox()
    ok(
      call(p2, 'New-HostedContentFilterPolicy', {
        Name: 'Finance Anti-spam',
        SpamAction: 'Quarantine',
      }),
    )
    ok(
      call(p2, 'New-HostedContentFilterRule', {
        Name: 'Finance Anti-spam',
        HostedContentFilterPolicy: 'finance anti-spam',
        SentToMemberOf: ['finance@contoso.com'],
        Priority: 0,
      }),
    )
    const rules = ok(call(p2, 'Get-HostedContentFilterRule'))
    expect(rules.map((r) => `${String(r.Priority)}:${String(r.Name)}`)).toEqual([
      '0:Finance Anti-spam',
      '1:Contoso Sales Anti-spam',
    ])
    expect(rules[0]?.HostedContentFilterPolicy).toBe('Finance Anti-spam')
    expect(
      fail(
        call(p2, 'New-HostedContentFilterRule', {
          Name: 'Again',
          HostedContentFilterPolicy: 'Finance Anti-spam',
          SentTo: ['a@contoso.com'],
        }),
      ).text,
    ).toMatch(/already used by another rule/)
    expect(
      fail(
        call(p2, 'New-HostedContentFilterRule', {
          Name: 'Dflt',
          HostedContentFilterPolicy: 'Default',
          SentTo: ['a@contoso.com'],
        }),
      ).text,
    ).toMatch(/default policy/)
    ok(call(p2, 'New-HostedContentFilterPolicy', { Name: 'Nobody' }))
    expect(
      fail(
        call(p2, 'New-HostedContentFilterRule', {
          Name: 'Nobody',
          HostedContentFilterPolicy: 'Nobody',
        }),
      ).text,
    ).toMatch(/At least one recipient condition/)
    expect(
      fail(
        call(p2, 'New-HostedContentFilterRule', {
          Name: 'Nobody',
          HostedContentFilterPolicy: 'Nobody',
          SentToMemberOf: ['ghosts@contoso.com'],
        }),
      ).text,
    ).toMatch(/Couldn't find object "ghosts@contoso.com"/)
    ok(call(p2, 'Set-HostedContentFilterRule', { Identity: 'Finance Anti-spam', Priority: 1 }))
    expect(
      ok(call(p2, 'Get-HostedContentFilterRule', { Identity: 'Finance Anti-spam' }))[0]?.Priority,
    ).toBe(1)
  })
})

describe('quarantine policies', () => {
  it('creates, edits and refuses Release together with RequestRelease', () => {
    const { eop, call } = sandbox()
    ok(
      call(eop, 'New-QuarantinePolicy', {
        Name: 'passage-vendor',
        EndUserQuarantinePermissionsValue: 43,
        ESNEnabled: true,
      }),
    )
    expect(ok(call(eop, 'Get-QuarantinePolicy', { Identity: 'passage-vendor' }))[0]).toMatchObject({
      EndUserQuarantinePermissionsValue: 43,
      ESNEnabled: true,
    })
    expect(
      fail(
        call(eop, 'Set-QuarantinePolicy', {
          Identity: 'passage-vendor',
          EndUserQuarantinePermissionsValue: 12,
        }),
      ).text,
    ).toMatch(/can't both be set/)
    expect(
      fail(call(eop, 'New-QuarantinePolicy', { Name: 'DefaultFullAccessPolicy' })).exceptionType,
    ).toMatch(/AlreadyExists/)
    expect(
      fail(call(eop, 'Remove-QuarantinePolicy', { Identity: 'AdminOnlyAccessPolicy' })).text,
    ).toMatch(/built-in/)
    ok(
      call(eop, 'Set-HostedContentFilterPolicy', {
        Identity: 'Default',
        SpamQuarantineTag: 'passage-vendor',
      }),
    )
    expect(fail(call(eop, 'Remove-QuarantinePolicy', { Identity: 'passage-vendor' })).text).toMatch(
      /used by: Default/,
    )
  })
})

describe('inbound connectors and organisation', () => {
  it('turns on Enhanced Filtering with EFSkipIPs and checks partner sender IPs', () => {
    const { gateway, call } = sandbox()
    ok(
      call(gateway, 'Set-InboundConnector', {
        Identity: 'Mimecast Inbound',
        EFSkipIPs: ['195.130.217.0/24', '91.220.42.0/24'],
      }),
    )
    expect(ok(call(gateway, 'Get-InboundConnector'))[0]).toMatchObject({
      EFSkipIPs: ['195.130.217.0/24', '91.220.42.0/24'],
    })
    expect(
      fail(
        call(gateway, 'Set-InboundConnector', {
          Identity: 'Mimecast Inbound',
          SenderIPAddresses: { Add: ['10.0.0.0/16'] },
        }),
      ).text,
    ).toMatch(/only \/24 to \/32/)
    expect(
      fail(
        call(gateway, 'Set-InboundConnector', { Identity: 'Mimecast Inbound', EFUsers: ['bob'] }),
      ).text,
    ).toMatch(/SMTP address/)
  })

  it('lists accepted domains and preset rules', () => {
    const { eop, p2, call } = sandbox()
    expect(ok(call(eop, 'Get-AcceptedDomain')).map((d) => d.DomainName)).toEqual([
      'fabrikam.com',
      'fabrikam.onmicrosoft.com',
    ])
    expect(ok(call(eop, 'Get-EOPProtectionPolicyRule'))).toEqual([])
    expect(ok(call(p2, 'Get-EOPProtectionPolicyRule'))[0]).toMatchObject({
      Preset: 'Standard',
      SentToMemberOf: ['finance@contoso.com'],
    })
  })
})
