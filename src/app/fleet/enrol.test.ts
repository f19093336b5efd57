/**
 * Enrolment against the sandbox over HTTPS: the app's token is refused until the tenant's Global
 * Administrator consents (the sandbox's consent page, accepted by grantAdminConsent), then the
 * customer's admin signs in once with a device code and passage gives the app's service
 * principal its Exchange role group; app-only access is proven and the tenant recorded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  approveDeviceCode,
  fleetRegistration,
  grantAdminConsent,
  startSandbox,
  type RunningSandbox,
} from '../../sandbox/index.js'
import { openStore, type Store } from '../../store/index.js'
import type { FleetApp } from '../../store/fleet.js'
import { consentUrl, enrolTenant, ROLE_GROUP } from './enrol.js'
import { runFleetJob } from './job.js'
import { TenantSessions } from './tenant-sessions.js'

let sb: RunningSandbox
let store: Store
let dir: string
let keyPem: string
let app: FleetApp

beforeAll(async () => {
  const reg = fleetRegistration({ seed: 7 })
  sb = await startSandbox({
    port: 0,
    fleet: { tenants: 1, seed: 7, registration: reg.registration },
  })
  dir = mkdtempSync(join(tmpdir(), 'passage-fleet-enrol-'))
  const certificateFile = join(dir, 'app.cert.pem')
  writeFileSync(certificateFile, reg.certificatePem)
  keyPem = reg.privateKeyPem
  app = {
    appId: reg.registration.clientId,
    thumbprintSha256: reg.thumbprintSha256,
    certificateFile,
    endpoints: { authority: sb.url, exchangeBase: sb.url, graphBase: sb.url },
    caFile: null,
    createdAt: new Date().toISOString(),
  }
  store = await openStore(':memory:')
}, 60_000)

afterAll(async () => {
  await store?.close()
  await sb?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const seeded = (prefix: string) => {
  const t = sb.world.tenants.find((x) => x.snapshot.tenant.name.startsWith(prefix))
  if (!t) throw new Error(`no tenant ${prefix}`)
  return t.snapshot.tenant
}

describe('enrolTenant', () => {
  it('without the fleet app: PASSAGE_E_FLEET_APP', async () => {
    await expect(
      enrolTenant(store, {
        tenant: 'x.onmicrosoft.com',
        access: 'change',
        tags: [],
        keyPem,
        onCode: () => {},
      }),
    ).rejects.toMatchObject({ code: 'PASSAGE_E_FLEET_APP' })
  })

  it('consentUrl is Microsoft’s v1 admin consent URL for the app', () => {
    expect(consentUrl(app, 'contoso.onmicrosoft.com')).toBe(
      `${sb.url}/contoso.onmicrosoft.com/adminconsent?client_id=${app.appId}`,
    )
  })

  it('waits for consent, grants Organization Management through the admin’s device code, proves access and records the tenant', async () => {
    await store.saveFleetApp(app)
    const tenant = seeded('contoso')
    const lines: string[] = []
    let approval: Promise<void> = Promise.resolve()
    let codes = 0
    // The customer accepts a little later, as a person would.
    const consent = new Promise((r) => setTimeout(r, 700)).then(() =>
      grantAdminConsent({
        baseUrl: sb.url,
        caPem: sb.caPem,
        tenant: tenant.id,
        clientId: app.appId,
      }),
    )
    const enrolled = await enrolTenant(store, {
      tenant: tenant.name,
      access: 'change',
      tags: ['EU', 'retail', 'eu'],
      keyPem,
      caPem: sb.caPem,
      pollMs: 200,
      waitForConsentMs: 20_000,
      onStatus: (l) => lines.push(l),
      onCode: (p) => {
        codes++
        approval = approveDeviceCode(sb, p.userCode, `admin@${tenant.name}`)
      },
    })
    await consent
    await approval
    expect(enrolled).toMatchObject({
      tenantId: tenant.id,
      name: tenant.name,
      tags: ['eu', 'retail'],
      state: 'enrolled',
      access: 'change',
      lastErrorCode: null,
    })
    expect(enrolled.enrolledAt).toBeTruthy()
    expect(codes).toBe(1)
    const text = lines.join('\n')
    expect(text).toContain(consentUrl(app, tenant.id))
    expect(text).toContain(`'${ROLE_GROUP.change}'`)
    expect(text).toContain('UNCONFIRMED')
    expect(text).toMatch(/Not yet: .*AADSTS/)
    expect(text).toMatch(/App-only access proven/)
    // Nothing secret in what was said.
    expect(text).not.toContain('PRIVATE KEY')
  }, 60_000)

  it('enrolling again is idempotent: the service principal and the membership are already there', async () => {
    const tenant = seeded('contoso')
    const lines: string[] = []
    let approval: Promise<void> = Promise.resolve()
    const again = await enrolTenant(store, {
      tenant: tenant.id,
      access: 'change',
      tags: ['eu'],
      keyPem,
      caPem: sb.caPem,
      pollMs: 200,
      onStatus: (l) => lines.push(l),
      onCode: (p) => {
        approval = approveDeviceCode(sb, p.userCode, `admin@${tenant.name}`)
      },
    })
    await approval
    expect(again.state).toBe('enrolled')
    expect(lines.join('\n')).toMatch(/already there/)
    expect(lines.join('\n')).toMatch(/already in 'Organization Management'/)
  }, 60_000)

  it('read access: View-Only Organization Management; the app may plan there, apply is refused', async () => {
    const tenant = seeded('fabrikam')
    await grantAdminConsent({
      baseUrl: sb.url,
      caPem: sb.caPem,
      tenant: tenant.id,
      clientId: app.appId,
    })
    let approval: Promise<void> = Promise.resolve()
    const lines: string[] = []
    const t = await enrolTenant(store, {
      tenant: tenant.id,
      access: 'read',
      tags: [],
      keyPem,
      caPem: sb.caPem,
      pollMs: 200,
      onStatus: (l) => lines.push(l),
      onCode: (p) => {
        approval = approveDeviceCode(sb, p.userCode, `admin@${tenant.name}`)
      },
    })
    await approval
    expect(t).toMatchObject({ state: 'enrolled', access: 'read' })
    expect(lines.join('\n')).toContain(`'${ROLE_GROUP.read}'`)
    await store.createFleetPlan({
      id: 'fp-0000read',
      request: {
        vendor: 'contactmonkey',
        params: { region: 'us', dedicatedIp: '167.89.10.20' },
        mode: 'recommended',
      },
      selector: 'all',
      tenantIds: [tenant.id],
      actor: 'enrol tests',
      createdAt: new Date().toISOString(),
    })
    const sessions = new TenantSessions({ keyPem, caPem: sb.caPem })
    try {
      const deps = {
        session: (a: FleetApp, x: { tenantId: string }) => sessions.get(a, x.tenantId),
      }
      const planned = await runFleetJob(
        store,
        'plan',
        { fleetPlanId: 'fp-0000read', tenantId: tenant.id },
        deps,
      )
      expect([planned.state, planned.errorCode]).toEqual(['done', null])
      const applied = await runFleetJob(
        store,
        'apply',
        { fleetPlanId: 'fp-0000read', tenantId: tenant.id },
        deps,
      )
      expect(applied).toMatchObject({ state: 'refused', errorCode: 'PASSAGE_E_INPUT' })
    } finally {
      await sessions.closeAll()
    }
  }, 60_000)

  it('no consent in time: PASSAGE_E_FLEET_CONSENT, the tenant recorded consent-pending', async () => {
    const tenant = sb.world.tenants[2]?.snapshot.tenant
    if (!tenant) throw new Error('no third tenant')
    await expect(
      enrolTenant(store, {
        tenant: tenant.name,
        access: 'read',
        tags: [],
        keyPem,
        caPem: sb.caPem,
        pollMs: 100,
        waitForConsentMs: 500,
        onCode: () => {
          throw new Error('no device code before consent')
        },
      }),
    ).rejects.toMatchObject({ code: 'PASSAGE_E_FLEET_CONSENT' })
    const t = await store.getFleetTenant(tenant.id)
    expect(t).toMatchObject({ state: 'consent-pending', access: 'read' })
    expect(t?.lastErrorCode).toBe('PASSAGE_E_FLEET_CONSENT')
  }, 30_000)
  it('a consented app whose service principal is disabled is said at once (AADSTS7000112), not waited on as missing consent', async () => {
    const t = sb.world.tenants.find((x) => x.fleet !== undefined)
    if (!t) throw new Error('no generated tenant')
    const tenant = t.snapshot.tenant
    if (!t.apps.some((a) => a.clientId === app.appId))
      await grantAdminConsent({
        baseUrl: sb.url,
        caPem: sb.caPem,
        tenant: tenant.id,
        clientId: app.appId,
      })
    const sp = t.apps.find((a) => a.clientId === app.appId)
    if (!sp) throw new Error('no service principal after consent')
    sp.disabled = true
    try {
      const t0 = Date.now()
      await expect(
        enrolTenant(store, {
          tenant: tenant.id,
          access: 'change',
          tags: [],
          keyPem,
          caPem: sb.caPem,
          pollMs: 100,
          waitForConsentMs: 60_000,
          onCode: () => {
            throw new Error('no device code for a disabled app')
          },
        }),
      ).rejects.toMatchObject({
        code: 'PASSAGE_E_SIGNIN',
        message: expect.stringContaining('AADSTS7000112') as unknown,
      })
      // Refused on the first try: the 60 s wait for consent never started.
      expect(Date.now() - t0).toBeLessThan(30_000)
    } finally {
      sp.disabled = false
    }
  }, 60_000)
})
