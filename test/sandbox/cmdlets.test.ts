import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'
import { consentServicePrincipal } from '../../src/sandbox/identity/index.js'
import { call, errorDetail, invoke, type Answer } from './helpers.js'
import { GW, P2, phishMessage, tokenCache, who, TEST_CERTS } from './fixtures.js'

// Every cmdlet the sandbox offers, at least once, on its happy path, over raw HTTPS in the
// request shapes of reference §1.3 (hashtables tagged #Exchange.GenericHashTable, switches true).
let sb: RunningSandbox
const token = tokenCache(() => sb)
const ran = new Set<string>()
const hash = (add: unknown[], remove: unknown[] = []) => ({
  '@odata.type': '#Exchange.GenericHashTable',
  Add: add,
  Remove: remove,
})

beforeAll(async () => {
  sb = await startSandbox({ certDir: TEST_CERTS })
})
afterAll(async () => {
  await sb?.close()
})

async function ok(
  tenant: typeof P2,
  cmdlet: string,
  params: Record<string, unknown> = {},
): Promise<Record<string, unknown>[]> {
  const t = await token(tenant, who.global)
  const r: Answer = await invoke(sb, t, tenant.id, cmdlet, params)
  expect(r.status, `${cmdlet} ${JSON.stringify(params)} -> ${r.text}`).toBe(200)
  expect(Array.isArray(r.json.value), cmdlet).toBe(true)
  ran.add(cmdlet)
  return r.json.value as Record<string, unknown>[]
}

const field = (objs: Record<string, unknown>[], name: string): string => {
  const v = objs[0]?.[name]
  expect(typeof v, `${name} in ${JSON.stringify(objs[0])}`).toBe('string')
  return v as string
}

describe('every cmdlet, happy path', () => {
  it('transport rules: New, Get, Set (priority), Disable, Enable, Remove', async () => {
    const before = await ok(P2, 'Get-TransportRule')
    const name = 'passage: conformance rule'
    const made = await ok(P2, 'New-TransportRule', {
      Name: name,
      SenderIpRanges: ['192.0.2.10'],
      HeaderMatchesMessageHeader: 'Authentication-Results',
      HeaderMatchesPatterns: ['dmarc=pass'],
      SetHeaderName: 'X-ETR',
      SetHeaderValue: 'passage',
      SetSCL: -1,
      Comments: 'managed-by=passage',
    })
    expect(made[0]).toMatchObject({ Name: name, Priority: before.length, State: 'Enabled' })
    await ok(P2, 'Set-TransportRule', { Identity: name, Priority: 0, Comments: 'moved' })
    await ok(P2, 'Disable-TransportRule', { Identity: name })
    const got = await ok(P2, 'Get-TransportRule', { Identity: name })
    expect(got[0]).toMatchObject({ Priority: 0, State: 'Disabled', Comments: 'moved' })
    await ok(P2, 'Enable-TransportRule', { Identity: name })
    expect(
      (await ok(P2, 'Get-TransportRule', { State: 'Disabled' })).map((r) => r.Name),
    ).not.toContain(name)
    await ok(P2, 'Remove-TransportRule', { Identity: name })
    expect(await ok(P2, 'Get-TransportRule')).toHaveLength(before.length)
  })

  it('connection filter: Add/Remove hashtable on IPAllowList', async () => {
    await ok(P2, 'Set-HostedConnectionFilterPolicy', {
      Identity: 'Default',
      IPAllowList: hash(['192.0.2.10', '198.51.100.0/24']),
    })
    const [p] = await ok(P2, 'Get-HostedConnectionFilterPolicy', { Identity: 'Default' })
    expect(p?.IPAllowList).toEqual(expect.arrayContaining(['192.0.2.10', '198.51.100.0/24']))
    await ok(P2, 'Set-HostedConnectionFilterPolicy', {
      Identity: 'Default',
      IPAllowList: hash([], ['192.0.2.10']),
    })
    const [q] = await ok(P2, 'Get-HostedConnectionFilterPolicy')
    expect(q?.IPAllowList).not.toContain('192.0.2.10')
  })

  it('anti-spam policies and rules', async () => {
    await ok(P2, 'Get-HostedContentFilterPolicy')
    const name = 'passage conformance anti-spam'
    await ok(P2, 'New-HostedContentFilterPolicy', { Name: name, BulkThreshold: 6 })
    await ok(P2, 'Set-HostedContentFilterPolicy', {
      Identity: name,
      AllowedSenderDomains: hash(['vendor.example.org']),
    })
    await ok(P2, 'New-HostedContentFilterRule', {
      Name: name,
      HostedContentFilterPolicy: name,
      RecipientDomainIs: ['contoso.com'],
    })
    await ok(P2, 'Set-HostedContentFilterRule', { Identity: name, Comments: 'managed-by=passage' })
    const rules = await ok(P2, 'Get-HostedContentFilterRule', { Identity: name })
    expect(rules[0]).toMatchObject({ Name: name })
  })

  it('anti-malware policies and rules (read only)', async () => {
    const [policy] = await ok(P2, 'Get-MalwareFilterPolicy', { Identity: 'Default' })
    expect(policy).toMatchObject({
      Name: 'Default',
      IsDefault: true,
      EnableFileFilter: true,
      FileTypeAction: 'Reject',
      QuarantineTag: 'AdminOnlyAccessPolicy',
      ZapEnabled: true,
    })
    expect(policy?.FileTypes).toContain('exe')
    expect(await ok(P2, 'Get-MalwareFilterRule')).toEqual([])
  })

  it('anti-phish, Safe Links, Safe Attachments (Defender)', async () => {
    const ap = field(await ok(P2, 'Get-AntiPhishPolicy'), 'Name')
    await ok(P2, 'Set-AntiPhishPolicy', { Identity: ap, EnableSpoofIntelligence: true })
    await ok(P2, 'Get-AntiPhishRule')
    const custom = (objs: Record<string, unknown>[]) => [
      objs.find((o) => !/built-in/i.test(String(o.Name))) ?? {},
    ]
    const sl = field(custom(await ok(P2, 'Get-SafeLinksPolicy')), 'Name')
    await ok(P2, 'Set-SafeLinksPolicy', {
      Identity: sl,
      DoNotRewriteUrls: hash(['track.vendor.example.org/*']),
    })
    await ok(P2, 'Get-SafeLinksRule')
    const sa = field(custom(await ok(P2, 'Get-SafeAttachmentPolicy')), 'Name')
    await ok(P2, 'Set-SafeAttachmentPolicy', { Identity: sa, Enable: true })
    await ok(P2, 'Get-SafeAttachmentRule')
    await ok(P2, 'Get-AtpPolicyForO365')
    await ok(P2, 'Set-AtpPolicyForO365', { Identity: 'Default', EnableATPForSPOTeamsODB: true })
  })

  it('Tenant Allow/Block List items and spoof items', async () => {
    await ok(P2, 'New-TenantAllowBlockListItems', {
      ListType: 'Sender',
      Entries: ['vendor.example.org'],
      Allow: true,
      RemoveAfter: 45,
      Notes: 'managed-by=passage',
    })
    await ok(P2, 'New-TenantAllowBlockListItems', {
      ListType: 'Url',
      Entries: ['bad.example.net'],
      Block: true,
      NoExpiration: true,
    })
    const items = await ok(P2, 'Get-TenantAllowBlockListItems', { ListType: 'Sender', Allow: true })
    expect(items.map((i) => i.Value)).toContain('vendor.example.org')
    await ok(P2, 'Set-TenantAllowBlockListItems', {
      ListType: 'Sender',
      Entries: ['vendor.example.org'],
      Notes: 'updated by passage',
    })
    await ok(P2, 'Remove-TenantAllowBlockListItems', {
      ListType: 'Sender',
      Entries: ['vendor.example.org'],
    })
    await ok(P2, 'New-TenantAllowBlockListSpoofItems', {
      Identity: 'Default',
      Action: 'Allow',
      SpoofType: 'External',
      SpoofedUser: 'vendor.example.org',
      SendingInfrastructure: '203.0.113.0/24',
    })
    const spoof = await ok(P2, 'Get-TenantAllowBlockListSpoofItems', { Action: 'Allow' })
    const mine = spoof.find((s) => s.SpoofedUser === 'vendor.example.org')
    expect(mine).toBeDefined()
    const id = String(mine?.Identity ?? mine?.Id)
    await ok(P2, 'Set-TenantAllowBlockListSpoofItems', {
      Identity: 'Default',
      Ids: [id],
      Action: 'Block',
    })
    await ok(P2, 'Remove-TenantAllowBlockListSpoofItems', { Identity: 'Default', Ids: [id] })
  })

  it('advanced delivery: phishing simulation and SecOps overrides', async () => {
    await ok(P2, 'Get-PhishSimOverridePolicy')
    const [policy] = await ok(P2, 'New-PhishSimOverridePolicy', { Name: 'Whatever I ask' })
    expect(policy?.Name).toBe('PhishSimOverridePolicy')
    await ok(P2, 'Set-PhishSimOverridePolicy', {
      Identity: 'PhishSimOverridePolicy',
      Enabled: true,
    })
    const [rule] = await ok(P2, 'New-ExoPhishSimOverrideRule', {
      Policy: 'PhishSimOverridePolicy',
      Domains: ['sim.example.com'],
      SenderIpRanges: ['198.51.100.10'],
    })
    expect(String(rule?.Name)).toMatch(/^_Exe:PhishSimOverr:/)
    const ruleId = field(await ok(P2, 'Get-ExoPhishSimOverrideRule'), 'Identity')
    await ok(P2, 'Set-ExoPhishSimOverrideRule', {
      Identity: ruleId,
      AddDomains: ['sim2.example.com'],
    })
    await ok(P2, 'Remove-ExoPhishSimOverrideRule', { Identity: ruleId })
    await ok(P2, 'Remove-PhishSimOverridePolicy', { Identity: 'PhishSimOverridePolicy' })
    // The seeded tenant has a SecOps policy: remove it, then create it again.
    expect(await ok(P2, 'Get-SecOpsOverridePolicy')).toHaveLength(1)
    await ok(P2, 'Remove-SecOpsOverridePolicy', { Identity: 'SecOpsOverridePolicy' })
    await ok(P2, 'New-SecOpsOverridePolicy', {
      Name: 'SecOpsOverridePolicy',
      SentTo: ['secops@contoso.com'],
    })
    await ok(P2, 'Set-SecOpsOverridePolicy', {
      Identity: 'SecOpsOverridePolicy',
      AddSentTo: ['soc@contoso.com'],
    })
    await ok(P2, 'New-ExoSecOpsOverrideRule', { Policy: 'SecOpsOverridePolicy' })
    expect(await ok(P2, 'Get-ExoSecOpsOverrideRule')).toHaveLength(1)
  })

  it('quarantine policies', async () => {
    await ok(P2, 'Get-QuarantinePolicy')
    const name = 'passage conformance quarantine'
    await ok(P2, 'New-QuarantinePolicy', { Name: name, EndUserQuarantinePermissionsValue: 43 })
    await ok(P2, 'Set-QuarantinePolicy', { Identity: name, ESNEnabled: true })
    expect(await ok(P2, 'Get-QuarantinePolicy', { Identity: name })).toMatchObject([
      // The real shape: the bits as booleans and text, not the number (shape.get-quarantinepolicy).
      {
        Name: name,
        ESNEnabled: true,
        AllowSender: true,
        RequestRelease: true,
        Preview: true,
        Delete: true,
        Release: false,
      },
    ])
    await ok(P2, 'Remove-QuarantinePolicy', { Identity: name })
    expect(
      (await ok(P2, 'Get-QuarantinePolicy')).some((q) => (q as { Name?: string }).Name === name),
    ).toBe(false)
  })

  it('inbound connectors, accepted domains and preset rules', async () => {
    const connector = field(await ok(GW, 'Get-InboundConnector'), 'Name')
    await ok(GW, 'Set-InboundConnector', { Identity: connector, EFSkipLastIP: true })
    expect(await ok(GW, 'Get-InboundConnector', { Identity: connector })).toMatchObject([
      { Name: connector, EFSkipLastIP: true },
    ])
    await ok(P2, 'Get-InboundConnector')
    await ok(P2, 'Get-AcceptedDomain')
    await ok(P2, 'Get-EOPProtectionPolicyRule')
    await ok(P2, 'Get-ATPProtectionPolicyRule')
  })

  it('the preset rules’ exceptions: a list replaces the rule’s list, null clears it', async () => {
    for (const cmdlet of ['Set-EOPProtectionPolicyRule', 'Set-ATPProtectionPolicyRule']) {
      const identity = 'Standard Preset Security Policy'
      await ok(P2, cmdlet, { Identity: identity, ExceptIfSentToMemberOf: ['finance@contoso.com'] })
      await ok(P2, cmdlet, { Identity: identity, ExceptIfSentToMemberOf: null })
    }
    const [rule] = await ok(P2, 'Get-EOPProtectionPolicyRule', {
      Identity: 'Standard Preset Security Policy',
    })
    expect(rule?.ExceptIfSentToMemberOf ?? []).toEqual([])
  })

  it('the directory reads discovery makes without Graph: group members and the organisation', async () => {
    const members = await ok(P2, 'Get-DistributionGroupMember', {
      Identity: 'finance@contoso.com',
      ResultSize: 'Unlimited',
    })
    expect(members.length).toBeGreaterThan(0)
    expect(members.every((m) => typeof m.PrimarySmtpAddress === 'string')).toBe(true)
    expect(field(await ok(P2, 'Get-OrganizationConfig'), 'DisplayName').length).toBeGreaterThan(0)
    // A distribution group is not a Microsoft 365 group: Exchange's not-found answer (discovery
    // then asks Get-UnifiedGroupLinks only for what is one).
    const t = await token(P2, who.global)
    const r = await invoke(sb, t, P2.id, 'Get-UnifiedGroupLinks', {
      Identity: 'finance@contoso.com',
      LinkType: 'Members',
    })
    expect(r.status).not.toBe(200)
    expect(errorDetail(r).type).toMatch(/ManagementObjectNotFoundException$/)
    const links = await ok(P2, 'Get-UnifiedGroupLinks', {
      Identity: 'projects@contoso.com',
      LinkType: 'Members',
    })
    expect(links.length).toBeGreaterThan(0)
    expect(
      field(
        await ok(P2, 'Get-DynamicDistributionGroup', { Identity: 'everyone@contoso.com' }),
        'RecipientTypeDetails',
      ),
    ).toBe('DynamicDistributionGroup')
    ran.add('Get-UnifiedGroupLinks')
  })

  it('Exchange RBAC for a consented app: service principal, role group member', async () => {
    const tenant = sb.world.tenants.find((t) => t.snapshot.tenant.id === P2.id)!
    const sp = consentServicePrincipal(tenant, {
      clientId: '0a1b2c3d-0000-4000-8000-0000000000c1',
      displayName: 'cmdlet tests',
      certificatePem: 'unused',
      appRoles: ['Exchange.ManageAsApp'],
      redirectUris: [],
    })
    const created = await ok(P2, 'New-ServicePrincipal', {
      AppId: sp.clientId,
      ObjectId: sp.objectId,
      DisplayName: 'cmdlet tests SP',
    })
    expect(field(created, 'ObjectId')).toBe(sp.objectId)
    expect(await ok(P2, 'Get-ServicePrincipal', { Identity: sp.clientId })).toHaveLength(1)
    await ok(P2, 'Add-RoleGroupMember', {
      Identity: 'View-Only Organization Management',
      Member: 'cmdlet tests SP',
    })
    const members = await ok(P2, 'Get-RoleGroupMember', {
      Identity: 'View-Only Organization Management',
    })
    expect(field(members, 'ExternalDirectoryObjectId')).toBe(sp.objectId)
  })

  it('quarantine and message trace, after a delivered test message', async () => {
    const t = await token(P2, who.global)
    const sent = await call(sb, `/sandbox/${P2.id}/messages`, {
      headers: { authorization: `Bearer ${t}` },
      json: phishMessage('megan@contoso.com'),
    })
    expect(sent.status, sent.text).toBe(201)
    expect(sent.json.recipients[0].action, sent.text).toBe('quarantine')
    const trace = await ok(P2, 'Get-MessageTraceV2', { RecipientAddress: ['megan@contoso.com'] })
    expect(trace[0]).toMatchObject({ RecipientAddress: 'megan@contoso.com', Status: 'Quarantined' })
    const q = await ok(P2, 'Get-QuarantineMessage', { PageSize: 10, Page: 1 })
    expect(q.length).toBeGreaterThan(0)
    await ok(P2, 'Release-QuarantineMessage', { Identity: q[0]?.Identity, ReleaseToAll: true })
  })

  it('covered every cmdlet the Global Administrator may run (Defender P2 tenant)', async () => {
    const t = await token(P2, who.global)
    const mf = await call(sb, `/adminapi/v1.0/${P2.id}/EXOModuleFile?Version=3.7.1`, {
      headers: { authorization: `Bearer ${t}`, commandname: '*' },
    })
    const listed = (mf.json.value[0].exportedCmdlets as string).split(',')
    expect(listed.length).toBeGreaterThan(40)
    expect(listed.filter((c) => !ran.has(c))).toEqual([])
  })
})
