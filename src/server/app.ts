/**
 * The wizard's HTTP server: the API over the app use cases (one module per resource under
 * routes/), the built front end, the access token on every API call and the security headers on
 * every response. `buildServer` makes it without listening (tests use `inject`).
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { parseBody, statusOf, toApiError } from './errors.js'
import { registerApplyRoutes } from './routes/apply.js'
import { registerCheckRoutes } from './routes/check.js'
import { registerDeliveryRoutes } from './routes/delivery.js'
import { registerDiscoveryRoutes } from './routes/discovery.js'
import { registerFleetRoutes, type FleetRoutesOptions } from './routes/fleet.js'
import { registerInfoRoutes } from './routes/info.js'
import { registerPlanRoutes } from './routes/plan.js'
import { registerRunRoutes } from './routes/runs.js'
import { registerSignInRoutes } from './routes/signin.js'
import { registerVendorRoutes } from './routes/vendors.js'
import { isApiRequest, requireOwnHost, requireToken, SECURITY_HEADERS } from './security.js'
import type { ServerState } from './state.js'
import { registerStatic } from './static.js'

/** What buildServer needs. */
export interface ServerOptions {
  state: ServerState
  /** The access token every /api call must carry. */
  token: string
  /** The built front end (web/dist). */
  webRoot: string
  /** TLS certificate and key (PEM) when serving beyond loopback. */
  https?: { cert: string; key: string }
  /** Log requests (never their bodies or headers) to standard error. */
  logger?: boolean
  /** The address given with --host, accepted as a Host header besides the loopback names. */
  host?: string | null
  /** The fleet dashboard's store, reads and queue (`passage serve --fleet`); absent: no /api/fleet. */
  fleet?: FleetRoutesOptions
}

/** Largest request body accepted (pasted headers are the biggest). */
export const BODY_LIMIT = 1024 * 1024

/** Builds the server (not listening). */
export function buildServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger: opts.logger
      ? {
          level: 'info',
          // Standard error, so that standard output keeps only the wizard's address.
          stream: process.stderr,
          serializers: {
            req: (r: { method: string; url: string }) => ({
              method: r.method,
              url: r.url.split('?')[0],
            }),
          },
        }
      : false,
    bodyLimit: BODY_LIMIT,
    ...(opts.https ? { https: opts.https } : {}),
    // Requests the router cannot even parse (a malformed %-escape) get the catalogue's shape too,
    // without echoing the URL.
    frameworkErrors: (_error, _req, reply) => {
      const r = reply as unknown as FastifyReply
      r.headers(SECURITY_HEADERS).code(400)
      void r.send({
        error: {
          code: 'PASSAGE_E_INPUT',
          title: 'Invalid input',
          message: 'The request address is malformed.',
          hint: 'Open the wizard at the exact address it was started with.',
        },
      })
    },
  }) as unknown as FastifyInstance

  app.addHook('onRequest', async (_req, reply) => {
    reply.headers(SECURITY_HEADERS)
  })
  app.addHook('onRequest', requireOwnHost(opts.host ?? null))
  app.addHook('onRequest', requireToken(opts.token))
  app.addHook('onSend', async (req, reply) => {
    // Also here, for answers that did not pass the onRequest hooks.
    for (const [k, v] of Object.entries(SECURITY_HEADERS))
      if (!reply.hasHeader(k)) reply.header(k, v)
    if (isApiRequest(req)) reply.header('cache-control', 'no-store')
  })
  // Only JSON bodies are accepted on the API (no form posts from other sites).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (_req, body, done) => {
      try {
        done(null, body === '' ? {} : JSON.parse(body as string))
      } catch {
        const err = new Error('The request body is not valid JSON.') as Error & {
          statusCode: number
        }
        err.statusCode = 400
        done(err, undefined)
      }
    },
  )

  app.setErrorHandler((e, _req, reply) => {
    const fe = e as { statusCode?: number; code?: string; message?: string }
    // Fastify's own refusals (bad JSON, unsupported media type, body too large).
    if (
      typeof fe.statusCode === 'number' &&
      fe.statusCode >= 400 &&
      fe.statusCode < 500 &&
      !('hint' in (e as object))
    ) {
      reply.code(fe.statusCode)
      return {
        error: {
          code: 'PASSAGE_E_INPUT',
          title: 'Invalid input',
          message:
            fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? 'Requests must be sent as application/json.'
              : fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
                ? 'The request is too large.'
                : 'The request body is not valid JSON.',
          hint: 'Send a JSON body with the fields the API takes.',
        },
      }
    }
    const err = toApiError(e)
    // Only the name and message: an error's properties and causes may carry request data.
    if (err.code === 'PASSAGE_E_INTERNAL')
      app.log.error({ name: (e as Error).name, message: (e as Error).message }, 'internal error')
    reply.code(statusOf(err))
    return { error: err }
  })
  app.setNotFoundHandler((req, reply) => {
    reply.code(404)
    return {
      error: {
        code: 'PASSAGE_E_API_NOT_FOUND',
        title: 'Not found',
        message: `No route ${req.method} ${req.url.split('?')[0]}.`,
        hint: 'Check the address.',
      },
    }
  })

  registerInfoRoutes(app, opts.state, opts.fleet ? { actions: opts.fleet.queue !== null } : null)
  registerVendorRoutes(app)
  registerSignInRoutes(app, opts.state)
  registerDiscoveryRoutes(app, opts.state)
  registerPlanRoutes(app, opts.state)
  registerApplyRoutes(app, opts.state)
  registerCheckRoutes(app, opts.state)
  registerDeliveryRoutes(app, opts.state)
  registerRunRoutes(app, opts.state)
  if (opts.fleet) registerFleetRoutes(app, opts.fleet)
  registerStatic(app, opts.webRoot)
  return app
}

export { parseBody }
