/** Graph reads against a local HTTP peer: licences, roles (Graph and token), organisation, domains. */
import { afterEach, describe, expect, it } from 'vitest'
import {
  fixedTokens,
  recordingSleep,
  startPeer,
  TENANT,
  type Handler,
  type Peer,
} from '../../test/exchange/peer.js'
import { GraphClient } from './graph.js'
import type { TokenProvider } from './tokens.js'

let peer: Peer | null = null
let graph: GraphClient | null = null
afterEach(async () => {
  graph?.close()
  await peer?.close()
  peer = null
})

async function setup(handler: Handler, tokens: TokenProvider = fixedTokens()) {
  peer = await startPeer(handler)
  graph = new GraphClient({
    tokens,
    endpoints: { graphBase: peer.url },
    sleep: recordingSleep(),
    random: () => 0.5,
  })
  return { peer, graph }
}

const EXO_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de'
const SEC_ADMIN = '194ae4cb-b126-40b2-bd5b-6091b380977d'

describe('GraphClient', () => {
  it('detects the licence from subscribedSkus, following next links', async () => {
    let base = ''
    const { peer, graph } = await setup((req) =>
      req.url.includes('skiptoken')
        ? {
            body: {
              value: [
                {
                  skuPartNumber: 'ENTERPRISEPREMIUM',
                  capabilityStatus: 'Enabled',
                  servicePlans: [
                    {
                      servicePlanName: 'THREAT_INTELLIGENCE',
                      servicePlanId: '8e0c0a52-6a6c-4d40-8370-dd62790dcd70',
                      provisioningStatus: 'Success',
                    },
                  ],
                },
              ],
            },
          }
        : {
            body: {
              value: [
                {
                  skuPartNumber: 'EXCHANGESTANDARD',
                  capabilityStatus: 'Enabled',
                  servicePlans: [],
                },
              ],
              '@odata.nextLink': `${base}/v1.0/subscribedSkus?$skiptoken=x`,
            },
          },
    )
    base = peer.url
    expect(await graph.licence()).toEqual({
      licence: 'mdo-p2',
      skus: ['EXCHANGESTANDARD', 'ENTERPRISEPREMIUM'],
      defenderFrom: ['ENTERPRISEPREMIUM'],
    })
    expect(peer.received[0]!.url).toBe(
      '/v1.0/subscribedSkus?$select=skuId,skuPartNumber,capabilityStatus,servicePlans',
    )
    expect(peer.received[0]!.headers.authorization).toMatch(/^Bearer /)
  })

  it('reads delegated roles from /me/transitiveMemberOf with ConsistencyLevel: eventual', async () => {
    const { peer, graph } = await setup(() => ({
      body: { value: [{ displayName: 'Exchange Administrator', roleTemplateId: EXO_ADMIN }] },
    }))
    expect(await graph.roles()).toEqual({
      roles: ['Exchange Administrator'],
      roleTemplateIds: [EXO_ADMIN],
      source: 'graph',
    })
    const r = peer.received[0]!
    expect(r.url).toBe(
      '/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole?$count=true&$select=displayName,roleTemplateId',
    )
    expect(r.headers.consistencylevel).toBe('eventual')
  })

  it('reads app-only roles from the token, without calling Graph', async () => {
    const { peer, graph } = await setup(
      () => ({ status: 500 }),
      fixedTokens({ tid: TENANT, roles: ['Exchange.ManageAsApp'], wids: [SEC_ADMIN] }),
    )
    expect(await graph.roles()).toEqual({
      roles: ['Security Administrator'],
      roleTemplateIds: [SEC_ADMIN],
      source: 'token',
    })
    expect(peer.received).toHaveLength(0)
  })

  it('falls back to the token’s wids when Graph refuses, and reports the refusal otherwise', async () => {
    const denied: Handler = () => ({
      status: 403,
      body: {
        error: {
          code: 'Authorization_RequestDenied',
          message: 'Insufficient privileges to complete the operation.',
        },
      },
    })
    const a = await setup(
      denied,
      fixedTokens({ tid: TENANT, upn: 'a@b.c', scp: 'x', wids: [EXO_ADMIN] }),
    )
    expect((await a.graph.roles()).source).toBe('token')
    await a.peer.close()
    const b = await setup(denied)
    await expect(b.graph.roles()).rejects.toMatchObject({ code: 'PASSAGE_E_GRAPH_DENIED' })
  })

  it('tokenRoles: the Exchange token’s roles without any Graph request (one sign-in, issue 14)', async () => {
    const USER_ROLE = 'b79fbf4d-3ef9-4689-8143-76b194e85509'
    const a = await setup(
      () => ({ status: 500 }),
      fixedTokens({ tid: TENANT, upn: 'a@b.c', scp: 'x', wids: [USER_ROLE, EXO_ADMIN] }),
    )
    expect(await a.graph.tokenRoles()).toEqual({
      roles: ['Exchange Administrator'],
      roleTemplateIds: [EXO_ADMIN],
      source: 'token',
    })
    expect(a.peer.received).toHaveLength(0)
    await a.peer.close()
    // Only the default User role: no administrator role (said as none, not unknown).
    const b = await setup(
      () => ({ status: 500 }),
      fixedTokens({ tid: TENANT, upn: 'a@b.c', scp: 'x', wids: [USER_ROLE] }),
    )
    expect((await b.graph.tokenRoles())?.roles).toEqual([])
    await b.peer.close()
    // No wids claim at all: unknown.
    const c = await setup(() => ({ status: 500 }))
    expect(await c.graph.tokenRoles()).toBeNull()
  })

  it('reads the organisation and its domains', async () => {
    const { graph } = await setup((req) =>
      req.url.startsWith('/v1.0/organization')
        ? {
            body: {
              value: [
                {
                  id: TENANT,
                  displayName: 'Contoso',
                  verifiedDomains: [
                    { name: 'contoso.onmicrosoft.com', isInitial: true, isDefault: false },
                    { name: 'contoso.com', isInitial: false, isDefault: true },
                  ],
                },
              ],
            },
          }
        : {
            body: {
              value: [
                {
                  id: 'Contoso.com',
                  isDefault: true,
                  isInitial: false,
                  isVerified: true,
                  supportedServices: ['Email'],
                },
              ],
            },
          },
    )
    expect(await graph.organization()).toEqual({
      id: TENANT,
      displayName: 'Contoso',
      initialDomain: 'contoso.onmicrosoft.com',
      defaultDomain: 'contoso.com',
    })
    expect(await graph.domains()).toEqual([
      {
        id: 'contoso.com',
        isDefault: true,
        isInitial: false,
        isVerified: true,
        supportedServices: ['Email'],
      },
    ])
  })

  it('retries a throttled Graph read', async () => {
    const { peer, graph } = await setup((_r, n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { body: { value: [] } },
    )
    expect(await graph.domains()).toEqual([])
    expect(peer.received).toHaveLength(2)
  })
  it("reads a group's members by its address: transitiveMembers, every page, groups left out", async () => {
    let base = ''
    const { peer, graph } = await setup((req) => {
      if (req.url.startsWith('/v1.0/groups?')) return { body: { value: [{ id: 'g-1' }] } }
      if (req.url.includes('skiptoken'))
        return {
          body: {
            value: [
              { '@odata.type': '#microsoft.graph.user', mail: 'Nestor.Wilke@contoso.com' },
              {
                '@odata.type': '#microsoft.graph.user',
                mail: null,
                userPrincipalName: 'lidia@contoso.com',
              },
            ],
          },
        }
      return {
        body: {
          value: [
            { '@odata.type': '#microsoft.graph.user', mail: 'megan.bowen@contoso.com' },
            { '@odata.type': '#microsoft.graph.group', mail: 'nested@contoso.com' },
          ],
          '@odata.nextLink': `${base}/v1.0/groups/g-1/transitiveMembers?$skiptoken=p2`,
        },
      }
    })
    base = peer.url
    expect(await graph.groupMembers("o'brien-team@contoso.com")).toEqual([
      'megan.bowen@contoso.com',
      'nestor.wilke@contoso.com',
      'lidia@contoso.com',
    ])
    expect(decodeURIComponent(peer.received[0]!.url)).toBe(
      "/v1.0/groups?$filter=mail eq 'o''brien-team@contoso.com'&$select=id",
    )
    expect(peer.received[1]!.url).toBe(
      '/v1.0/groups/g-1/transitiveMembers?$select=mail,userPrincipalName&$top=999',
    )
    expect(peer.received).toHaveLength(3)
  })

  it('answers null for an address no group has', async () => {
    const { graph } = await setup(() => ({ body: { value: [] } }))
    expect(await graph.groupMembers('nobody@contoso.com')).toBeNull()
  })
})
