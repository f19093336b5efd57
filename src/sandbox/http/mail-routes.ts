/**
 * Sandbox-only mail endpoints: deliver a test message into a tenant, list what was delivered, and
 * fetch a recipient's copy as .eml. They need an Exchange admin API token for the tenant.
 */
import type { FastifyInstance } from 'fastify'
import type { SandboxMessage } from '../contracts.js'
import { deliverMessage, MessageInputError, renderEml } from '../mail/index.js'
import { authenticate, EXCHANGE_AUDIENCE, type ServerContext } from './context.js'
import { serially } from './pace.js'
import { frontEndError } from './shapes.js'

/** A message without its header blocks, with a link to each recipient's .eml. */
export function messageSummary(ctx: ServerContext, tenantKey: string, m: SandboxMessage) {
  const base = `${ctx.baseUrl()}/sandbox/${tenantKey}/messages/${encodeURIComponent(m.id)}`
  return {
    id: m.id,
    messageId: m.messageId,
    receivedAt: m.receivedAt,
    senderAddress: m.senderAddress,
    subject: m.subject,
    fromIp: m.fromIp,
    size: m.size,
    url: base,
    recipients: m.recipients.map(({ headers: _headers, ...r }) => ({
      ...r,
      eml: `${base}?recipient=${encodeURIComponent(r.recipient)}`,
    })),
  }
}

/** Registers `/sandbox/:tenant/messages[/:id]`. */
export function registerMailRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { tenant: string } }>('/sandbox/:tenant/messages', async (request, reply) => {
    const who = await authenticate(ctx, request, reply, EXCHANGE_AUDIENCE, request.params.tenant)
    if (!who) return reply
    // In the admin API's queue (pace.ts): a delivery never lands between two items of a batch.
    const m = await serially(ctx)(async (): Promise<SandboxMessage | MessageInputError> => {
      try {
        const delivered = deliverMessage(who.tenant, request.body, ctx.now(), ctx.newId)
        ctx.persist()
        return delivered
      } catch (e) {
        if (e instanceof MessageInputError) return e
        throw e
      }
    })
    if (m instanceof MessageInputError)
      return reply.code(400).send({
        error: { code: 'BadRequest', message: m.message, details: m.issues },
      })
    return reply.code(201).send(messageSummary(ctx, request.params.tenant, m))
  })

  app.get<{ Params: { tenant: string } }>('/sandbox/:tenant/messages', async (request, reply) => {
    const who = await authenticate(ctx, request, reply, EXCHANGE_AUDIENCE, request.params.tenant)
    if (!who) return reply
    return {
      value: who.tenant.mail.messages.map((m) => messageSummary(ctx, request.params.tenant, m)),
    }
  })

  app.get<{ Params: { tenant: string; id: string }; Querystring: { recipient?: string } }>(
    '/sandbox/:tenant/messages/:id',
    async (request, reply) => {
      const who = await authenticate(ctx, request, reply, EXCHANGE_AUDIENCE, request.params.tenant)
      if (!who) return reply
      const m = who.tenant.mail.messages.find((x) => x.id === request.params.id)
      if (!m)
        return reply
          .code(404)
          .send(frontEndError('NotFound', `No message '${request.params.id}' in this tenant.`))
      const recipient = request.query.recipient ?? m.recipients[0]?.recipient
      if (
        !recipient ||
        !m.recipients.some((r) => r.recipient.toLowerCase() === recipient.toLowerCase())
      )
        return reply
          .code(404)
          .send(
            frontEndError('NotFound', `Message '${m.id}' has no recipient '${recipient ?? ''}'.`),
          )
      const filename = `${m.id}.eml`.replace(/[^A-Za-z0-9._-]/g, '_')
      return reply
        .code(200)
        .header('content-type', 'message/rfc822')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(renderEml(m, recipient))
    },
  )
}
