/**
 * The sandbox at fleet scale, through passage's own client (src/app/session.ts with a certificate
 * profile, src/exchange) over HTTPS: admin consent, the service principal's token, and Exchange
 * RBAC for it (New-ServicePrincipal + Add-RoleGroupMember run by a device-code admin).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newProfile, openSession, type Session } from '../../src/app/session.js'
import { PassageError } from '../../src/core/errors/index.js'
import {
  approveDeviceCode,
  fleetRegistration,
  grantAdminConsent,
  startSandbox,
  type FleetRegistration,
  type RunningSandbox,
  type SandboxTenant,
} from '../../src/sandbox/index.js'
import { call } from './helpers.js'

let sb: RunningSandbox
let app: FleetRegistration
let dir: string

beforeAll(async () => {
  app = fleetRegistration({ seed: 21 })
  sb = await startSandbox({
    pollIntervalSeconds: 0.5,
    fleet: { tenants: 120, seed: 21, registration: app.registration },
  })
  dir = mkdtempSync(join(tmpdir(), 'passage-fleet-sandbox-'))
  writeFileSync(join(dir, 'cert.pem'), app.certificatePem)
  writeFileSync(join(dir, 'key.pem'), app.privateKeyPem, { mode: 0o600 })
})
afterAll(async () => {
  await sb?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const tenantNamed = (prefix: string): SandboxTenant => {
  const t = sb.world.tenants.find((x) => x.snapshot.tenant.name.startsWith(prefix))
  if (!t) throw new Error(`no tenant ${prefix}`)
  return t
}

/** The operator app's session in a tenant (app-only, certificate). */
const appSession = (t: SandboxTenant): Promise<Session> =>
  openSession(
    newProfile({
      tenant: t.snapshot.tenant.name,
      sandboxUrl: sb.url,
      auth: {
        kind: 'certificate',
        clientId: app.registration.clientId,
        certificateFile: join(dir, 'cert.pem'),
        keyFile: join(dir, 'key.pem'),
      },
    }),
    { caPem: sb.caPem, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 } },
  )

/** The tenant's Global Administrator, signed in with a device code approved on the sandbox page. */
async function adminSession(t: SandboxTenant): Promise<Session> {
  let approval: Promise<void> = Promise.resolve()
  const session = await openSession(
    newProfile({ tenant: t.snapshot.tenant.name, sandboxUrl: sb.url, auth: { kind: 'device' } }),
    {
      caPem: sb.caPem,
      onCode: (p) => {
        approval = approveDeviceCode(sb, p.userCode, `admin@${t.snapshot.tenant.name}`)
      },
    },
  )
  await approval
  return session
}

async function refusal(p: Promise<unknown>): Promise<PassageError> {
  try {
    await p
  } catch (e) {
    if (e instanceof PassageError) return e
    throw e
  }
  throw new Error('expected a refusal')
}

const oidOf = async (s: Session): Promise<string> => {
  const token = await s.signedIn.getToken('exchange')
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
    oid: string
  }
  return payload.oid
}

/** Consent, then the admin grants `group` to the app's service principal. */
async function enrol(t: SandboxTenant, group: string): Promise<Session> {
  await grantAdminConsent({
    baseUrl: sb.url,
    caPem: sb.caPem,
    tenant: t.snapshot.tenant.id,
    clientId: app.registration.clientId,
  })
  const session = await appSession(t)
  const oid = await oidOf(session)
  const admin = await adminSession(t)
  try {
    await admin.exo.invokeCommand({
      cmdlet: 'New-ServicePrincipal',
      params: { AppId: app.registration.clientId, ObjectId: oid, DisplayName: 'passage fleet' },
    })
    await admin.exo.invokeCommand({
      cmdlet: 'Add-RoleGroupMember',
      params: { Identity: group, Member: oid },
    })
  } finally {
    admin.close()
  }
  return session
}

describe('the operator app in a tenant, through passage’s client', () => {
  it('is refused before consent; after consent its token names its service principal but Exchange refuses it; Organization Management lets it read and write', async () => {
    const contoso = tenantNamed('contoso')
    const before = await refusal(appSession(contoso))
    expect(before.code).toBe('PASSAGE_E_SIGNIN')
    expect(before.message).toMatch(/AADSTS700016|not found in the directory/)

    await grantAdminConsent({
      baseUrl: sb.url,
      caPem: sb.caPem,
      tenant: contoso.snapshot.tenant.id,
      clientId: app.registration.clientId,
    })
    const sp = contoso.apps.find((a) => a.clientId === app.registration.clientId)
    expect(sp?.roles).toEqual([])
    const session = await appSession(contoso)
    try {
      expect(await oidOf(session)).toBe(sp?.objectId)
      const noRole = await refusal(
        session.exo.invokeCommand({ cmdlet: 'Get-HostedContentFilterPolicy', params: {} }),
      )
      expect(noRole.message).toMatch(/not allowed to call Get-HostedContentFilterPolicy/)
      expect(await session.exo.availableCmdlets()).toEqual([])

      const admin = await adminSession(contoso)
      try {
        await admin.exo.invokeCommand({
          cmdlet: 'New-ServicePrincipal',
          params: {
            AppId: app.registration.clientId,
            ObjectId: sp!.objectId!,
            DisplayName: 'passage fleet',
          },
        })
        await admin.exo.invokeCommand({
          cmdlet: 'Add-RoleGroupMember',
          params: { Identity: 'Organization Management', Member: sp!.objectId! },
        })
        const members = await admin.exo.invokeCommand({
          cmdlet: 'Get-RoleGroupMember',
          params: { Identity: 'Organization Management' },
        })
        expect(members.map((m) => m.DisplayName)).toEqual(['passage fleet'])
      } finally {
        admin.close()
      }
      const policies = await session.exo.invokeCommand({
        cmdlet: 'Get-HostedContentFilterPolicy',
        params: {},
      })
      expect(policies.length).toBeGreaterThan(0)
      await session.exo.invokeCommand({
        cmdlet: 'Set-HostedConnectionFilterPolicy',
        params: { Identity: 'Default', IPAllowList: ['192.0.2.44'] },
      })
      expect(contoso.snapshot.state.connectionFilter.IPAllowList).toEqual(['192.0.2.44'])
    } finally {
      session.close()
    }
  })

  it('View-Only Organization Management reads but may not write', async () => {
    const fabrikam = tenantNamed('fabrikam')
    const session = await enrol(fabrikam, 'View-Only Organization Management')
    try {
      const read = await session.exo.invokeCommand({
        cmdlet: 'Get-HostedConnectionFilterPolicy',
        params: {},
      })
      expect(read).toHaveLength(1)
      const write = await refusal(
        session.exo.invokeCommand({
          cmdlet: 'Set-HostedConnectionFilterPolicy',
          params: { Identity: 'Default', IPAllowList: ['192.0.2.45'] },
        }),
      )
      expect(write.message).toMatch(/not allowed to call Set-HostedConnectionFilterPolicy/)
    } finally {
      session.close()
    }
  })

  it('a disabled service principal gets no token (AADSTS7000112)', async () => {
    const disabled = sb.world.tenants.find((t) => t.fleet?.consented && t.fleet.spDisabled)
    expect(disabled).toBeDefined()
    const e = await refusal(appSession(disabled!))
    expect(e.code).toBe('PASSAGE_E_SIGNIN')
    expect(e.message).toMatch(/7000112|disabled/)
  })

  it('GET / counts a large fleet instead of listing it, and pages it at /_sandbox/fleet', async () => {
    const root = await call(sb, '/')
    expect(root.status).toBe(200)
    expect(root.json.tenants.map((t: { name: string }) => t.name)).toEqual([
      'fabrikam.onmicrosoft.com',
      'contoso.onmicrosoft.com',
      'northwindtraders.onmicrosoft.com',
    ])
    expect(root.json.fleet).toMatchObject({ tenants: 120, seed: 21, listed: false })
    expect(root.json.throttling.note).toMatch(/Microsoft publishes none/)
    const page = await call(sb, '/_sandbox/fleet?offset=100&limit=50')
    expect(page.json.total).toBe(120)
    expect(page.json.tenants).toHaveLength(20)
    expect(page.json.tenants[0].name).toBe('fleet-0101.onmicrosoft.com')
  })

  it('pre-enrolled: the app reads and writes at once where the role is granted, and nowhere else', async () => {
    const pre = await startSandbox({
      fleet: { tenants: 40, seed: 8, preEnrolled: true, registration: app.registration },
    })
    try {
      const ready = pre.world.tenants.find((t) => t.fleet?.roleGranted && !t.fleet.spDisabled)!
      const noRole = pre.world.tenants.find((t) => t.fleet?.consented && !t.fleet.roleGranted)
      const open = (t: SandboxTenant) =>
        openSession(
          newProfile({
            tenant: t.snapshot.tenant.id,
            sandboxUrl: pre.url,
            auth: {
              kind: 'certificate',
              clientId: app.registration.clientId,
              certificateFile: join(dir, 'cert.pem'),
              keyFile: join(dir, 'key.pem'),
            },
          }),
          { caPem: pre.caPem, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 } },
        )
      const s = await open(ready)
      try {
        expect(await s.exo.availableCmdlets()).toContain('Set-HostedConnectionFilterPolicy')
        const domains = await s.exo.invokeCommand({ cmdlet: 'Get-AcceptedDomain', params: {} })
        expect(domains.map((d) => d.DomainName)).toContain(ready.snapshot.tenant.name)
      } finally {
        s.close()
      }
      expect(noRole).toBeDefined()
      const n = await open(noRole!)
      try {
        expect(await n.exo.availableCmdlets()).toEqual([])
      } finally {
        n.close()
      }
    } finally {
      await pre.close()
    }
  })
})
