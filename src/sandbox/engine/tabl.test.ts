import { describe, expect, it } from 'vitest'
import { fail, NOW, ok, sandbox } from './test-helpers.js'

const DAY = 24 * 60 * 60 * 1000
const inDays = (n: number) => new Date(NOW.getTime() + n * DAY).toISOString()

describe('Tenant Allow/Block List items', () => {
  it('creates a sender allow with an expiry of at most 30 days', () => {
    const { eop, call } = sandbox()
    const made = ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Sender',
        Allow: true,
        Entries: ['news@vendor.example'],
        ExpirationDate: inDays(30),
        Notes: 'managed-by=passage',
      }),
    )
    expect(made[0]).toMatchObject({
      Value: 'news@vendor.example',
      Action: 'Allow',
      ExpirationDate: inDays(30),
    })
    expect(String(made[0]?.Identity)).toMatch(/^RgAAAAA/)
    expect(
      fail(
        call(eop, 'New-TenantAllowBlockListItems', {
          ListType: 'Sender',
          Allow: true,
          Entries: ['b.example'],
          ExpirationDate: inDays(31),
        }),
      ).text,
    ).toMatch(/at most 30 days/)
  })

  it('lets blocks go 90 days out, defaults them to 30, and refuses past dates', () => {
    const { eop, call } = sandbox()
    ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Url',
        Block: true,
        Entries: ['bad.example/*'],
        ExpirationDate: inDays(90),
      }),
    )
    expect(
      fail(
        call(eop, 'New-TenantAllowBlockListItems', {
          ListType: 'Url',
          Block: true,
          Entries: ['worse.example'],
          ExpirationDate: inDays(91),
        }),
      ).text,
    ).toMatch(/at most 90 days/)
    const dflt = ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Sender',
        Block: true,
        Entries: ['spam.example'],
      }),
    )
    expect(dflt[0]?.ExpirationDate).toBe(inDays(30))
    expect(
      fail(
        call(eop, 'New-TenantAllowBlockListItems', {
          ListType: 'Sender',
          Block: true,
          Entries: ['old.example'],
          ExpirationDate: inDays(-1),
        }),
      ).text,
    ).toMatch(/future/)
  })

  it('allows NoExpiration only for blocks, IP allows and advanced-delivery URL allows', () => {
    const { eop, call } = sandbox()
    const make = (params: Record<string, unknown>) =>
      call(eop, 'New-TenantAllowBlockListItems', { NoExpiration: true, ...params })
    expect(
      fail(make({ ListType: 'Sender', Allow: true, Entries: ['vendor.example'] })).text,
    ).toMatch(/NoExpiration/)
    expect(
      fail(make({ ListType: 'Url', Allow: true, Entries: ['vendor.example/*'] })).text,
    ).toMatch(/NoExpiration/)
    ok(
      make({
        ListType: 'Url',
        Allow: true,
        ListSubType: 'AdvancedDelivery',
        Entries: ['sim.vendor.example/*'],
      }),
    )
    ok(make({ ListType: 'IP', Allow: true, Entries: ['2001:db8::/48'] }))
    ok(make({ ListType: 'Sender', Block: true, Entries: ['evil.example'] }))
    expect(fail(make({ ListType: 'IP', Allow: true, Entries: ['192.0.2.1'] })).text).toMatch(
      /only IPv6/,
    )
  })

  it('takes RemoveAfter 45 only, and only for sender, file and URL allows', () => {
    const { eop, call } = sandbox()
    const make = (params: Record<string, unknown>) =>
      call(eop, 'New-TenantAllowBlockListItems', params)
    const made = ok(
      make({ ListType: 'Sender', Allow: true, Entries: ['vendor.example'], RemoveAfter: 45 }),
    )
    expect(made[0]).toMatchObject({ RemoveAfter: 45, ExpirationDate: null })
    expect(
      fail(make({ ListType: 'Sender', Allow: true, Entries: ['a.example'], RemoveAfter: 30 })).text,
    ).toMatch(/only the value 45/)
    expect(
      fail(make({ ListType: 'Sender', Block: true, Entries: ['b.example'], RemoveAfter: 45 })).text,
    ).toMatch(/allow entries/)
    expect(
      fail(
        make({
          ListType: 'Sender',
          Allow: true,
          Entries: ['c.example'],
          RemoveAfter: 45,
          NoExpiration: true,
        }),
      ).text,
    ).toBe('Parameter set cannot be resolved using the specified named parameters.')
  })

  it('needs exactly one of -Allow and -Block, and validates entries per list type', () => {
    const { eop, call } = sandbox()
    const make = (params: Record<string, unknown>) =>
      call(eop, 'New-TenantAllowBlockListItems', params)
    expect(fail(make({ ListType: 'Sender', Entries: ['a.example'] })).text).toMatch(
      /Parameter set cannot be resolved/,
    )
    expect(
      fail(make({ ListType: 'Sender', Allow: true, Block: true, Entries: ['a.example'] })).text,
    ).toMatch(/Parameter set/)
    expect(
      fail(make({ ListType: 'Url', Block: true, Entries: ['https://a.example/x'] })).text,
    ).toMatch(/scheme/)
    expect(fail(make({ ListType: 'FileHash', Block: true, Entries: ['abc'] })).text).toMatch(
      /SHA256/,
    )
    expect(fail(make({ ListType: 'Sender', Block: true, Entries: ['fabrlkam.com'] })).text).toMatch(
      /already exists/,
    )
    // A value given twice in one call clashes with the entry the call itself just added, and
    // the call adds nothing.
    const before = eop.snapshot.state.tabl.items.length
    expect(
      fail(make({ ListType: 'Sender', Block: true, Entries: ['twice.example', 'Twice.example'] }))
        .text,
    ).toMatch(/'Twice.example' already exists/)
    expect(eop.snapshot.state.tabl.items).toHaveLength(before)
  })

  it('stops at the licence limit (500 allows per list type without Defender)', () => {
    const { eop, call } = sandbox()
    const items = eop.snapshot.state.tabl.items
    for (let i = 0; i < 500; i++)
      items.push({
        Identity: `seed-${i}`,
        ListType: 'Url',
        ListSubType: 'Tenant',
        Action: 'Allow',
        Value: `u${i}.example/*`,
        ExpirationDate: inDays(10),
        RemoveAfter: null,
        LastUsedDate: null,
        Notes: null,
      })
    const f = fail(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Url',
        Allow: true,
        Entries: ['one-more.example'],
      }),
    )
    expect(f.text).toMatch(/at most 500 allow entries of type Url/)
    // Other list types and blocks count apart.
    ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Url',
        Block: true,
        Entries: ['one-more.example'],
      }),
    )
  })

  it('reads, edits and removes entries by value or identity', () => {
    const { eop, call } = sandbox()
    const [made] = ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Sender',
        Allow: true,
        Entries: ['v.example'],
        ExpirationDate: inDays(5),
      }),
    )
    expect(
      ok(call(eop, 'Get-TenantAllowBlockListItems', { ListType: 'Sender', Allow: true })).map(
        (i) => i.Value,
      ),
    ).toEqual(['v.example'])
    expect(
      ok(call(eop, 'Get-TenantAllowBlockListItems', { ListType: 'Sender', Entry: 'V.EXAMPLE' })),
    ).toHaveLength(1)
    ok(
      call(eop, 'Set-TenantAllowBlockListItems', {
        ListType: 'Sender',
        Ids: [made?.Identity],
        ExpirationDate: inDays(20),
      }),
    )
    expect(eop.snapshot.state.tabl.items.find((i) => i.Value === 'v.example')?.ExpirationDate).toBe(
      inDays(20),
    )
    expect(
      fail(
        call(eop, 'Remove-TenantAllowBlockListItems', {
          ListType: 'Sender',
          Entries: ['nope.example'],
        }),
      ).exId,
    ).toBe('Ex6F9304')
    ok(
      call(eop, 'Remove-TenantAllowBlockListItems', { ListType: 'Sender', Entries: ['v.example'] }),
    )
    expect(
      ok(call(eop, 'Get-TenantAllowBlockListItems', { ListType: 'Sender', Allow: true })),
    ).toEqual([])
  })

  it('hides expired entries', () => {
    const { eop, call } = sandbox()
    ok(
      call(eop, 'New-TenantAllowBlockListItems', {
        ListType: 'Sender',
        Allow: true,
        Entries: ['short.example'],
        ExpirationDate: inDays(1),
      }),
    )
    const later = new Date(NOW.getTime() + 2 * DAY)
    const got = ok(
      call(
        eop,
        'Get-TenantAllowBlockListItems',
        { ListType: 'Sender', Allow: true },
        'admin',
        later,
      ),
    )
    expect(got.map((i) => i.Value)).not.toContain('short.example')
  })
})

describe('spoofed sender entries', () => {
  it('accepts a domain or a /24 as sending infrastructure, nothing else', () => {
    const { eop, call } = sandbox()
    const make = (infra: string) =>
      call(eop, 'New-TenantAllowBlockListSpoofItems', {
        Identity: 'Default',
        Action: 'Allow',
        SpoofType: 'External',
        SpoofedUser: 'vendor.example',
        SendingInfrastructure: infra,
      })
    ok(make('mail.vendor.example'))
    ok(make('192.0.2.0/24'))
    expect(fail(make('192.0.2.0/25')).text).toMatch(/\/24 block/)
    expect(fail(make('192.0.2.7')).text).toMatch(/domain or an IPv4 \/24/)
    const items = ok(call(eop, 'Get-TenantAllowBlockListSpoofItems', { Identity: 'Default' }))
    expect(items).toHaveLength(2)
    ok(
      call(eop, 'Remove-TenantAllowBlockListSpoofItems', {
        Identity: 'Default',
        Ids: [items[0]?.Identity],
      }),
    )
    expect(ok(call(eop, 'Get-TenantAllowBlockListSpoofItems'))).toHaveLength(1)
  })
})
