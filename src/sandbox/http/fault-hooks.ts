/** Fastify hooks that apply a fault spec: latency, 429, 5xx, dropped connections, slow bodies. */
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { THROTTLE_TEXT } from './budget.js'
import type { ServerContext } from './context.js'
import { frontEndError } from './shapes.js'

const slow = new WeakSet<FastifyRequest>()
/** When each request came in (the `floor` latency model). */
const arrival = new WeakMap<FastifyRequest, number>()

/** A stream that sends `payload` in a few chunks spread over `totalMs`. */
function dribble(payload: string | Buffer, totalMs: number): Readable {
  const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload)
  const chunks = 5
  const size = Math.max(1, Math.ceil(buf.length / chunks))
  let i = 0
  return new Readable({
    read() {
      if (i >= buf.length) {
        this.push(null)
        return
      }
      const part = buf.subarray(i, i + size)
      i += size
      setTimeout(() => this.push(part), totalMs / chunks)
    },
  })
}

/** Installs the fault hooks on a Fastify scope (the admin API, or the whole server). */
export function installFaultHooks(scope: FastifyInstance, ctx: ServerContext): void {
  const spec = ctx.faults.spec
  const latency = spec.latencyMs
  if (!ctx.faults.active && latency === 0) return
  const floor = spec.latencyModel === 'floor'
  if (floor && latency > 0)
    // The answer leaves `latency` ms after the request came in, the sandbox's own work included
    // (or when the work ends, if it takes longer): "N ms per request", as at Exchange, where a
    // request's time includes the service's work, without the emulator's time added on top.
    scope.addHook('onSend', async (request, _reply, payload) => {
      const left = latency - (performance.now() - (arrival.get(request) ?? performance.now()))
      if (left > 0) await sleep(left)
      return payload
    })
  scope.addHook('onRequest', async (request, reply) => {
    if (floor) arrival.set(request, performance.now())
    else if (latency > 0) await sleep(latency)
    if (!ctx.faults.active) return
    const d = ctx.faults.next()
    if (d.slowBody) slow.add(request)
    if (d.fail === 'drop') {
      reply.hijack()
      request.raw.socket.destroy()
      return
    }
    if (d.fail === '429')
      return reply
        .code(429)
        .header('retry-after', '1')
        .header('content-type', 'application/json; charset=utf-8')
        .send(frontEndError('TooManyRequests', THROTTLE_TEXT))
    if (d.fail === '5xx')
      return reply
        .code(d.status5xx)
        .header('content-type', 'application/json; charset=utf-8')
        .send(
          frontEndError(
            d.status5xx === 503 ? 'ServiceUnavailable' : 'InternalServerError',
            d.status5xx === 503
              ? 'The service is temporarily unavailable (sandbox fault).'
              : 'An internal server error occurred (sandbox fault).',
          ),
        )
  })
  if (spec.slowBody > 0)
    scope.addHook('onSend', async (request, reply, payload) => {
      if (!slow.has(request)) return payload
      if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload
      reply.removeHeader('content-length')
      return dribble(payload, spec.slowBodyMs)
    })
}
