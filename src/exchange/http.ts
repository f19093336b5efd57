/**
 * One HTTP(S) request, on node:https with an Agent that trusts an extra CA when given one.
 *
 * Why not `fetch`: Node 20's fetch takes a `dispatcher`, but the only way to build one that trusts
 * a CA is undici's `Agent`, which Node bundles internally without exporting it; using it would
 * mean adding undici as a dependency. node:https takes `ca` on an Agent natively, scoped to the
 * connections made through that Agent, with no process-wide switch. The same function serves the
 * admin API, Graph and msal's network module (auth.ts), so all three trust the same CA.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls'
import { gunzipSync, inflateSync } from 'node:zlib'
import { Semaphore } from './semaphore.js'

/** A request to send. */
export interface HttpRequest {
  method: 'GET' | 'POST'
  url: string
  headers?: Record<string, string>
  body?: string
  /** Aborts the request (the caller's overall deadline or cancellation). */
  signal?: AbortSignal
  /** Time-out of this one attempt, in ms (no time-out when absent). */
  timeoutMs?: number
}

/** A response, its body read as text. Header names are lower case. */
export interface HttpResponse {
  status: number
  headers: Record<string, string>
  text: string
}

/** Why a request got no response. */
export type HttpFailureKind = 'timeout' | 'aborted' | 'connect' | 'reset' | 'tls' | 'other'

/** A request that got no HTTP response (connection refused or reset, time-out, abort, TLS). */
export class HttpFailure extends Error {
  override readonly name = 'HttpFailure'
  constructor(
    message: string,
    readonly kind: HttpFailureKind,
    /** The system error code (ECONNRESET, ...), when there is one. */
    readonly code: string | undefined,
    /**
     * False when the server cannot have acted on the request (refused before connecting, TLS
     * failure). A reset, even of a reused keep-alive socket, may come after the server acted.
     */
    readonly maybeReceived: boolean,
  ) {
    super(message)
  }
}

/** Sends HTTP requests. */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>
  /** Closes idle connections. */
  close(): void
}

/** Responses larger than this are refused (Exchange pages are at most a few MB). */
const MAX_BODY = 64 * 1024 * 1024

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
])
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT'])

const secureContexts = new Map<string, SecureContext>()

/** The TLS secure context trusting Node's roots and `ca`, made once per CA in this process. */
function secureContextFor(ca: string): SecureContext {
  let ctx = secureContexts.get(ca)
  if (!ctx) {
    ctx = createSecureContext({ ca: [...rootCertificates, ca] })
    secureContexts.set(ca, ctx)
  }
  return ctx
}

/** An https Agent: keep-alive, at most maxSockets per host, trusting `ca` besides Node's roots. */
function createHttpsAgent(opts: { ca?: string; maxSockets?: number }): HttpsAgent {
  return new HttpsAgent({
    keepAlive: true,
    maxSockets: opts.maxSockets ?? 16,
    // Node's roots plus the given CA: a sandbox CA (or a corporate TLS proxy's) for these
    // connections only, without losing Microsoft's public roots. One secure context per CA, made
    // once: building it from ~145 roots costs tens of ms, which a `ca` option pays per connection.
    // The Agent keeps the TLS sessions its connections were given and resumes them on new ones.
    ...(opts.ca ? { secureContext: secureContextFor(opts.ca) } : {}),
  })
}

/** The connection pools of this process, one per CA (see createHttpClient). */
const pools = new Map<string, { https: HttpsAgent; http: HttpAgent }>()

function poolFor(ca: string | undefined): { https: HttpsAgent; http: HttpAgent } {
  const id = ca ?? ''
  let pool = pools.get(id)
  if (!pool) {
    pool = {
      https: createHttpsAgent({ ...(ca ? { ca } : {}), maxSockets: Infinity }),
      http: new HttpAgent({ keepAlive: true }),
    }
    pools.set(id, pool)
  }
  return pool
}

/**
 * Creates a client; with `ca`, TLS trusts that CA besides Node's bundled roots. At most
 * `maxSockets` (16) of its requests are on the wire at once, the rest wait their turn, first come
 * first served (what an Agent of its own with that many sockets did).
 *
 * Its connections come from the process's keep-alive pool for that CA, shared by every client:
 * a fleet worker opens a client per tenant, all to the same hosts, and each one's first requests
 * opened new TLS connections (a seventh of a worker's CPU in bench/fleet.ts, and the sandbox's
 * handshakes on its side), where an idle connection to the same host was waiting. A connection
 * carries no identity (each request has its own Authorization header), so any client's request
 * may go on it. `close()` cuts this client's requests still on the wire (as destroying its own
 * Agent did); idle connections stay in the pool (Node's Agent unrefs them: they keep no process
 * alive) until the server or the pool's keep-alive closes them.
 */
export function createHttpClient(opts: { ca?: string; maxSockets?: number } = {}): HttpClient {
  const pool = poolFor(opts.ca)
  const cap = opts.maxSockets ?? 16
  const gate = new Semaphore(
    cap === Infinity ? Number.MAX_SAFE_INTEGER : Math.max(1, Math.floor(cap)),
  )
  const onWire = new Set<ClientRequest>()
  return {
    request: (req) =>
      send(req, req.url.startsWith('https:') ? pool.https : pool.http, { gate, onWire }),
    close() {
      for (const r of [...onWire]) r.destroy()
      onWire.clear()
    },
  }
}

/** A client's share of the pool: its cap on requests at once, and its requests on the wire. */
interface ClientShare {
  gate: Semaphore
  onWire: Set<ClientRequest>
}

function send(
  req: HttpRequest,
  agent: HttpAgent | HttpsAgent,
  share: ClientShare,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(req.url)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      reject(new HttpFailure(`Unsupported URL scheme ${url.protocol}`, 'other', undefined, false))
      return
    }
    if (req.signal?.aborted) {
      reject(new HttpFailure('The request was cancelled.', 'aborted', undefined, false))
      return
    }
    const headers: Record<string, string> = {
      'accept-encoding': 'gzip, deflate',
      ...lowerKeys(req.headers ?? {}),
    }
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8')
    if (body) headers['content-length'] = String(body.length)
    const make = url.protocol === 'https:' ? httpsRequest : httpRequest
    let settled = false
    let timer: NodeJS.Timeout | undefined
    let r: ClientRequest | undefined
    let release: (() => void) | undefined
    const finish = (err: HttpFailure | null, res?: HttpResponse) => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      req.signal?.removeEventListener('abort', onAbort)
      if (r) share.onWire.delete(r)
      release?.()
      if (err) reject(err)
      else if (res) resolve(res)
    }
    const onAbort = () => {
      finish(new HttpFailure('The request was cancelled.', 'aborted', undefined, true))
      r?.destroy()
    }
    req.signal?.addEventListener('abort', onAbort, { once: true })
    // The time-out counts from here, a wait for the client's turn included (as a wait for one of
    // its Agent's sockets was).
    if (req.timeoutMs !== undefined && req.timeoutMs > 0) {
      timer = setTimeout(() => {
        finish(
          new HttpFailure(
            `No response within ${Math.round(req.timeoutMs! / 1000)} s.`,
            'timeout',
            undefined,
            true,
          ),
        )
        r?.destroy()
      }, req.timeoutMs)
    }
    const go = (free: () => void) => {
      if (settled) return free()
      release = free
      const made = make(url, { method: req.method, headers, agent }, (res) => read(res, finish))
      r = made
      share.onWire.add(made)
      made.on('error', (e: NodeJS.ErrnoException) => finish(classify(e)))
      made.on('close', () => share.onWire.delete(made))
      made.end(body)
    }
    share.gate.acquire().then(go, () => {})
  })
}

function read(
  res: IncomingMessage,
  finish: (err: HttpFailure | null, res?: HttpResponse) => void,
): void {
  const chunks: Buffer[] = []
  let size = 0
  res.on('data', (c: Buffer) => {
    size += c.length
    if (size > MAX_BODY) {
      finish(new HttpFailure('The response is too large.', 'other', undefined, true))
      res.destroy()
      return
    }
    chunks.push(c)
  })
  res.on('error', (e: NodeJS.ErrnoException) => finish(classify(e)))
  res.on('close', () => {
    if (!res.complete)
      finish(new HttpFailure('The connection closed mid-response.', 'reset', 'ECONNRESET', true))
  })
  res.on('end', () => {
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
    finish(null, {
      status: res.statusCode ?? 0,
      headers,
      // A body that came in one chunk is decoded as it is (Buffer.concat would copy it).
      text: decode(
        chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
        headers['content-encoding'],
      ).toString('utf8'),
    })
  })
}

/**
 * Decompresses a body. Some Exchange error bodies claim gzip but are not compressed (reference
 * §1.4): when decompression fails, the bytes are used as they are.
 */
function decode(buf: Buffer, encoding: string | undefined): Buffer {
  const e = (encoding ?? '').trim().toLowerCase()
  if (buf.length === 0 || (e !== 'gzip' && e !== 'deflate')) return buf
  try {
    return e === 'gzip' ? gunzipSync(buf) : inflateSync(buf)
  } catch {
    return buf
  }
}

function classify(e: NodeJS.ErrnoException): HttpFailure {
  const code = e.code
  if (code && CONNECT_CODES.has(code))
    return new HttpFailure(`Cannot connect: ${e.message}`, 'connect', code, false)
  if (
    code &&
    (code.startsWith('ERR_TLS') ||
      /CERT|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME_MISMATCH/.test(code))
  )
    return new HttpFailure(`TLS failure: ${e.message}`, 'tls', code, false)
  if ((code && RESET_CODES.has(code)) || e.message === 'socket hang up')
    return new HttpFailure(
      `The connection was closed: ${e.message}`,
      'reset',
      code ?? 'ECONNRESET',
      // Even on a reused keep-alive socket (Node's documented retry case for
      // `request.reusedSocket`: the server had closed it) the request may have been received and
      // run before the reset, so only an idempotent request is sent again (transport.ts); a write
      // is read back instead of being repeated.
      true,
    )
  return new HttpFailure(e.message, 'other', code, true)
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v
  return out
}
