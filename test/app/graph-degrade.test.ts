/**
 * Discovery with Microsoft's default public clients (one sign-in, to Exchange, issue 14): Graph is
 * never asked; the licence comes from which Defender cmdlets answer, the roles from the Exchange
 * token, the organisation from Get-OrganizationConfig and the accepted domains, and group members
 * from Get-DistributionGroupMember; what that cannot tell is said plainly, never a silent guess
 * (review item 10).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { discover } from '../../src/app/discover.js'
import type { Session } from '../../src/app/session.js'
import { defaultRecipients } from '../../src/core/simulate/index.js'
import { deviceSession, sandbox, tenantNamed, type Sandbox } from './helpers.js'

let s: Sandbox
const sessions: Session[] = []
beforeAll(async () => {
  s = await sandbox()
}, 60_000)
afterAll(async () => {
  for (const x of sessions) x.close()
  await s?.close()
})

describe('discovery without Graph (Microsoft’s default apps)', () => {
  it('client.graph-client: never asks Graph, and says where the licence came from instead', async () => {
    const t = tenantNamed(s, 'contoso')
    const x = await deviceSession(s, t, `exchange@${t.snapshot.tenant.name}`)
    sessions.push(x)
    expect(x.graphSignedIn).toBe(false)
    const d = await discover(x, null)
    expect(d.graphSignedIn).toBe(false)
    expect(d.licenceSource).toBe('cmdlets')
    // The licence note names the reason (Graph not signed in) and the stand-in, in one sentence.
    const licence = d.degraded.filter((l) => l.startsWith('licence unknown:'))
    expect(licence).toHaveLength(1)
    expect(licence[0]).toContain('Microsoft Graph is not signed in')
    expect(licence[0]).toMatch(/because the Defender cmdlets (do not )?answer/)
    // No Graph refusal: Graph was not asked at all.
    expect(d.degraded.join('\n')).not.toContain('PASSAGE_E_GRAPH_DENIED')
    // Roles come from the Exchange token's wids claim, and say so.
    expect(d.roles?.source).toBe('token')
    expect(d.roles?.roles).toContain('Exchange Administrator')
    // The tenant is named from Exchange: its *.onmicrosoft.com accepted domain and display name.
    expect(d.snapshot.tenant).toMatchObject({
      id: t.snapshot.tenant.id,
      name: t.snapshot.tenant.name,
      displayName: t.snapshot.tenant.displayName,
    })
  }, 60_000)

  it('client.exchange-directory: reads the members of the groups presets and policies name from Exchange, so preset coverage is simulated', async () => {
    const t = tenantNamed(s, 'contoso')
    const x = await deviceSession(s, t, `exchange@${t.snapshot.tenant.name}`)
    sessions.push(x)
    const d = await discover(x, null)
    expect(d.groupsSource).toBe('exchange')
    expect(d.degraded.filter((l) => l.includes('group members'))).toEqual([])
    const finance = d.snapshot.directory.groups.find((g) => g.address === 'finance@contoso.com')
    expect(finance?.members).toEqual([
      'lidia.holloway@contoso.com',
      'megan.bowen@contoso.com',
      'nestor.wilke@contoso.com',
    ])
    // A preset-covered recipient and an ordinary one are simulated.
    const recipients = defaultRecipients(d.snapshot)
    expect(recipients).toHaveLength(2)
    expect(finance?.members).toContain(recipients[0])
    expect(finance?.members).not.toContain(recipients[1])
  }, 60_000)

  it('flattens a nested mail group into the members of the group that names it', async () => {
    const t = tenantNamed(s, 'contoso')
    const groups = t.snapshot.directory.groups
    const finance = groups.find((g) => g.address === 'finance@contoso.com')!
    const before = [...finance.members]
    groups.push({ address: 'finance-emea@contoso.com', members: ['joni.sherman@contoso.com'] })
    finance.members.push('finance-emea@contoso.com')
    try {
      const x = await deviceSession(s, t, `exchange@${t.snapshot.tenant.name}`)
      sessions.push(x)
      const d = await discover(x, null)
      const got = d.snapshot.directory.groups.find((g) => g.address === 'finance@contoso.com')
      expect(got?.members).toContain('joni.sherman@contoso.com')
      expect(got?.members).not.toContain('finance-emea@contoso.com')
    } finally {
      finance.members.splice(0, finance.members.length, ...before)
      groups.pop()
    }
  }, 60_000)
})
