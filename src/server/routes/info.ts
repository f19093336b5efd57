/** Info: what the server runs against (the embedded sandbox's tenants and accounts, or Microsoft). */
import type { FastifyInstance } from 'fastify'
import type { ServerState } from '../state.js'
import { sandboxView } from '../views.js'

/** Registers GET /api/info. */
export function registerInfoRoutes(app: FastifyInstance, state: ServerState): void {
  app.get('/api/info', async () => {
    const sb = state.sandbox
    return {
      version: '0.1.0',
      sandbox: sb ? sandboxView(sb) : null,
      connections: [...state.connections.values()].map((c) => ({
        id: c.id,
        tenant: c.tenant,
        actor: c.actor,
      })),
    }
  })
}
