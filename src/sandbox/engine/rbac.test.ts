import { describe, expect, it } from 'vitest'
import { fail, ok, sandbox } from './test-helpers.js'

describe('roles', () => {
  it('lets readers read and refuses their writes with 401', () => {
    const { eop, call } = sandbox()
    ok(call(eop, 'Get-TransportRule', {}, 'reader'))
    const f = fail(
      call(
        eop,
        'Set-HostedConnectionFilterPolicy',
        { Identity: 'Default', EnableSafeList: true },
        'reader',
      ),
    )
    expect(f).toMatchObject({
      status: 401,
      code: 'Unauthorized',
      exId: null,
      text: 'User is not allowed to call Set-HostedConnectionFilterPolicy',
    })
  })

  it('lets Security Administrators write security policies but not mail flow rules', () => {
    const { eop, call } = sandbox()
    ok(
      call(
        eop,
        'Set-HostedConnectionFilterPolicy',
        { Identity: 'Default', IPAllowList: ['192.0.2.1'] },
        'security',
      ),
    )
    ok(
      call(
        eop,
        'New-TenantAllowBlockListItems',
        { ListType: 'Sender', Block: true, Entries: ['x.example'] },
        'security',
      ),
    )
    expect(fail(call(eop, 'New-TransportRule', { Name: 'x' }, 'security')).status).toBe(401)
    ok(call(eop, 'New-TransportRule', { Name: 'x', SetSCL: 1 }, 'exchange'))
  })

  it('refuses a user with no admin role, even for reads', () => {
    const { eop, call } = sandbox()
    expect(fail(call(eop, 'Get-AcceptedDomain', {}, 'user'))).toMatchObject({
      status: 401,
      text: 'User is not allowed to call Get-AcceptedDomain',
    })
  })

  it('refuses a user whose Exchange API access is disabled with a distinct 403', () => {
    const { eop, call, engine, caller } = sandbox()
    const f = fail(call(eop, 'Get-TransportRule', {}, 'blocked'))
    expect(f).toMatchObject({ status: 403, code: 'Forbidden' })
    expect(f.text).toMatch(
      /^The user blocked@fabrikam.onmicrosoft.com isn't allowed to use the Exchange Online admin API/,
    )
    expect(engine.moduleFile(eop, caller(eop, 'blocked'))).toEqual([])
  })

  it('needs Exchange.ManageAsApp and a role for app-only callers', () => {
    const { eop, engine } = sandbox()
    const app = {
      tenantId: eop.snapshot.tenant.id,
      kind: 'app' as const,
      name: '11111111-1111-4111-8111-111111111111',
      objectId: '22222222-2222-4222-8222-222222222222',
      roles: ['Exchange Administrator' as const],
      exchangeApiEnabled: true,
      scopes: ['Exchange.ManageAsApp'],
    }
    const now = new Date('2026-11-21T12:00:00Z')
    expect(engine.invoke(eop, app, 'Get-TransportRule', {}, now).ok).toBe(true)
    expect(engine.invoke(eop, { ...app, scopes: [] }, 'Get-TransportRule', {}, now)).toMatchObject({
      status: 401,
    })
    expect(engine.invoke(eop, { ...app, roles: [] }, 'Get-TransportRule', {}, now)).toMatchObject({
      status: 401,
    })
  })

  it('lists in the module file exactly what the caller may run', () => {
    const { eop, engine, caller } = sandbox()
    const reader = engine.moduleFile(eop, caller(eop, 'reader')).map((c) => c.name)
    expect(reader).toContain('Get-TransportRule')
    expect(reader.every((n) => n.startsWith('Get-'))).toBe(true)
    const security = engine.moduleFile(eop, caller(eop, 'security')).map((c) => c.name)
    expect(security).toContain('Set-HostedConnectionFilterPolicy')
    expect(security).not.toContain('New-TransportRule')
    expect(engine.moduleFile(eop, caller(eop, 'user'))).toEqual([])
    const admin = engine.moduleFile(eop, caller(eop, 'admin'))
    expect(admin.find((c) => c.name === 'Set-TransportRule')?.parameters).not.toContain('Enabled')
    expect(admin.find((c) => c.name === 'New-TransportRule')?.parameters).toContain('Enabled')
  })

  it('says which cmdlets write', () => {
    const { engine } = sandbox()
    expect(engine.isWrite('New-TransportRule')).toBe(true)
    expect(engine.isWrite('get-transportrule')).toBe(false)
    expect(engine.isWrite('Release-QuarantineMessage')).toBe(true)
    expect(engine.isWrite('Get-Nothing')).toBe(false)
  })
})
