import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpClient, HttpFailure } from './http.js'

// A server that answers the first request on a connection, and resets the connection on the
// second one after reading it (as a proxy can after the backend acted on it).
let server: Server
let url = ''
const seen: string[] = []
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push(body)
      if (body === 'second') req.socket.destroy()
      else res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('a reset connection', () => {
  it('may have been received, even on a reused keep-alive socket', async () => {
    const http = createHttpClient()
    try {
      expect((await http.request({ method: 'POST', url, body: 'first' })).text).toBe('ok')
      const e = await http.request({ method: 'POST', url, body: 'second' }).then(
        () => null,
        (x: unknown) => x,
      )
      expect(seen).toEqual(['first', 'second'])
      expect(e).toBeInstanceOf(HttpFailure)
      expect(e).toMatchObject({ kind: 'reset', maybeReceived: true })
    } finally {
      http.close()
    }
  })
})
