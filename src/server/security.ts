/**
 * The server's guards: the access token on every /api request (a header, never a cookie), and
 * the security headers on every response (strict CSP, no framing, no sniffing, no referrer).
 * No CORS headers are ever sent, so other origins cannot read any answer.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { PassageError } from '../core/errors/index.js'

/** The Content-Security-Policy of every response: our own files only, nothing inline. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Headers set on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), clipboard-write=(self)',
}

/** The token a request carries: `Authorization: Bearer <t>` or `X-Passage-Token: <t>`. */
export function tokenOf(req: FastifyRequest): string | null {
  const auth = req.headers.authorization
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim())
    if (m?.[1]) return m[1]
  }
  const h = req.headers['x-passage-token']
  return typeof h === 'string' && h ? h : null
}

/** Constant-time comparison of a presented token with the server's. */
export function tokenMatches(presented: string | null, token: string): boolean {
  if (!presented) return false
  const a = Buffer.from(presented)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * True when a request is for the API. The router decodes the path before matching (`/%61pi/x`
 * reaches `/api/x`), so this looks at the route that matched and at the decoded path, and treats
 * a path it cannot decode as an API call: the check fails closed.
 */
export function isApiRequest(req: FastifyRequest): boolean {
  const route = req.routeOptions.url
  if (route !== undefined && (route === '/api' || route.startsWith('/api/'))) return true
  const raw = req.url.split('?')[0] ?? ''
  let path: string
  try {
    path = decodeURIComponent(raw)
  } catch {
    return true
  }
  return path === '/api' || path.startsWith('/api/')
}

/** An onRequest hook refusing /api calls without the token. */
export function requireToken(token: string) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!isApiRequest(req)) return
    if (!tokenMatches(tokenOf(req), token))
      throw new PassageError('PASSAGE_E_API_TOKEN', 'This request has no valid access token.')
  }
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * An onRequest hook refusing requests addressed to another host name (DNS rebinding: a web page
 * whose name resolves to 127.0.0.1 would otherwise talk to the wizard) or sent from another
 * origin. `host` is the address given with --host, if any.
 */
export function requireOwnHost(host: string | null) {
  const names = new Set(LOOPBACK_NAMES)
  if (host) names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host)
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    // Node keeps the first of duplicate Host headers: a request carrying two is refused whole.
    const hosts = req.raw.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'host')
    if (hosts.length > 1)
      throw new PassageError('PASSAGE_E_API_HOST', 'A request must carry one Host header.')
    const header = req.headers.host ?? ''
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header)
    const port = req.socket.localPort
    const ok =
      m !== null &&
      names.has((m[1] ?? '').toLowerCase()) &&
      (port === undefined || m[2] === undefined || Number(m[2]) === port)
    if (!ok)
      throw new PassageError(
        'PASSAGE_E_API_HOST',
        `Requests must be addressed to this wizard, not '${header}'.`,
      )
    const origin = req.headers.origin
    if (origin !== undefined && origin !== 'null') {
      let same = false
      try {
        // Compare as URLs so that default ports (:80, :443) normalise the same way.
        // Scheme, host and port must all be this wizard's.
        const o = new URL(origin)
        const own = new URL(`${req.protocol}://${header}`)
        same = o.protocol === own.protocol && o.host === own.host
      } catch {
        same = false
      }
      if (!same)
        throw new PassageError('PASSAGE_E_API_HOST', `Requests from ${origin} are not accepted.`)
    }
  }
}
