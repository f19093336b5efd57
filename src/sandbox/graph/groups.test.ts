/**
 * The group kinds in the sandbox's Graph ("Working with groups in Microsoft Graph"): a Microsoft
 * 365 group is groupTypes ["Unified"], a mail-enabled security group securityEnabled, a
 * distribution group neither; a dynamic distribution group is not a Graph object at all ("can't be
 * managed or retrieved through Microsoft Graph"; List groups excludes them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxTenant, SandboxWorld } from '../contracts.js'
import { GRAPH_AUDIENCE } from '../identity/index.js'
import { type SignInServer, httpsFetch, startSignInServer } from '../identity/test-support.js'
import { seedWorld } from '../seed/index.js'

let server: SignInServer
let world: SandboxWorld
let contoso: SandboxTenant

beforeAll(async () => {
  world = seedWorld()
  const t = world.tenants.find((x) => x.snapshot.tenant.name.startsWith('contoso'))
  if (!t) throw new Error('no seeded contoso tenant')
  contoso = t
  // A mail-enabled security group holding the seeded Microsoft 365 group, the seeded dynamic
  // distribution group and a user.
  contoso.snapshot.directory.groups.push({
    address: 'secops-all@contoso.com',
    kind: 'security',
    members: ['projects@contoso.com', 'everyone@contoso.com', 'nestor.wilke@contoso.com'],
  })
  server = await startSignInServer(world)
})

afterAll(async () => {
  await server.close()
})

const token = () =>
  server.identity.mintAccessToken({
    tenant: contoso.snapshot.tenant.id,
    audience: GRAPH_AUDIENCE,
    user: `admin@${contoso.snapshot.tenant.name}`,
  })

type Group = { id: string; mail: string; groupTypes: string[]; securityEnabled: boolean }

async function get(path: string) {
  const res = await httpsFetch(`${server.base}${path}`, server.ca, {
    headers: { authorization: `Bearer ${token()}` },
  })
  return { status: res.status, body: JSON.parse(res.text) as Record<string, unknown> }
}

const byMail = async (mail: string) =>
  (await get(`/v1.0/groups?$filter=${encodeURIComponent(`mail eq '${mail}'`)}`)).body[
    'value'
  ] as Group[]

describe('group kinds in Graph', () => {
  it('tells a Microsoft 365 group, a mail-enabled security group and a distribution group apart', async () => {
    const [m365] = await byMail('projects@contoso.com')
    expect(m365).toMatchObject({ groupTypes: ['Unified'], mailEnabled: true })
    const [security] = await byMail('secops-all@contoso.com')
    expect(security).toMatchObject({ groupTypes: [], mailEnabled: true, securityEnabled: true })
    const [distribution] = await byMail('finance@contoso.com')
    expect(distribution).toMatchObject({
      groupTypes: [],
      mailEnabled: true,
      securityEnabled: false,
    })
  })

  it('does not have a dynamic distribution group: not listed, not found by mail', async () => {
    expect(await byMail('everyone@contoso.com')).toEqual([])
    const all = (await get('/v1.0/groups')).body['value'] as Group[]
    expect(all.map((g) => g.mail)).toContain('projects@contoso.com')
    expect(all.map((g) => g.mail)).not.toContain('everyone@contoso.com')
  })

  it('lists a nested Microsoft 365 group as a group and flattens it in transitiveMembers; leaves the dynamic one out', async () => {
    const [security] = await byMail('secops-all@contoso.com')
    const direct = (await get(`/v1.0/groups/${security!.id}/members?$select=mail`)).body[
      'value'
    ] as { '@odata.type': string; mail: string }[]
    expect(direct.map((m) => [m['@odata.type'], m.mail])).toEqual([
      ['#microsoft.graph.group', 'projects@contoso.com'],
      ['#microsoft.graph.user', 'nestor.wilke@contoso.com'],
    ])
    const all = (await get(`/v1.0/groups/${security!.id}/transitiveMembers?$select=mail`)).body[
      'value'
    ] as { mail: string }[]
    expect(all.map((m) => m.mail).sort()).toEqual([
      'adele.vance@contoso.com',
      'megan.bowen@contoso.com',
      'nestor.wilke@contoso.com',
      'projects@contoso.com',
    ])
  })
})
