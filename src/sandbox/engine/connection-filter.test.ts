import { describe, expect, it } from 'vitest'
import { fail, ok, sandbox } from './test-helpers.js'

/** `n` distinct public /32 addresses. */
const ips = (n: number) =>
  Array.from({ length: n }, (_, i) => `198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`)

describe('connection filter policy', () => {
  it('reads the Default policy by name or without identity', () => {
    const { eop, call } = sandbox()
    expect(ok(call(eop, 'Get-HostedConnectionFilterPolicy'))[0]).toMatchObject({
      Identity: 'Default',
      IPAllowList: [],
    })
    expect(ok(call(eop, 'Get-HostedConnectionFilterPolicy', { Identity: 'default' }))).toHaveLength(
      1,
    )
    expect(fail(call(eop, 'Get-HostedConnectionFilterPolicy', { Identity: 'Other' })).exId).toBe(
      'Ex6F9304',
    )
  })

  it('accepts 1273 entries and refuses the 1274th', () => {
    const { eop, call } = sandbox()
    const list = ips(1274)
    ok(
      call(eop, 'Set-HostedConnectionFilterPolicy', {
        Identity: 'Default',
        IPAllowList: list.slice(0, 1273),
      }),
    )
    const f = fail(
      call(eop, 'Set-HostedConnectionFilterPolicy', {
        Identity: 'Default',
        IPAllowList: { '@odata.type': '#Exchange.GenericHashTable', Add: [list[1273]] },
      }),
    )
    expect(f.text).toMatch(/more than 1273 entries/)
    expect(eop.snapshot.state.connectionFilter.IPAllowList).toHaveLength(1273)
  })

  it('refuses IPv6, CIDR wider than /24 and ranges over 256 addresses', () => {
    const { eop, call } = sandbox()
    const set = (v: string) =>
      call(eop, 'Set-HostedConnectionFilterPolicy', { Identity: 'Default', IPAllowList: [v] })
    expect(fail(set('2001:db8::1')).text).toMatch(/IPv6 addresses aren't supported in IPAllowList/)
    expect(fail(set('192.0.2.0/23')).text).toMatch(/only \/24 to \/32 are supported/)
    expect(fail(set('192.0.2.0-192.0.3.10')).text).toMatch(/at most 256 addresses/)
    ok(set('192.0.2.0/24'))
    ok(set('192.0.2.0-192.0.2.255'))
  })

  it('edits with Add/Remove, clears with null, and sets EnableSafeList', () => {
    const { eop, call } = sandbox()
    ok(
      call(eop, 'Set-HostedConnectionFilterPolicy', {
        Identity: 'Default',
        IPBlockList: ['203.0.113.5', '203.0.113.6'],
      }),
    )
    ok(
      call(eop, 'Set-HostedConnectionFilterPolicy', {
        Identity: 'Default',
        IPBlockList: { Add: ['203.0.113.7'], Remove: ['203.0.113.5'] },
        EnableSafeList: true,
      }),
    )
    expect(eop.snapshot.state.connectionFilter).toMatchObject({
      IPBlockList: ['203.0.113.6', '203.0.113.7'],
      EnableSafeList: true,
    })
    ok(call(eop, 'Set-HostedConnectionFilterPolicy', { Identity: 'Default', IPBlockList: null }))
    expect(eop.snapshot.state.connectionFilter.IPBlockList).toEqual([])
  })
})
