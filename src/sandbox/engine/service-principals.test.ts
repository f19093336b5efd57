import { describe, expect, it } from 'vitest'
import type { Caller, SandboxRegistration, SandboxTenant } from '../contracts.js'
import { consentServicePrincipal } from '../identity/consent.js'
import { fail, NOW, ok, sandbox } from './test-helpers.js'

const APP_ID = '0a1b2c3d-0000-4000-8000-000000000001'
const REG: SandboxRegistration = {
  clientId: APP_ID,
  displayName: 'fleet operator',
  certificatePem: 'not used here',
  appRoles: ['Exchange.ManageAsApp'],
  redirectUris: [],
}

/** The operator app consented in `tenant`, and a caller for its app-only tokens. */
function consented(tenant: SandboxTenant): { oid: string; app: Caller } {
  const sp = consentServicePrincipal(tenant, REG)
  const oid = sp.objectId ?? ''
  return {
    oid,
    app: {
      tenantId: tenant.snapshot.tenant.id,
      kind: 'app',
      name: APP_ID,
      objectId: oid,
      roles: [],
      exchangeApiEnabled: true,
      scopes: ['Exchange.ManageAsApp'],
    },
  }
}

describe('Exchange RBAC for service principals', () => {
  it('sandbox.fleet-app-role: lets an Exchange Administrator reference the consented app and add it to Organization Management', () => {
    const { eop, call } = sandbox()
    const { oid } = consented(eop)
    const created = ok(
      call(
        eop,
        'New-ServicePrincipal',
        { AppId: APP_ID, ObjectId: oid, DisplayName: 'passage fleet' },
        'exchange',
      ),
    )
    expect(created[0]).toMatchObject({ AppId: APP_ID, ObjectId: oid, DisplayName: 'passage fleet' })
    expect(
      ok(call(eop, 'Get-ServicePrincipal', { Identity: 'passage fleet' }, 'exchange')),
    ).toHaveLength(1)
    ok(
      call(
        eop,
        'Add-RoleGroupMember',
        { Identity: 'Organization Management', Member: oid },
        'exchange',
      ),
    )
    const members = ok(call(eop, 'Get-RoleGroupMember', { Identity: 'organization management' }))
    expect(members.map((m) => m.ExternalDirectoryObjectId)).toEqual([oid])
    // Adding it again is refused, as Exchange refuses a member already there.
    const again = fail(
      call(eop, 'Add-RoleGroupMember', {
        Identity: 'Organization Management',
        Member: 'passage fleet',
      }),
    )
    expect(again.exceptionType).toMatch(/MemberAlreadyExistsException$/)
  })

  it('refuses a duplicate reference, an ObjectId that is not the app’s service principal here, and an app never consented here', () => {
    const { eop, p2, gateway, call } = sandbox()
    const { oid } = consented(eop)
    ok(call(eop, 'New-ServicePrincipal', { AppId: APP_ID, ObjectId: oid }))
    const dup = fail(call(eop, 'New-ServicePrincipal', { AppId: APP_ID, ObjectId: oid }))
    expect(dup.exceptionType).toMatch(/AlreadyExistsException$/)
    // The same app's service principal in another tenant has another object id, refused here.
    const other = consented(p2)
    expect(other.oid).not.toBe(oid)
    const wrong = fail(call(p2, 'New-ServicePrincipal', { AppId: APP_ID, ObjectId: oid }))
    expect(wrong.text).toMatch(/isn't the Microsoft Entra service principal/)
    ok(call(p2, 'New-ServicePrincipal', { AppId: APP_ID, ObjectId: other.oid }))
    // Never consented in the gateway tenant: no service principal to reference.
    const never = fail(call(gateway, 'New-ServicePrincipal', { AppId: APP_ID, ObjectId: oid }))
    expect(never.text).toMatch(/isn't the Microsoft Entra service principal/)
    // A refused write changes nothing, not even an empty RBAC record.
    expect(gateway.exchangeRbac).toBeUndefined()
  })

  it('lets only Organization Management run the writes; readers are refused as Exchange refuses', () => {
    const { eop, call } = sandbox()
    const { oid } = consented(eop)
    for (const who of ['security', 'reader', 'user'] as const) {
      const f = fail(call(eop, 'New-ServicePrincipal', { AppId: APP_ID, ObjectId: oid }, who))
      expect(f).toMatchObject({
        status: 401,
        text: 'User is not allowed to call New-ServicePrincipal',
      })
      expect(
        fail(call(eop, 'Get-RoleGroupMember', { Identity: 'Organization Management' }, who)).status,
      ).toBe(401)
    }
    ok(call(eop, 'New-ServicePrincipal', { AppId: APP_ID, ObjectId: oid }, 'admin'))
    expect(
      fail(call(eop, 'Get-RoleGroupMember', { Identity: 'Recipient Management' })).exceptionType,
    ).toMatch(/ManagementObjectNotFoundException$/)
  })

  it('gives an app nothing without a role, what Exchange Administrator may run with Organization Management, and reads with View-Only', () => {
    const { eop, p2, engine, call } = sandbox()
    const { oid, app } = consented(eop)
    const run = (cmdlet: string, params: Record<string, unknown> = {}) =>
      engine.invoke(eop, app, cmdlet, params, NOW)
    expect(fail(run('Get-HostedContentFilterPolicy'))).toMatchObject({
      status: 401,
      text: 'User is not allowed to call Get-HostedContentFilterPolicy',
    })
    expect(engine.moduleFile(eop, app)).toEqual([])
    ok(call(eop, 'New-ServicePrincipal', { AppId: APP_ID, ObjectId: oid }))
    ok(
      call(eop, 'Add-RoleGroupMember', {
        Identity: 'View-Only Organization Management',
        Member: oid,
      }),
    )
    ok(run('Get-HostedContentFilterPolicy'))
    ok(run('Get-TransportRule'))
    expect(
      fail(
        run('Set-HostedConnectionFilterPolicy', {
          Identity: 'Default',
          IPAllowList: ['192.0.2.9'],
        }),
      ).status,
    ).toBe(401)
    const readOnly = engine.moduleFile(eop, app).map((c) => c.name)
    expect(readOnly).toContain('Get-HostedContentFilterPolicy')
    expect(readOnly).not.toContain('Set-HostedConnectionFilterPolicy')
    ok(call(eop, 'Add-RoleGroupMember', { Identity: 'Organization Management', Member: oid }))
    ok(run('Set-HostedConnectionFilterPolicy', { Identity: 'Default', IPAllowList: ['192.0.2.9'] }))
    expect(engine.moduleFile(eop, app).map((c) => c.name)).toContain('New-TransportRule')
    // Membership is per tenant: the same app in another tenant has no role there.
    const elsewhere = consented(p2)
    expect(engine.invoke(p2, elsewhere.app, 'Get-TransportRule', {}, NOW).ok).toBe(false)
  })
})
