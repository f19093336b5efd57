/** Info: what the server runs against (the embedded sandbox's tenants and accounts, or Microsoft). */
import type { FastifyInstance } from 'fastify'
import { licenceName } from '../../core/model/licence.js'
import type { ServerState } from '../state.js'

export function registerInfoRoutes(app: FastifyInstance, state: ServerState): void {
  app.get('/api/info', async () => {
    const sb = state.sandbox
    return {
      version: '0.1.0',
      sandbox: sb
        ? {
            url: sb.url,
            tenants: sb.world.tenants.map((t) => ({
              name: t.snapshot.tenant.name,
              displayName: t.snapshot.tenant.displayName,
              licence: licenceName(t.snapshot.licence),
              admins: t.admins.map((a) => ({
                upn: a.upn,
                displayName: a.displayName,
                roles: a.roles,
                apiEnabled: a.exchangeApiEnabled,
              })),
            })),
          }
        : null,
      connections: [...state.connections.values()].map((c) => ({
        id: c.id,
        tenant: c.tenant,
        actor: c.actor,
      })),
    }
  })
}
