/**
 * Discovery against the sandbox resolves each kind of group a preset can be scoped by as Exchange
 * answers for it (issue 14, item 2; exchange/directory.ts): a Microsoft 365 group through
 * Get-UnifiedGroupLinks, a mail-enabled security group through Get-DistributionGroupMember with
 * a nested Microsoft 365 group read in turn, and a dynamic distribution group not expanded and
 * said so. Real client, over HTTPS, with the one sign-in of Microsoft's default apps (no Graph).
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
import { deviceSession, sandbox, tenantNamed, type Sandbox } from './helpers.js'

let s: Sandbox
let t: SandboxTenant
const sessions: Session[] = []
const dir = mkdtempSync(join(tmpdir(), 'passage-group-kinds-'))
beforeAll(async () => {
  s = await sandbox()
  t = tenantNamed(s, 'contoso')
  // A mail-enabled security group holding the seeded Microsoft 365 group (projects@: adele,
  // megan) and one user; a distribution group holding the seeded dynamic group (everyone@).
  t.snapshot.directory.groups.push(
    {
      address: 'secops-all@contoso.com',
      kind: 'security',
      members: ['projects@contoso.com', 'nestor.wilke@contoso.com'],
    },
    {
      address: 'announce@contoso.com',
      members: ['everyone@contoso.com', 'lidia.holloway@contoso.com'],
    },
  )
}, 60_000)
afterAll(async () => {
  for (const x of sessions) x.close()
  await s?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Scopes both rules of the Standard preset to this group (the tenant's state, as an admin would). */
function scopePresetTo(group: string): void {
  for (const p of t.snapshot.presets) p.SentToMemberOf = [group]
}

async function signIn(local: string): Promise<Session> {
  const session = await deviceSession(s, t, `${local}@${t.snapshot.tenant.name}`)
  sessions.push(session)
  return session
}

/** An app-only session whose app may read groups in Graph (GroupMember.Read.All). */
async function graphApp(): Promise<Session> {
  const creds = createAppCredentials({
    displayName: 'group kinds',
    appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All', 'GroupMember.Read.All'],
    roles: ['Exchange Administrator'],
  })
  s.sb.addApp(t.snapshot.tenant.name, creds.app)
  const cert = join(dir, `${creds.app.clientId}.pem`)
  const key = join(dir, `${creds.app.clientId}.key`)
  writeFileSync(cert, creds.certificatePem)
  writeFileSync(key, creds.privateKeyPem, { mode: 0o600 })
  const session = await openSession(
    newProfile({
      tenant: t.snapshot.tenant.name,
      sandboxUrl: s.sb.url,
      auth: {
        kind: 'certificate',
        clientId: creds.app.clientId,
        certificateFile: cert,
        keyFile: key,
      },
    }),
    { caPem: s.sb.caPem, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } },
  )
  sessions.push(session)
  return session
}

const membersOf = (d: Awaited<ReturnType<typeof discover>>, address: string) =>
  d.snapshot.directory.groups
    .find((g) => g.address === address)
    ?.members.slice()
    .sort()

describe('discovery of each kind of group a preset is scoped by (Exchange, no Graph)', () => {
  it('a Microsoft 365 group: its members, read with Get-UnifiedGroupLinks, and one simulated as covered', async () => {
    scopePresetTo('projects@contoso.com')
    const d = await discover(await signIn('admin'), null)
    expect(d.groupsSource).toBe('exchange')
    expect(membersOf(d, 'projects@contoso.com')).toEqual([
      'adele.vance@contoso.com',
      'megan.bowen@contoso.com',
    ])
    expect(d.degraded.filter((l) => l.startsWith('group '))).toEqual([])
    expect(['adele.vance@contoso.com', 'megan.bowen@contoso.com']).toContain(
      defaultRecipients(d.snapshot)[0],
    )
  }, 60_000)

  it('a mail-enabled security group with a nested Microsoft 365 group: every member, flattened', async () => {
    scopePresetTo('secops-all@contoso.com')
    const d = await discover(await signIn('admin'), null)
    expect(membersOf(d, 'secops-all@contoso.com')).toEqual([
      'adele.vance@contoso.com',
      'megan.bowen@contoso.com',
      'nestor.wilke@contoso.com',
    ])
    expect(d.degraded.filter((l) => l.startsWith('group '))).toEqual([])
  }, 60_000)

  it('a dynamic distribution group: not expanded, and the note says which and why nobody is simulated as covered', async () => {
    scopePresetTo('everyone@contoso.com')
    const d = await discover(await signIn('admin'), null)
    // Known as a group with no members read: its members are simulated as not covered.
    expect(membersOf(d, 'everyone@contoso.com')).toEqual([])
    expect(d.degraded).toContain(
      'group everyone@contoso.com: the dynamic distribution group everyone@contoso.com was not expanded; its members are simulated as not covered by what names everyone@contoso.com',
    )
  }, 60_000)

  it('a dynamic distribution group nested in a distribution group: the other members read, that one named', async () => {
    scopePresetTo('announce@contoso.com')
    const d = await discover(await signIn('admin'), null)
    expect(membersOf(d, 'announce@contoso.com')).toEqual(['lidia.holloway@contoso.com'])
    expect(d.degraded).toContain(
      'group announce@contoso.com: the dynamic distribution group everyone@contoso.com was not expanded; its members are simulated as not covered by what names announce@contoso.com',
    )
  }, 60_000)

  it('a Security Reader may not list group members (sandbox rbac.ts): members unknown, said, not guessed', async () => {
    scopePresetTo('projects@contoso.com')
    const d = await discover(await signIn('reader'), null)
    expect(d.snapshot.directory.groups).toEqual([])
    const line = d.degraded.find((l) => l.startsWith('group members unknown:'))
    expect(line).toMatch(/Exchange refused \(PASSAGE_E_EXO_ROLE_MISSING/)
    expect(line).toContain('cannot be simulated per recipient')
  }, 60_000)
})

describe('the same groups read from Graph (transitiveMembers)', () => {
  it('a Microsoft 365 group, and a security group with a nested one: the same members as Exchange gives', async () => {
    scopePresetTo('projects@contoso.com')
    const m365 = await discover(await graphApp(), null)
    expect(m365.groupsSource).toBe('graph')
    expect(membersOf(m365, 'projects@contoso.com')).toEqual([
      'adele.vance@contoso.com',
      'megan.bowen@contoso.com',
    ])
    scopePresetTo('secops-all@contoso.com')
    const security = await discover(await graphApp(), null)
    expect(membersOf(security, 'secops-all@contoso.com')).toEqual([
      'adele.vance@contoso.com',
      'megan.bowen@contoso.com',
      'nestor.wilke@contoso.com',
    ])
  }, 60_000)

  it('a dynamic distribution group, which Graph does not hold: asked of Exchange, named, not dropped', async () => {
    scopePresetTo('everyone@contoso.com')
    const d = await discover(await graphApp(), null)
    expect(d.groupsSource).toBe('graph')
    expect(membersOf(d, 'everyone@contoso.com')).toEqual([])
    expect(d.degraded).toContain(
      'group everyone@contoso.com: the dynamic distribution group everyone@contoso.com was not expanded; its members are simulated as not covered by what names everyone@contoso.com',
    )
  }, 60_000)
})
