/**
 * Test delivery: the vendor's mail in message trace and quarantine (in the sandbox, after sending
 * its typical messages), and pasted headers explained (the app's `explain` use case).
 */
import type { FastifyInstance } from 'fastify'
import { discover } from '../../app/discover.js'
import { explain } from '../../app/explain.js'
import { recordedTestDelivery } from '../../app/test-run.js'
import { PassageError } from '../../core/errors/index.js'
import { parseBody } from '../errors.js'
import { DeliveryRequest, ExplainRequest } from '../schemas.js'
import { connectionOf, sessionOf, type ServerState } from '../state.js'
import { resolveChoice } from '../vendors.js'
import { explanationView, type DeliveryView } from '../views.js'

/** Registers the test-delivery and header-explanation routes. */
export function registerDeliveryRoutes(app: FastifyInstance, state: ServerState): void {
  app.post('/api/delivery', async (req) => {
    const body = parseBody(DeliveryRequest, req.body)
    const conn = connectionOf(state, body.connection)
    const session = sessionOf(conn)
    if (body.send && !session.sandbox)
      throw new PassageError('PASSAGE_E_INPUT', 'Test messages can be sent only to the sandbox.', {
        hint: 'Send a message from the vendor’s own console, then look it up here.',
      })
    const vendor = resolveChoice(body.vendor)
    // The tenant as it is now, for the evaluator's "why" of each message.
    const snapshot = (await discover(session, state.store)).snapshot
    conn.snapshot = snapshot
    const since = body.send
      ? new Date(Date.now() - 2000)
      : new Date(Date.now() - body.hours * 3_600_000)
    // Recorded in History like apply and undo (the run id stays server-side).
    const { runId: _runId, ...report } = await recordedTestDelivery(
      session,
      state.store,
      vendor,
      snapshot,
      { send: body.send, since },
    )
    return { delivery: { ...(report satisfies DeliveryView), sandbox: session.sandbox } }
  })

  app.post('/api/headers/explain', async (req) => {
    const body = parseBody(ExplainRequest, req.body)
    // The wizard shows worded fields, never the CLI's lines (which are then never worded).
    const { analysis } = explain(body.headers, body.vendor ? resolveChoice(body.vendor) : undefined)
    return { explanation: explanationView(analysis) }
  })
}
