/**
 * The sandbox's share of issue 11's review (items 7 and 14), each pinned by a behaviour register
 * row: TABL defaults, spoofed-sender pair syntax, IPv4-only phishing simulation IPs and the IP
 * Allow List stamp.
 */
import { describe, expect, it } from 'vitest'
import { fail, NOW, ok, sandbox } from '../../src/sandbox/engine/test-helpers.js'
import { deliverMessage } from '../../src/sandbox/mail/index.js'

describe('Tenant Allow/Block List defaults', () => {
  it('sandbox.tabl-allow-default-45: an allow given no expiry is kept until 45 days after last use', () => {
    const { eop, call } = sandbox()
    const [made] = ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Sender',
        Allow: true,
        Entries: ['news@vendor.example'],
      }),
    )
    expect(made).toMatchObject({ Action: 'Allow', RemoveAfter: 45, ExpirationDate: null })
    // Blocks keep their 30-day default.
    const [block] = ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Sender',
        Block: true,
        Entries: ['bad.example'],
      }),
    )
    expect(block).toMatchObject({ RemoveAfter: null })
    expect(String(block?.ExpirationDate)).toBe(
      new Date(NOW.getTime() + 30 * 24 * 3600 * 1000).toISOString(),
    )
  })

  it('sandbox.tabl-default-subtype: without -ListSubType only Tenant entries are listed', () => {
    const { eop, call } = sandbox()
    ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Url',
        Allow: true,
        ListSubType: 'AdvancedDelivery',
        Entries: ['sim.vendor.example/*'],
        NoExpiration: true,
      }),
    )
    const values = (params: Record<string, unknown>) =>
      ok(call(eop, 'Get-TenantAllowBlockListItems', { ListType: 'Url', ...params })).map(
        (i) => i.Value,
      )
    expect(values({})).not.toContain('sim.vendor.example/*')
    expect(values({ ListSubType: 'AdvancedDelivery' })).toEqual(['sim.vendor.example/*'])
  })
})

describe('spoofed senders', () => {
  const pair = (SpoofType: string, SpoofedUser: string, SendingInfrastructure: string) => ({
    Identity: 'Default',
    Action: 'Allow',
    SpoofType,
    SpoofedUser,
    SendingInfrastructure,
  })
  it('sandbox.spoof-pair-syntax: `*` on one side of the pair, an address for Internal', () => {
    const { eop, call } = sandbox()
    ok(call(eop, 'New-TenantAllowBlockListSpoofItems', pair('External', '*', '192.0.2.0/24')))
    ok(call(eop, 'New-TenantAllowBlockListSpoofItems', pair('Internal', '*', '192.0.2.0/24')))
    ok(call(eop, 'New-TenantAllowBlockListSpoofItems', pair('External', 'vendor.example', '*')))
    ok(
      call(
        eop,
        'New-TenantAllowBlockListSpoofItems',
        pair('Internal', 'ceo@fabrikam.com', '198.51.100.0/24'),
      ),
    )
    expect(
      fail(call(eop, 'New-TenantAllowBlockListSpoofItems', pair('External', '*', '*'))).text,
    ).toMatch(/not both/)
    expect(
      fail(call(eop, 'New-TenantAllowBlockListSpoofItems', pair('Internal', 'fabrikam.com', '*')))
        .text,
    ).toMatch(/isn't valid for SpoofType Internal/)
    const users = ok(call(eop, 'Get-TenantAllowBlockListSpoofItems')).map((i) => i.SpoofedUser)
    expect(users).toEqual(expect.arrayContaining(['*', 'ceo@fabrikam.com']))
  })
})

describe('phishing simulation', () => {
  it('sandbox.phishsim-ipv4-only: sending IPs are IPv4 only', () => {
    const { eop, call } = sandbox()
    ok(call(eop, 'New-PhishSimOverridePolicy', { Name: 'x' }))
    const rule = (ip: string) =>
      call(eop, 'New-ExoPhishSimOverrideRule', {
        Policy: 'PhishSimOverridePolicy',
        Domains: ['sim.vendor.example'],
        SenderIpRanges: [ip],
      })
    expect(fail(rule('2001:db8::10')).text).toMatch(/IPv4 addresses only/)
    ok(rule('192.0.2.10'))
  })
})

describe('stamps', () => {
  it('sandbox.stamp-ip-allow: an IP Allow List hit is stamped IPV:CAL with SFV:SKN', () => {
    const { eop, call } = sandbox()
    ok(
      call(eop, 'Set-HostedConnectionFilterPolicy', {
        Identity: 'Default',
        IPAllowList: ['198.51.100.7'],
      }),
    )
    let n = 0
    const m = deliverMessage(
      eop,
      {
        connectingIp: '198.51.100.7',
        mailFrom: 'news@vendor.example',
        headerFrom: 'news@vendor.example',
        auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
        recipients: [`alice@${eop.snapshot.acceptedDomains[0]?.DomainName ?? ''}`],
        subject: 'Allowed by IP',
        detections: ['spam'],
      },
      NOW,
      () => `00000000-0000-4000-8000-${String(n++).padStart(12, '0')}`,
    )
    const headers = m.recipients[0]?.headers ?? ''
    const report = /X-Forefront-Antispam-Report: ([^\r\n]*)/.exec(headers)?.[1] ?? ''
    expect(report).toContain('IPV:CAL')
    expect(report).toContain('SFV:SKN')
  })
})
