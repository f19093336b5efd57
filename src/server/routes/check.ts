/** Check configuration: reads back what a plan changed and says whether it is in effect. */
import type { FastifyInstance } from 'fastify'
import { check } from '../../app/check.js'
import { PassageError } from '../../core/errors/index.js'
import { parseBody } from '../errors.js'
import { CheckRequest } from '../schemas.js'
import { connectionOf, planOf, sessionOf, type ServerState } from '../state.js'
import type { CheckView } from '../views.js'

/**
 * A plan that changes nothing has nothing to read back: "green, 0 checked" would read as "in
 * effect" while the tenant may hold nothing for the vendor (review first-use-2026-12, item 3).
 */
function nothingToCheck(vendor: string): PassageError {
  return new PassageError(
    'PASSAGE_E_INPUT',
    `The plan for ${vendor} makes no change, so there is nothing to check.`,
    {
      hint: 'Go back to Protections and review the changes again: the plan is made from your tenant as it is now.',
    },
  )
}

/** Registers POST /api/check. */
export function registerCheckRoutes(app: FastifyInstance, state: ServerState): void {
  app.post('/api/check', async (req) => {
    const body = parseBody(CheckRequest, req.body)
    const conn = connectionOf(state, body.connection)
    const session = sessionOf(conn)
    const p = body.planHash ? planOf(conn, body.planHash) : undefined
    if (p && p.changes.length === 0) throw nothingToCheck(p.vendor.name)
    const r = await check(session, state.store, p)
    // The last applied plan (no plan named) may be an empty one too.
    if (r.checked === 0) throw nothingToCheck(r.vendor)
    return { check: r satisfies CheckView }
  })
}
