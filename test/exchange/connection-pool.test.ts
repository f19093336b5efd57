/**
 * The process's connection pool (http.ts createHttpClient): a fleet worker opens a client per
 * tenant, all to the same host. Clients that trust the same CA share keep-alive connections
 * (the server's handshakes are not made again per client), never across CAs; each client keeps
 * its own cap on requests at once, and close() cuts its own requests on the wire only.
 */
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpClient, HttpFailure } from '../../src/exchange/http.js'
import { ensureCertificates } from '../../src/sandbox/tls/index.js'

let server: Server
let base = ''
let caPem = ''
/** Per TLS connection the server accepted: whether it resumed a session. */
const handshakes: boolean[] = []
let running = 0
let mostAtOnce = 0

beforeAll(async () => {
  const certs = await ensureCertificates(null)
  caPem = certs.caPem
  server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    running++
    mostAtOnce = Math.max(mostAtOnce, running)
    const done = () => {
      running--
      res.end('ok')
    }
    if (req.url === '/slow') setTimeout(done, 300)
    else done()
  })
  server.on('secureConnection', (s: TLSSocket) => handshakes.push(s.isSessionReused()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `https://localhost:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  return new Promise<void>((resolve) => server.close(() => resolve()))
})

describe('connections shared by the clients of one CA', () => {
  it("reuses another client's idle connection with the same CA, never one made under another CA", async () => {
    const sameCa = `${caPem}\n`
    const before = handshakes.length
    for (let i = 0; i < 3; i++) {
      const client = createHttpClient({ ca: sameCa })
      expect((await client.request({ method: 'GET', url: `${base}/` })).text).toBe('ok')
      client.close()
    }
    // Three clients, one connection: one full handshake.
    expect(handshakes.slice(before)).toEqual([false])
    // Another CA (here the same certificate given as other text: another trust store) has its own
    // connections, with a full handshake and the chain checked again.
    const other = createHttpClient({ ca: `${caPem}\n\n` })
    expect((await other.request({ method: 'GET', url: `${base}/` })).text).toBe('ok')
    expect(handshakes.slice(before)).toEqual([false, false])
  })

  it('keeps each client to its own number of requests at once', async () => {
    const one = createHttpClient({ ca: caPem, maxSockets: 1 })
    mostAtOnce = 0
    const t0 = Date.now()
    await Promise.all([1, 2].map(() => one.request({ method: 'GET', url: `${base}/slow` })))
    expect(mostAtOnce).toBe(1)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(590)
    // Another client is not held up by it.
    const a = createHttpClient({ ca: caPem, maxSockets: 1 })
    const b = createHttpClient({ ca: caPem, maxSockets: 1 })
    mostAtOnce = 0
    await Promise.all([a, b].map((c) => c.request({ method: 'GET', url: `${base}/slow` })))
    expect(mostAtOnce).toBe(2)
  })

  it("close() cuts the client's own requests on the wire, not another client's", async () => {
    const a = createHttpClient({ ca: caPem })
    const b = createHttpClient({ ca: caPem })
    const cut = a.request({ method: 'GET', url: `${base}/slow` }).then(
      () => null,
      (e: unknown) => e,
    )
    const kept = b.request({ method: 'GET', url: `${base}/slow` })
    await new Promise((r) => setTimeout(r, 100))
    a.close()
    expect(await cut).toBeInstanceOf(HttpFailure)
    expect(await cut).toMatchObject({ kind: 'reset', maybeReceived: true })
    expect((await kept).text).toBe('ok')
    // A closed client can still send, as before (on a connection of the pool).
    expect((await a.request({ method: 'GET', url: `${base}/` })).text).toBe('ok')
  })
})
