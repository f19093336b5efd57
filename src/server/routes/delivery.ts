/**
 * Test delivery: the vendor's mail in message trace and quarantine (in the sandbox, after sending
 * its typical messages), and pasted headers explained.
 */
import type { FastifyInstance } from 'fastify'
import { discover } from '../../app/discover.js'
import { testDelivery } from '../../app/test-delivery.js'
import { analyzeHeaders, explainLines, type VendorInput } from '../../core/headers/index.js'
import { PassageError } from '../../core/errors/index.js'
import { parseBody } from '../errors.js'
import { DeliveryRequest, ExplainRequest } from '../schemas.js'
import { connectionOf, sessionOf, type ServerState } from '../state.js'
import { resolveChoice } from '../vendors.js'

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
    const report = await testDelivery(session, vendor, snapshot, { send: body.send, since })
    return { delivery: { ...report, sandbox: session.sandbox } }
  })

  app.post('/api/headers/explain', async (req) => {
    const body = parseBody(ExplainRequest, req.body)
    let vendor: VendorInput | undefined
    if (body.vendor) {
      const v = resolveChoice(body.vendor)
      vendor = {
        ips: v.sending.ips,
        domains: [
          ...new Set([
            ...v.sending.envelopeDomains,
            ...v.sending.dkimDomains,
            ...v.sending.headerFromDomains,
          ]),
        ],
        linkDomains: v.sending.linkDomains,
      }
    }
    const a = analyzeHeaders(body.headers, vendor ? { vendor } : {})
    return {
      explanation: {
        trusted: a.trusted,
        verdict: a.verdict,
        category: a.category,
        scl: a.scl,
        bcl: a.bcl,
        bypass: a.bypass,
        findings: a.findings,
        lines: explainLines(a),
        vendorCheck: a.vendorCheck ?? null,
      },
    }
  })
}
