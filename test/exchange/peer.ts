/**
 * A tiny HTTP peer for the Exchange client's unit tests: node:http on 127.0.0.1, port 0, answering
 * each request with what the test's handler says (a canned response, a delay, or a dropped
 * connection), and recording what it received. It tests the transport against a real HTTP peer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TokenProvider } from '../../src/exchange/tokens.js'

/** A request as the peer received it. */
export interface Received {
  method: string
  /** Path and query. */
  url: string
  headers: Record<string, string>
  body: string
  /** Parsed JSON body, or undefined. */
  json: unknown
}

/** What to answer. */
export interface Reply {
  status?: number
  headers?: Record<string, string>
  /** An object is sent as JSON. */
  body?: unknown
  /** Wait before answering, in ms. */
  delayMs?: number
}

/** Answers a request: a reply, or 'drop' to destroy the connection without answering. */
export type Handler = (req: Received, n: number) => Reply | 'drop' | Promise<Reply | 'drop'>

export interface Peer {
  url: string
  received: Received[]
  /** The most requests that were in flight at once. */
  maxInFlight: number
  close(): Promise<void>
}

/** Starts a peer. */
export async function startPeer(handler: Handler): Promise<Peer> {
  let inFlight = 0
  const peer: Peer = { url: '', received: [], maxInFlight: 0, close: async () => {} }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try {
        json = body ? JSON.parse(body) : undefined
      } catch {
        json = undefined
      }
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
      const received: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers,
        body,
        json,
      }
      const n = peer.received.push(received)
      inFlight++
      peer.maxInFlight = Math.max(peer.maxInFlight, inFlight)
      void (async () => {
        try {
          const r = await handler(received, n)
          if (r === 'drop') {
            req.socket.destroy()
            return
          }
          if (r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs))
          const isText = typeof r.body === 'string'
          const text =
            r.body === undefined ? '' : isText ? (r.body as string) : JSON.stringify(r.body)
          res.writeHead(r.status ?? 200, {
            'content-type': isText ? 'text/plain' : 'application/json; charset=utf-8',
            ...r.headers,
          })
          res.end(text)
        } catch (e) {
          res.writeHead(599)
          res.end(String(e))
        } finally {
          inFlight--
        }
      })()
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  peer.close = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections()
      server.close(() => ok())
    })
  return peer
}

/** An unsigned JWT with these claims (the client decodes tokens, it never verifies them). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ exp: 4102444800, ...claims })}.sig`
}

export const TENANT = '11111111-2222-3333-4444-555555555555'

/** A token provider handing out fixed tokens, counting requests and forced refreshes. */
export function fixedTokens(
  claims: Record<string, unknown> = { tid: TENANT, upn: 'admin@contoso.onmicrosoft.com', scp: 'x' },
): TokenProvider & { calls: number; refreshes: number; token: string } {
  const t = {
    calls: 0,
    refreshes: 0,
    token: fakeJwt(claims),
    async getToken(_audience: string, o?: { forceRefresh?: boolean }) {
      t.calls++
      if (o?.forceRefresh) {
        t.refreshes++
        t.token = fakeJwt({ ...claims, refreshed: t.refreshes })
      }
      return t.token
    },
  }
  return t
}

/** A sleep that records the waits and returns at once. */
export function recordingSleep(): ((ms: number) => Promise<void>) & { waits: number[] } {
  const waits: number[] = []
  const f = Object.assign(
    async (ms: number) => {
      waits.push(ms)
    },
    { waits },
  )
  return f
}

/** An InvokeCommand success body. */
export function page(
  value: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { '@odata.context': 'x', value, ...extra }
}
