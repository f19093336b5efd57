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

/** An onRequest hook refusing /api calls without the token. */
export function requireToken(token: string) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const path = req.url.split('?')[0] ?? ''
    if (path !== '/api' && !path.startsWith('/api/')) return
    if (!tokenMatches(tokenOf(req), token))
      throw new PassageError('PASSAGE_E_API_TOKEN', 'This request has no valid access token.')
  }
}
