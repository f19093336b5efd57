import { describe, expect, it } from 'vitest'
import type { SandboxTenant } from '../contracts.js'
import { fail, NOW, ok, sandbox } from './test-helpers.js'

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

  it('names each nested group’s kind as Exchange reports it (RecipientType, RecipientTypeDetails)', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    t.snapshot.directory.groups.push(
      { address: 'team@contoso.com', kind: 'security', members: ['adele.vance@contoso.com'] },
      { address: 'staff@contoso.com', kind: 'distribution', members: ['adele.vance@contoso.com'] },
      {
        address: 'all@contoso.com',
        kind: 'security',
        members: [
          'team@contoso.com',
          'staff@contoso.com',
          'projects@contoso.com',
          'everyone@contoso.com',
          'megan.bowen@contoso.com',
        ],
      },
    )
    const got = ok(call(t, 'Get-DistributionGroupMember', { Identity: 'all@contoso.com' }))
    expect(got.map((m) => [m.PrimarySmtpAddress, m.RecipientType, m.RecipientTypeDetails])).toEqual(
      [
        ['team@contoso.com', 'MailUniversalSecurityGroup', 'MailUniversalSecurityGroup'],
        ['staff@contoso.com', 'MailUniversalDistributionGroup', 'MailUniversalDistributionGroup'],
        // The seeded Microsoft 365 group and dynamic distribution group (seed/index.ts).
        ['projects@contoso.com', 'MailUniversalDistributionGroup', 'GroupMailbox'],
        ['everyone@contoso.com', 'DynamicDistributionGroup', 'DynamicDistributionGroup'],
        ['megan.bowen@contoso.com', 'UserMailbox', 'UserMailbox'],
      ],
    )
    // A security group's members are listed like a distribution group's.
    expect(
      ok(call(t, 'Get-DistributionGroupMember', { Identity: 'team@contoso.com' })).map(
        (m) => m.PrimarySmtpAddress,
      ),
    ).toEqual(['adele.vance@contoso.com'])
  })

  it('does not list a Microsoft 365 group or a dynamic distribution group: Exchange’s not-found error', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    for (const identity of ['projects@contoso.com', 'everyone@contoso.com']) {
      const f = fail(call(t, 'Get-DistributionGroupMember', { Identity: identity }))
      expect(f.exceptionType).toMatch(/ManagementObjectNotFoundException$/)
      expect(f.text).toContain(`'${identity}' couldn't be found`)
    }
  })

  it('may be run by Global and Exchange Administrators and a Global Reader, not by the Security roles or a user', () => {
    const { world, call, engine, caller } = sandbox()
    const t = withFinance(world)
    const args = { Identity: 'finance@contoso.com' }
    ok(call(t, 'Get-DistributionGroupMember', args, 'admin'))
    ok(call(t, 'Get-DistributionGroupMember', args, 'exchange'))
    const globalReader = { ...caller(t, 'reader'), roles: ['Global Reader' as const] }
    const read = engine.invoke(t, globalReader, 'Get-DistributionGroupMember', args, NOW)
    expect(read.ok).toBe(true)
    // Security Reader and Security Administrator: whether their Exchange roles hold the cmdlet
    // is not documented; the sandbox refuses (rbac.ts), as the Exchange REST API refuses (401).
    for (const who of ['reader', 'security', 'user'] as const) {
      const f = fail(call(t, 'Get-DistributionGroupMember', args, who))
      expect(f.status).toBe(401)
      expect(f.text).toBe('User is not allowed to call Get-DistributionGroupMember')
    }
    // Other reads stay open to every reader role.
    ok(call(t, 'Get-OrganizationConfig', {}, 'reader'))
  })
})

describe('Get-UnifiedGroupLinks (Get-UnifiedGroupLinks.md)', () => {
  it('requires LinkType, and answers not-found for a group that is not a Microsoft 365 group', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    expect(
      fail(call(t, 'Get-UnifiedGroupLinks', { Identity: 'finance@contoso.com' })).text,
    ).toContain('missing mandatory parameters: LinkType')
    for (const identity of ['finance@contoso.com', 'everyone@contoso.com', 'nobody@contoso.com']) {
      const f = fail(call(t, 'Get-UnifiedGroupLinks', { Identity: identity, LinkType: 'Members' }))
      expect(f.exceptionType).toMatch(/ManagementObjectNotFoundException$/)
    }
  })

  it('lists a Microsoft 365 group’s members with -LinkType Members; other links are not modelled (none)', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    const got = ok(
      call(t, 'Get-UnifiedGroupLinks', { Identity: 'projects@contoso.com', LinkType: 'Members' }),
    )
    expect(got.map((m) => [m.PrimarySmtpAddress, m.RecipientTypeDetails])).toEqual([
      ['adele.vance@contoso.com', 'UserMailbox'],
      ['megan.bowen@contoso.com', 'UserMailbox'],
    ])
    // The alias names it too.
    expect(
      ok(call(t, 'Get-UnifiedGroupLinks', { Identity: 'projects', LinkType: 'Members' })),
    ).toHaveLength(2)
    expect(
      ok(
        call(t, 'Get-UnifiedGroupLinks', { Identity: 'projects@contoso.com', LinkType: 'Owners' }),
      ),
    ).toEqual([])
  })

  it('pages as Get-DistributionGroupMember does: 1000 by default with the warning', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    const many = Array.from({ length: 1001 }, (_, i) => `user${i}@contoso.com`)
    t.snapshot.directory.groups.push({ address: 'big365@contoso.com', kind: 'm365', members: many })
    const first = call(t, 'Get-UnifiedGroupLinks', {
      Identity: 'big365@contoso.com',
      LinkType: 'Members',
    })
    expect(ok(first)).toHaveLength(1000)
    expect(first.ok && first.warnings.join(' ')).toContain('-ResultSize Unlimited')
    const all = call(t, 'Get-UnifiedGroupLinks', {
      Identity: 'big365@contoso.com',
      LinkType: 'Members',
      ResultSize: 'Unlimited',
    })
    expect(ok(all)).toHaveLength(1001)
  })

  it('is refused to a Security Reader (rbac.ts)', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    const args = { Identity: 'projects@contoso.com', LinkType: 'Members' }
    expect(fail(call(t, 'Get-UnifiedGroupLinks', args, 'reader')).status).toBe(401)
  })
})

describe('Get-DynamicDistributionGroup (Get-DynamicDistributionGroup.md)', () => {
  it('finds a dynamic distribution group, and only one', () => {
    const { world, call } = sandbox()
    const t = withFinance(world)
    const [got] = ok(call(t, 'Get-DynamicDistributionGroup', { Identity: 'everyone@contoso.com' }))
    expect(got).toMatchObject({
      PrimarySmtpAddress: 'everyone@contoso.com',
      RecipientTypeDetails: 'DynamicDistributionGroup',
    })
    expect(
      fail(call(t, 'Get-DynamicDistributionGroup', { Identity: 'finance@contoso.com' }))
        .exceptionType,
    ).toMatch(/ManagementObjectNotFoundException$/)
    // Without Identity: every dynamic distribution group.
    expect(
      ok(call(t, 'Get-DynamicDistributionGroup', {})).map((g) => g.PrimarySmtpAddress),
    ).toEqual(['everyone@contoso.com'])
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
