/**
 * Discovery reads the members of the groups presets and policies are scoped by (Graph's
 * transitiveMembers, paged, when Graph is signed in; else Exchange's Get-DistributionGroupMember),
 * so that preset coverage is simulated per recipient (issue 14, item 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { discover } from '../../src/app/discover.js'
import { newProfile, openSession, type Session } from '../../src/app/session.js'
import { defaultRecipients } from '../../src/core/simulate/index.js'
import type { SandboxTenant } from '../../src/sandbox/contracts.js'
import { createAppCredentials } from '../../src/sandbox/identity/index.js'
import { sandbox, tenantNamed, type Sandbox } from './helpers.js'

let s: Sandbox
const sessions: Session[] = []
const dir = mkdtempSync(join(tmpdir(), 'passage-groups-'))
beforeAll(async () => {
  s = await sandbox()
}, 60_000)
afterAll(async () => {
  for (const x of sessions) x.close()
  await s?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** An app-only session whose app holds these Graph application permissions. */
async function appWith(t: SandboxTenant, graphRoles: string[], on: Sandbox = s): Promise<Session> {
  const creds = createAppCredentials({
    displayName: `groups ${graphRoles.join(' ')}`,
    appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All', ...graphRoles],
    roles: ['Exchange Administrator'],
  })
  on.sb.addApp(t.snapshot.tenant.name, creds.app)
  const cert = join(dir, `${creds.app.clientId}.pem`)
  const key = join(dir, `${creds.app.clientId}.key`)
  writeFileSync(cert, creds.certificatePem)
  writeFileSync(key, creds.privateKeyPem, { mode: 0o600 })
  const session = await openSession(
    newProfile({
      tenant: t.snapshot.tenant.name,
      sandboxUrl: on.sb.url,
      auth: {
        kind: 'certificate',
        clientId: creds.app.clientId,
        certificateFile: cert,
        keyFile: key,
      },
    }),
    { caPem: on.sb.caPem, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } },
  )
  sessions.push(session)
  return session
}

describe('discovery of group members', () => {
  it('client.graph-group-members: reads the finance group the Standard preset covers, and simulates one of its members', async () => {
    const t = tenantNamed(s, 'contoso')
    const d = await discover(await appWith(t, ['GroupMember.Read.All']), null)
    expect(d.degraded.filter((l) => l.startsWith('group members'))).toEqual([])
    const finance = d.snapshot.directory.groups.find((g) => g.address === 'finance@contoso.com')
    expect(finance?.members.sort()).toEqual([
      'lidia.holloway@contoso.com',
      'megan.bowen@contoso.com',
      'nestor.wilke@contoso.com',
    ])
    // The sales group an anti-spam rule is scoped by is read too.
    expect(d.snapshot.directory.groups.map((g) => g.address).sort()).toEqual([
      'finance@contoso.com',
      'sales@contoso.com',
    ])
    // A preset-covered recipient and an ordinary one are simulated.
    expect(defaultRecipients(d.snapshot)).toHaveLength(2)
    expect(finance?.members).toContain(defaultRecipients(d.snapshot)[0])
  }, 60_000)

  it('reads them from Exchange when Graph will not give them, and says so', async () => {
    const t = tenantNamed(s, 'contoso')
    const d = await discover(await appWith(t, []), null)
    expect(d.groupsSource).toBe('exchange')
    const finance = d.snapshot.directory.groups.find((g) => g.address === 'finance@contoso.com')
    expect(finance?.members).toHaveLength(3)
    expect(
      d.degraded.some((l) =>
        l.startsWith('group members read from Exchange instead: Graph refused'),
      ),
    ).toBe(true)
  }, 60_000)

  it('says so when neither Graph nor Exchange will give group members, instead of guessing', async () => {
    // A sandbox whose Exchange fails every Get-DistributionGroupMember.
    const faulty = await sandbox('cmdlet:Get-DistributionGroupMember=Ex5A1B2C')
    try {
      const t = tenantNamed(faulty, 'contoso')
      const d = await discover(await appWith(t, [], faulty), null)
      expect(d.snapshot.directory.groups).toEqual([])
      expect(d.groupsSource).toBeNull()
      const line = d.degraded.find((l) => l.startsWith('group members unknown:'))
      expect(line).toContain('Graph refused')
      expect(line).toMatch(/Exchange refused \(PASSAGE_E_/)
      expect(line).toContain('cannot be simulated per recipient')
    } finally {
      await faulty.close()
    }
  }, 60_000)
})
