/**
 * Discovery when Microsoft Graph refuses (its own client not signed in): it still works from
 * Exchange, and says plainly what it could not learn, never a silent guess (review item 10).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { discover } from '../../src/app/discover.js'
import type { Session } from '../../src/app/session.js'
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

describe('discovery without Graph', () => {
  it('client.graph-client: says "licence unknown: Graph refused" and where the licence came from instead', async () => {
    const t = tenantNamed(s, 'contoso')
    // A device session with no way to show Graph's own code: Graph is refused.
    const x = await deviceSession(s, t, `exchange@${t.snapshot.tenant.name}`)
    sessions.push(x)
    const d = await discover(x, null)
    expect(d.licenceSource).toBe('cmdlets')
    expect(d.degraded.some((l) => l.startsWith('licence unknown: Graph refused'))).toBe(true)
    expect(d.degraded.join('\n')).toContain('PASSAGE_E_GRAPH_DENIED')
    // Roles then come from the Exchange token's wids claim, and say so.
    expect(d.roles?.source ?? 'none').not.toBe('graph')
    // Exchange's reads still give the snapshot.
    expect(d.snapshot.tenant.id).toBe(t.snapshot.tenant.id)
  }, 60_000)
})
