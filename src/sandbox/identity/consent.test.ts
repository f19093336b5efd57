import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxTenant, SandboxWorld } from '../contracts.js'
import { seedWorld } from '../seed/index.js'
import { redirectAllowed } from './consent.js'
import {
  grantAdminConsent,
  httpsFetch,
  postForm,
  startSignInServer,
  type SignInServer,
} from './test-support.js'

const CLIENT = '0a1b2c3d-0000-4000-8000-000000000003'
let server: SignInServer
let world: SandboxWorld
let eop: SandboxTenant
let p2: SandboxTenant

beforeAll(async () => {
  world = seedWorld()
  world.registrations = [
    {
      clientId: CLIENT,
      displayName: 'Fleet <operator>',
      certificatePem: 'cert',
      appRoles: ['Exchange.ManageAsApp'],
      redirectUris: ['http://localhost/cb', 'https://app.example/consented'],
    },
  ]
  ;[eop, p2] = world.tenants as [SandboxTenant, SandboxTenant]
  server = await startSignInServer(world)
})
afterAll(async () => {
  await server?.close()
})

const page = (tenant: string, query: Record<string, string>) =>
  httpsFetch(`${server.base}/${tenant}/adminconsent?${new URLSearchParams(query)}`, server.ca)

const flowOf = (text: string) => /name="flow" value="([^"]+)"/.exec(text)?.[1] ?? ''

describe('admin consent', () => {
  it('sandbox.fleet-admin-consent: shows the app and its permissions, escaped, on the v1 and v2.0 paths', async () => {
    for (const path of ['adminconsent', 'v2.0/adminconsent']) {
      const r = await httpsFetch(
        `${server.base}/${eop.snapshot.tenant.name}/${path}?client_id=${CLIENT}`,
        server.ca,
      )
      expect(r.status).toBe(200)
      expect(r.headers['content-security-policy']).toMatch(/default-src 'none'/)
      expect(r.text).toContain('Fleet &lt;operator&gt;')
      expect(r.text).toContain('Exchange.ManageAsApp')
      expect(r.text).toContain(`value="admin@${eop.snapshot.tenant.name}"`)
    }
  })

  it('refuses an unknown tenant, a missing or unknown client and an unregistered redirect URI', async () => {
    const unknownTenant = await page('nowhere.onmicrosoft.com', { client_id: CLIENT })
    expect(unknownTenant.status).toBe(400)
    expect(unknownTenant.text).toContain('AADSTS90002')
    expect((await page(eop.snapshot.tenant.id, {})).text).toContain('AADSTS900144')
    const unknownApp = await page(eop.snapshot.tenant.id, {
      client_id: '0a1b2c3d-0000-4000-8000-0000000000ff',
    })
    expect(unknownApp.status).toBe(400)
    expect(unknownApp.text).toContain('AADSTS700016')
    const badRedirect = await page(eop.snapshot.tenant.id, {
      client_id: CLIENT,
      redirect_uri: 'https://evil.example/cb',
    })
    expect(badRedirect.text).toContain('AADSTS50011')
    expect(eop.apps).toEqual([])
  })

  it('refuses an account that is not a Global Administrator, and creates nothing', async () => {
    const shown = await page(eop.snapshot.tenant.id, { client_id: CLIENT })
    const r = await postForm(`${server.base}/${eop.snapshot.tenant.id}/adminconsent`, server.ca, {
      flow: flowOf(shown.text),
      upn: `exchange@${eop.snapshot.tenant.name}`,
      decision: 'accept',
    })
    expect(r.status).toBe(403)
    expect(r.text).toContain('AADSTS90094')
    expect(eop.apps).toEqual([])
    // The flow handle is used up either way.
    const again = await postForm(
      `${server.base}/${eop.snapshot.tenant.id}/adminconsent`,
      server.ca,
      {
        flow: flowOf(shown.text),
        upn: `admin@${eop.snapshot.tenant.name}`,
        decision: 'accept',
      },
    )
    expect(again.status).toBe(400)
  })

  it('redirects a cancel with consent_required (AADSTS65004) and the state', async () => {
    const shown = await page(eop.snapshot.tenant.id, {
      client_id: CLIENT,
      redirect_uri: 'http://localhost:5173/cb',
      state: 's-1',
    })
    const r = await postForm(`${server.base}/${eop.snapshot.tenant.id}/adminconsent`, server.ca, {
      flow: flowOf(shown.text),
      upn: `admin@${eop.snapshot.tenant.name}`,
      decision: 'cancel',
    })
    expect(r.status).toBe(302)
    const to = new URL(r.headers['location'] ?? '')
    expect(to.origin + to.pathname).toBe('http://localhost:5173/cb')
    expect(to.searchParams.get('error')).toBe('consent_required')
    expect(to.searchParams.get('error_description')).toMatch(/^AADSTS65004/)
    expect(to.searchParams.get('state')).toBe('s-1')
    expect(eop.apps).toEqual([])
  })

  it('on accept creates the service principal (own object id, no role) and redirects with admin_consent=True', async () => {
    const shown = await page(p2.snapshot.tenant.name, {
      client_id: CLIENT,
      redirect_uri: 'https://app.example/consented',
      state: 'xyz',
    })
    const r = await postForm(`${server.base}/${p2.snapshot.tenant.id}/adminconsent`, server.ca, {
      flow: flowOf(shown.text),
      upn: `admin@${p2.snapshot.tenant.name}`,
      decision: 'accept',
    })
    expect(r.status).toBe(302)
    const to = new URL(r.headers['location'] ?? '')
    expect(Object.fromEntries(to.searchParams)).toEqual({
      admin_consent: 'True',
      tenant: p2.snapshot.tenant.id,
      scope: 'https://outlook.office365.com/.default',
      state: 'xyz',
    })
    expect(p2.apps).toHaveLength(1)
    expect(p2.apps[0]).toMatchObject({
      clientId: CLIENT,
      roles: [],
      appRoles: ['Exchange.ManageAsApp'],
    })
    expect(p2.apps[0]!.objectId).toMatch(/^[0-9a-f-]{36}$/)
    // Consenting again (grantAdminConsent, no redirect URI) keeps the same service principal.
    const oid = p2.apps[0]!.objectId
    await grantAdminConsent({
      baseUrl: server.base,
      caPem: server.ca,
      tenant: p2.snapshot.tenant.id,
      clientId: CLIENT,
    })
    expect(p2.apps.map((a) => a.objectId)).toEqual([oid])
  })

  it('grantAdminConsent reports a refusal as PASSAGE_E_FLEET_CONSENT', async () => {
    await expect(
      grantAdminConsent({
        baseUrl: server.base,
        caPem: server.ca,
        tenant: eop.snapshot.tenant.id,
        clientId: CLIENT,
        upn: `reader@${eop.snapshot.tenant.name}`,
      }),
    ).rejects.toMatchObject({ code: 'PASSAGE_E_FLEET_CONSENT', message: /AADSTS90094/ })
  })
})

describe('redirectAllowed', () => {
  const reg = {
    clientId: CLIENT,
    displayName: 'x',
    certificatePem: '',
    appRoles: [],
    redirectUris: ['http://localhost/cb', 'https://app.example/done'],
  }
  it('matches exactly, except a loopback http URI on any port', () => {
    expect(redirectAllowed(reg, 'https://app.example/done')).toBe(true)
    expect(redirectAllowed(reg, 'https://app.example/done/')).toBe(false)
    expect(redirectAllowed(reg, 'http://localhost:8080/cb')).toBe(true)
    expect(redirectAllowed(reg, 'http://localhost:8080/other')).toBe(false)
    expect(redirectAllowed(reg, 'https://localhost:8080/cb')).toBe(false)
    expect(redirectAllowed(reg, 'not a url')).toBe(false)
  })
})
