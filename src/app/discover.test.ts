/**
 * Discover's rounds (issue 13): the members of the groups policies and presets name are read as
 * soon as the rules are, side by side with the further pages of a long Tenant Allow/Block List,
 * not after them; and when Graph will not let the sign-in read groups (asked beside the first
 * reads), they are read from Exchange straight away, with the same note as before, instead of
 * after a Graph lookup that is refused.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { discover } from './discover.js'
import type { HttpRequest } from '../exchange/http.js'
import { sandboxEndpoints } from '../exchange/index.js'
import type { SandboxWorld } from '../sandbox/contracts.js'
import { MAX_PAGE_SIZE, parseWorld, seedWorld, startSandbox } from '../sandbox/index.js'
import { appSession, cleanupFiles, tenantNamed, type Sandbox } from '../../test/app/helpers.js'

const open: { close(): unknown }[] = []
afterAll(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
  cleanupFiles()
})

/** The seeded world, with more sender entries in contoso's list than one page holds. */
function longList(): SandboxWorld {
  const world = seedWorld()
  const t = world.tenants.find((x) => x.snapshot.tenant.name.startsWith('contoso'))!
  for (let i = 0; i < MAX_PAGE_SIZE + 200; i++)
    t.snapshot.state.tabl.items.push({
      Identity: `RgAAAAAtest${String(i).padStart(6, '0')}AAAA0`,
      ListType: 'Sender',
      ListSubType: 'Tenant',
      Action: 'Block',
      Value: `sender${i}.example.net`,
      ExpirationDate: null,
      RemoveAfter: null,
      LastUsedDate: null,
      Notes: 'test',
    })
  return parseWorld(JSON.parse(JSON.stringify(world)))
}

describe('discover rounds', () => {
  it('reads group members while the list is still paging, from Exchange at once when Graph refuses groups', async () => {
    const sb = await startSandbox({ port: 0, initialWorld: longList })
    const s: Sandbox = {
      sb,
      endpoints: sandboxEndpoints(sb.url, sb.caPem),
      close: () => sb.close(),
    }
    open.push(s)
    // The bench's app: no Graph permission to read groups.
    const x = await appSession(s, tenantNamed(s, 'contoso'))
    open.push({ close: () => x.close() })

    const events: string[] = []
    let groupRead: () => void = () => {}
    const groupReadStarted = new Promise<void>((r) => (groupRead = r))
    // Each further page of the list is held until a group read has started (or 10 s passed):
    // discover that waited for the pages before the groups would show the page first.
    const http = x.exo.deps.http
    const request = http.request.bind(http)
    http.request = async (req: HttpRequest) => {
      if (req.url.includes('skiptoken')) {
        await Promise.race([groupReadStarted, new Promise((r) => setTimeout(r, 10_000))])
        events.push('list page')
      }
      return request(req)
    }
    const invoke = x.exo.invokeCommand.bind(x.exo)
    x.exo.invokeCommand = (call, opts) => {
      if (call.cmdlet === 'Get-DistributionGroupMember') {
        events.push('group read')
        groupRead()
      }
      return invoke(call, opts)
    }
    let graphLookups = 0
    const lookup = x.graph.groupMembers.bind(x.graph)
    x.graph.groupMembers = (address, signal) => {
      graphLookups++
      return lookup(address, signal)
    }

    const d = await discover(x, null)
    expect(events.indexOf('group read')).toBeGreaterThanOrEqual(0)
    expect(events.indexOf('group read')).toBeLessThan(events.indexOf('list page'))
    // Graph's refusal was known from the first round: no group was looked up there.
    expect(graphLookups).toBe(0)
    expect(d.groupsSource).toBe('exchange')
    expect(
      d.degraded.some((l) =>
        l.startsWith('group members read from Exchange instead: Graph refused (PASSAGE_E_GRAPH'),
      ),
    ).toBe(true)
    // The whole list was read, and the groups the snapshot names are the ones read.
    expect(d.snapshot.state.tabl.items.length).toBeGreaterThan(MAX_PAGE_SIZE)
    expect(d.snapshot.directory.groups.map((g) => g.address).sort()).toEqual([
      'finance@contoso.com',
      'sales@contoso.com',
    ])
  }, 60_000)
})
