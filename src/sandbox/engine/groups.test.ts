import { describe, expect, it } from 'vitest'
import type { SandboxTenant } from '../contracts.js'
import { fail, ok, sandbox } from './test-helpers.js'

/** The seeded tenant whose directory holds the finance group the Standard preset covers. */
function withFinance(world: ReturnType<typeof sandbox>['world']): SandboxTenant {
  const t = world.tenants.find((x) =>
    x.snapshot.directory.groups.some((g) => g.address === 'finance@contoso.com'),
  )
  if (!t) throw new Error('no seeded tenant has finance@contoso.com')
  return t
}

describe('Get-DistributionGroupMember (office-docs-powershell Get-DistributionGroupMember.md)', () => {
  it('lists a group’s direct members by email address as ReducedRecipients', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    const got = ok(call(t, 'Get-DistributionGroupMember', { Identity: 'finance@contoso.com' }))
    expect(got.map((m) => m.PrimarySmtpAddress).sort()).toEqual([
      'lidia.holloway@contoso.com',
      'megan.bowen@contoso.com',
      'nestor.wilke@contoso.com',
    ])
    expect(got[0]).toMatchObject({ RecipientType: 'UserMailbox', Alias: expect.any(String) })
    // The alias names the group too (Identity takes any unique value).
    expect(ok(call(t, 'Get-DistributionGroupMember', { Identity: 'finance' }))).toHaveLength(3)
  })

  it('lists a nested group as a group, not its members (direct members only)', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    t.snapshot.directory.groups.push({
      address: 'all@contoso.com',
      members: ['finance@contoso.com', 'adele.vance@contoso.com'],
    })
    const got = ok(call(t, 'Get-DistributionGroupMember', { Identity: 'all@contoso.com' }))
    expect(got.map((m) => [m.PrimarySmtpAddress, m.RecipientType])).toEqual([
      ['finance@contoso.com', 'MailUniversalDistributionGroup'],
      ['adele.vance@contoso.com', 'UserMailbox'],
    ])
  })

  it('returns 1000 members by default with Exchange’s warning; ResultSize Unlimited returns all', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    const many = Array.from({ length: 1001 }, (_, i) => `user${i}@contoso.com`)
    t.snapshot.directory.groups.push({ address: 'big@contoso.com', members: many })
    const first = call(t, 'Get-DistributionGroupMember', { Identity: 'big@contoso.com' })
    expect(ok(first)).toHaveLength(1000)
    expect(first.ok && first.warnings.join(' ')).toContain('-ResultSize Unlimited')
    const all = call(t, 'Get-DistributionGroupMember', {
      Identity: 'big@contoso.com',
      ResultSize: 'Unlimited',
    })
    expect(ok(all)).toHaveLength(1001)
    expect(all.ok && all.warnings).toEqual([])
  })

  it('answers Exchange’s not-found error for an unknown group, and requires Identity', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    const f = fail(call(t, 'Get-DistributionGroupMember', { Identity: 'nobody@contoso.com' }))
    expect(f.exceptionType).toMatch(/ManagementObjectNotFoundException$/)
    expect(f.text).toContain("couldn't be found")
    expect(fail(call(t, 'Get-DistributionGroupMember', {})).text).toContain(
      'missing mandatory parameters: Identity',
    )
  })

  it('is a read: readers may run it, a user without an admin role may not', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    ok(call(t, 'Get-DistributionGroupMember', { Identity: 'finance@contoso.com' }, 'reader'))
    const f = fail(
      call(t, 'Get-DistributionGroupMember', { Identity: 'finance@contoso.com' }, 'user'),
    )
    expect(f.status).toBe(401)
  })
})

describe('Get-UnifiedGroupLinks (Get-UnifiedGroupLinks.md)', () => {
  it('requires LinkType, and finds no Microsoft 365 group in the sandbox’s directory', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    expect(
      fail(call(t, 'Get-UnifiedGroupLinks', { Identity: 'finance@contoso.com' })).text,
    ).toContain('missing mandatory parameters: LinkType')
    const f = fail(
      call(t, 'Get-UnifiedGroupLinks', { Identity: 'finance@contoso.com', LinkType: 'Members' }),
    )
    expect(f.exceptionType).toMatch(/ManagementObjectNotFoundException$/)
  })
})

describe('Get-OrganizationConfig (Get-OrganizationConfig.md)', () => {
  it('names the organisation and its tenant id', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    const [org] = ok(call(t, 'Get-OrganizationConfig', {}, 'reader'))
    expect(org).toMatchObject({
      DisplayName: t.snapshot.tenant.displayName,
      ExternalDirectoryOrganizationId: t.snapshot.tenant.id,
    })
  })
})
