/**
 * Discovery: licences, the admin's roles, API access, MX routing, presets in force, co-managers
 * and what already exists for the vendor, from one read of the tenant.
 */
import type { FastifyInstance } from 'fastify'
import { discover } from '../../app/discover.js'
import { parseBody } from '../errors.js'
import { DiscoveryRequest } from '../schemas.js'
import { connectionOf, sessionOf, type ServerState } from '../state.js'
import { vendorObjects } from '../vendor-objects.js'
import { resolveChoice } from '../vendors.js'
import { discoveryView } from '../views.js'

/** Registers POST /api/discovery. */
export function registerDiscoveryRoutes(app: FastifyInstance, state: ServerState): void {
  app.post('/api/discovery', async (req) => {
    const body = parseBody(DiscoveryRequest, req.body)
    const conn = connectionOf(state, body.connection)
    const session = sessionOf(conn)
    const vendor = body.vendor ? resolveChoice(body.vendor) : null
    const d = await discover(session, state.store)
    const s = d.snapshot
    conn.snapshot = s
    conn.tenant = { id: s.tenant.id, name: s.tenant.name, displayName: s.tenant.displayName }
    return {
      discovery: discoveryView(d, session.actor, vendor ? vendorObjects(s, vendor) : []),
    }
  })
}
