/** Info: what the server runs against (the embedded sandbox's tenants and accounts, or Microsoft). */
import type { FastifyInstance } from 'fastify'
import type { ServerState } from '../state.js'
import { sandboxView } from '../views.js'

/**
 * Registers GET /api/info. `fleet` says whether `passage serve --fleet` serves the dashboard (and
 * whether it may queue actions), so that the page knows without asking for routes that are not
 * there (a 404 is an error in the browser's console).
 */
export function registerInfoRoutes(
  app: FastifyInstance,
  state: ServerState,
  fleet: { actions: boolean } | null = null,
): void {
  app.get('/api/info', async () => {
    const sb = state.sandbox
    return {
      version: '0.1.0',
      sandbox: sb ? sandboxView(sb) : null,
      fleet,
      connections: [...state.connections.values()].map((c) => ({
        id: c.id,
        tenant: c.tenant,
        actor: c.actor,
      })),
    }
  })
}
