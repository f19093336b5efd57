import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxWorld } from '../contracts.js'
import {
  EXCHANGE_AUDIENCE,
  GRAPH_AUDIENCE,
  ROLE_TEMPLATE_IDS,
  createAppCredentials,
} from '../identity/index.js'
import { type SignInServer, httpsFetch, startSignInServer } from '../identity/test-support.js'
import { seedWorld } from '../seed/index.js'
import { PLANS, skuDefinitions } from './index.js'

let server: SignInServer
let world: SandboxWorld
const tenant = (i: number) => {
  const t = world.tenants[i]
  if (t === undefined) throw new Error(`no tenant ${i}`)
  return t.snapshot.tenant
}

beforeAll(async () => {
  world = seedWorld()
  server = await startSignInServer(world)
})

afterAll(async () => {
  await server.close()
})

function userToken(i: number, local: string, audience = GRAPH_AUDIENCE): string {
  const t = tenant(i)
  return server.identity.mintAccessToken({ tenant: t.id, audience, user: `${local}@${t.name}` })
}

async function get(path: string, token: string | null, headers: Record<string, string> = {}) {
  const res = await httpsFetch(`${server.base}${path}`, server.ca, {
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
  })
  return { ...res, body: JSON.parse(res.text) as Record<string, unknown> }
}

type Sku = { skuId: string; skuPartNumber: string; servicePlans: { servicePlanName: string }[] }
const planNames = (skus: Sku[]) => skus.flatMap((s) => s.servicePlans.map((p) => p.servicePlanName))

describe('subscribedSkus', () => {
  it('shows EOP only: Exchange Online Plan 1, no Defender plan', async () => {
    const res = await get('/v1.0/subscribedSkus', userToken(0, 'admin'))
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toContain('application/json')
    const skus = res.body['value'] as Sku[]
    expect(skus.map((s) => s.skuPartNumber)).toEqual(['EXCHANGESTANDARD'])
    expect(skus[0]?.skuId).toBe('4b9405b0-7788-4568-add1-99614e613b69')
    expect(planNames(skus)).toContain('EXCHANGE_S_STANDARD')
    expect(planNames(skus)).not.toContain('ATP_ENTERPRISE')
    expect(res.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#subscribedSkus',
    )
  })

  it('shows Defender P2 (both plans) for the P2 tenant, P1 only for the P1 tenant', async () => {
    const p2 = (await get('/v1.0/subscribedSkus', userToken(1, 'reader'))).body['value'] as Sku[]
    expect(planNames(p2)).toEqual(expect.arrayContaining(['THREAT_INTELLIGENCE', 'ATP_ENTERPRISE']))
    const e5 = p2.find((s) => s.skuPartNumber === 'ENTERPRISEPREMIUM')
    expect(e5?.skuId).toBe('c7df2760-2c81-4ef7-b578-5b5392b571df')
    const p1 = (await get('/v1.0/subscribedSkus', userToken(2, 'admin'))).body['value'] as Sku[]
    expect(planNames(p1)).toContain('ATP_ENTERPRISE')
    expect(planNames(p1)).not.toContain('THREAT_INTELLIGENCE')
  })

  it('supports $select and refuses unknown properties and other options', async () => {
    const token = userToken(1, 'admin')
    const res = await get('/v1.0/subscribedSkus?$select=skuId,skuPartNumber', token)
    expect(res.body['@odata.context']).toBe(
      'https://graph.microsoft.com/v1.0/$metadata#subscribedSkus(skuId,skuPartNumber)',
    )
    for (const s of res.body['value'] as Record<string, unknown>[])
      expect(Object.keys(s)).toEqual(['skuId', 'skuPartNumber'])
    const bad = await get('/v1.0/subscribedSkus?$select=nope', token)
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ error: { code: 'BadRequest' } })
    const filter = await get('/v1.0/subscribedSkus?$filter=skuId%20eq%201', token)
    expect(filter.status).toBe(400)
  })

  it('derives SKUs from the licence when the snapshot lists none', () => {
    const ids = (l: 'eop' | 'mdo-p1' | 'mdo-p2') =>
      skuDefinitions([], l).flatMap((s) => s.servicePlans.map((p) => p.servicePlanId))
    expect(ids('eop')).not.toContain(PLANS.ATP_ENTERPRISE.servicePlanId)
    expect(skuDefinitions([], 'mdo-p1').map((s) => s.skuId)).toEqual([
      '4ef96642-f096-40de-a3e9-d83fb2f90211',
    ])
    expect(skuDefinitions([], 'mdo-p2').map((s) => s.skuId)).toEqual([
      '3dd6cf57-d688-4eed-ba52-9e40b5468c3e',
    ])
    expect(ids('mdo-p2')).toEqual([
      PLANS.THREAT_INTELLIGENCE.servicePlanId,
      PLANS.ATP_ENTERPRISE.servicePlanId,
    ])
    // An E5 named in an EOP-only snapshot loses its Defender plans.
    const stripped = skuDefinitions(['ENTERPRISEPREMIUM'], 'eop')
    expect(stripped.flatMap((s) => s.servicePlans.map((p) => p.servicePlanName))).not.toContain(
      'THREAT_INTELLIGENCE',
    )
  })
})

describe('authentication', () => {
  it('refuses no token, an Exchange token and garbage with InvalidAuthenticationToken', async () => {
    for (const token of [null, userToken(0, 'admin', EXCHANGE_AUDIENCE), 'x.y.z']) {
      const res = await get('/v1.0/organization', token, { 'client-request-id': 'abc' })
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).toContain('Bearer')
      const error = res.body['error'] as Record<string, unknown>
      expect(error['code']).toBe('InvalidAuthenticationToken')
      expect(error['innerError']).toMatchObject({ 'client-request-id': 'abc' })
      expect(typeof (error['innerError'] as Record<string, unknown>)['request-id']).toBe('string')
    }
  })

  it('answers app tokens: /me is delegated only; without a read role, 403', async () => {
    const t = tenant(0)
    const reader = createAppCredentials({
      displayName: 'reader',
      appRoles: ['Organization.Read.All'],
    })
    const bare = createAppCredentials({ displayName: 'bare', appRoles: ['Exchange.ManageAsApp'] })
    server.identity.addApp(t.id, reader.app)
    server.identity.addApp(t.id, bare.app)
    const mint = (clientId: string) =>
      server.identity.mintAccessToken({ tenant: t.id, audience: GRAPH_AUDIENCE, clientId })
    expect((await get('/v1.0/subscribedSkus', mint(reader.app.clientId))).status).toBe(200)
    const me = await get('/v1.0/me/transitiveMemberOf', mint(reader.app.clientId))
    expect(me.status).toBe(400)
    const denied = await get('/v1.0/subscribedSkus', mint(bare.app.clientId))
    expect(denied.status).toBe(403)
    expect(denied.body).toMatchObject({ error: { code: 'Authorization_RequestDenied' } })
  })
})

describe('me/transitiveMemberOf', () => {
  it('lists directory roles with their template ids, and groups', async () => {
    const res = await get('/v1.0/me/transitiveMemberOf', userToken(1, 'security'))
    expect(res.status).toBe(200)
    const value = res.body['value'] as Record<string, unknown>[]
    const roles = value.filter((v) => v['@odata.type'] === '#microsoft.graph.directoryRole')
    expect(roles).toEqual([
      expect.objectContaining({
        displayName: 'Security Administrator',
        roleTemplateId: ROLE_TEMPLATE_IDS['Security Administrator'],
      }),
    ])
    expect(roles[0]?.['id']).not.toBe(ROLE_TEMPLATE_IDS['Security Administrator'])
  })

  it('is empty for the user without roles', async () => {
    const res = await get(
      '/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole?$count=true',
      userToken(0, 'user'),
      {
        consistencylevel: 'eventual',
      },
    )
    expect(res.body['value']).toEqual([])
    expect(res.body['@odata.count']).toBe(0)
  })

  it('needs ConsistencyLevel: eventual and $count for the directoryRole cast', async () => {
    const path = '/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole'
    const token = userToken(0, 'admin')
    expect((await get(path, token)).status).toBe(400)
    const ok = await get(`${path}?$count=true`, token, { ConsistencyLevel: 'eventual' })
    expect(ok.status).toBe(200)
    expect(ok.body['@odata.count']).toBe(1)
    expect(ok.body['value']).toEqual([
      expect.objectContaining({ roleTemplateId: '62e90394-69f5-4237-9190-012177145e10' }),
    ])
  })
})

describe('organization and domains', () => {
  it('describes the organization and its verified domains', async () => {
    const t = tenant(0)
    const res = await get('/v1.0/organization', userToken(0, 'user'))
    const org = (res.body['value'] as Record<string, unknown>[])[0]
    expect(org).toMatchObject({ id: t.id, displayName: 'Fabrikam, Inc.' })
    const domains = await get('/v1.0/domains', userToken(0, 'admin'))
    expect(domains.body['value']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'fabrikam.com', isDefault: true, isInitial: false }),
        expect.objectContaining({ id: t.name, isDefault: false, isInitial: true }),
      ]),
    )
  })

  it('answers unknown segments in Graph error shape', async () => {
    const res = await get('/v1.0/users', userToken(0, 'admin'))
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: { code: 'BadRequest' } })
  })
})

describe('groups and their members', () => {
  type Page = { value: Record<string, unknown>[]; '@odata.nextLink'?: string }
  const contoso = () => world.tenants.findIndex((t) => t.snapshot.tenant.name.startsWith('contoso'))

  it('finds a group by its mail address, and refuses a filter it does not know', async () => {
    const token = userToken(contoso(), 'admin')
    const found = await get(
      `/v1.0/groups?$filter=${encodeURIComponent("mail eq 'FINANCE@contoso.com'")}&$select=id,mail`,
      token,
    )
    expect(found.status).toBe(200)
    const value = found.body['value'] as { id: string; mail: string }[]
    expect(value.map((g) => g.mail)).toEqual(['finance@contoso.com'])
    const bad = await get(
      `/v1.0/groups?$filter=${encodeURIComponent("startswith(mail,'f')")}`,
      token,
    )
    expect(bad.status).toBe(400)
    expect((bad.body['error'] as { code: string }).code).toBe('Request_UnsupportedQuery')
  })

  it('pages transitiveMembers with $top and follows @odata.nextLink to the last page', async () => {
    const token = userToken(contoso(), 'admin')
    const found = await get(
      `/v1.0/groups?$filter=${encodeURIComponent("mail eq 'finance@contoso.com'")}`,
      token,
    )
    const id = (found.body['value'] as { id: string }[])[0]!.id
    const mails: string[] = []
    let path: string | null = `/v1.0/groups/${id}/transitiveMembers?$top=2&$select=mail`
    let pages = 0
    while (path) {
      const res = await get(path, token)
      expect(res.status).toBe(200)
      const body = res.body as unknown as Page
      expect(body.value.length).toBeLessThanOrEqual(2)
      for (const m of body.value) {
        expect(m['@odata.type']).toBe('#microsoft.graph.user')
        mails.push(String(m['mail']))
      }
      const next: string | undefined = body['@odata.nextLink']
      path = next ? new URL(next).pathname + new URL(next).search : null
      pages++
    }
    expect(pages).toBe(2)
    expect(mails.sort()).toEqual([
      'lidia.holloway@contoso.com',
      'megan.bowen@contoso.com',
      'nestor.wilke@contoso.com',
    ])
  })

  it('refuses a page size out of range, an unknown group and a token without a group permission', async () => {
    const token = userToken(contoso(), 'admin')
    const found = await get(
      `/v1.0/groups?$filter=${encodeURIComponent("mail eq 'sales@contoso.com'")}`,
      token,
    )
    const id = (found.body['value'] as { id: string }[])[0]!.id
    expect((await get(`/v1.0/groups/${id}/members?$top=1000`, token)).status).toBe(400)
    const missing = await get('/v1.0/groups/00000000-0000-0000-0000-000000000000/members', token)
    expect(missing.status).toBe(404)
    // An app granted only Organization.Read.All may not read groups.
    const t = tenant(contoso())
    const app = createAppCredentials({
      displayName: 'org only',
      appRoles: ['Organization.Read.All'],
    })
    server.identity.addApp(t.id, app.app)
    const narrow = server.identity.mintAccessToken({
      tenant: t.id,
      audience: GRAPH_AUDIENCE,
      clientId: app.app.clientId,
    })
    expect((await get(`/v1.0/groups/${id}/members`, narrow)).status).toBe(403)
  })
})
