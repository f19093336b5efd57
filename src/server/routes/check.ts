/** Check configuration: reads back what a plan changed and says whether it is in effect. */
import type { FastifyInstance } from 'fastify'
import { check } from '../../app/check.js'
import { parseBody } from '../errors.js'
import { CheckRequest } from '../schemas.js'
import { connectionOf, planOf, sessionOf, type ServerState } from '../state.js'
import type { CheckView } from '../views.js'

/** Registers POST /api/check. */
export function registerCheckRoutes(app: FastifyInstance, state: ServerState): void {
  app.post('/api/check', async (req) => {
    const body = parseBody(CheckRequest, req.body)
    const conn = connectionOf(state, body.connection)
    const session = sessionOf(conn)
    const p = body.planHash ? planOf(conn, body.planHash) : undefined
    // A plan that changes nothing is refused by check itself (PASSAGE_E_NOTHING_TO_CHECK).
    const r = await check(session, state.store, p)
    return { check: r satisfies CheckView }
  })
}
