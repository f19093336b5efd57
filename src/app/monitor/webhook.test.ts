import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Alert } from './alert.js'
import { postSigned, retryAfterMs, signature, verifySignature, webhookSink } from './webhook.js'

const SECRET = 'whsec-test-0123456789'
const NOW = Date.parse('2026-12-05T06:00:00.000Z')
const clock = () => new Date(NOW)

interface Received {
  headers: IncomingMessage['headers']
  body: string
  verified: boolean
}

/** A loopback receiver that answers with `statuses` in turn (then 200) and verifies each body. */
async function receiver(statuses: { status: number; headers?: Record<string, string> }[] = []) {
  const got: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const verified = verifySignature(
        SECRET,
        {
          timestamp: req.headers['x-passage-timestamp'] as string | undefined,
          signature: req.headers['x-passage-signature'] as string | undefined,
        },
        body,
        { nowMs: NOW },
      )
      got.push({ headers: req.headers, body, verified })
      const next = statuses.shift() ?? { status: 200 }
      res.writeHead(next.status, next.headers ?? {}).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hook?token=abc`, got, close: () => server.close() }
}

const open: { close(): void }[] = []
afterEach(() => {
  for (const o of open.splice(0)) o.close()
})

const ALERT: Alert = {
  kind: 'drifted',
  tenantId: 't1',
  tenantName: 'contoso.onmicrosoft.com',
  vendor: 'contactmonkey',
  vendorName: 'ContactMonkey',
  state: 'drifted',
  previousState: 'green',
  explanation: 'Changed outside passage.',
  fix: 'Re-apply.',
  reasons: [],
  fingerprint: 'f',
  at: '2026-12-05T06:00:00.000Z',
}

describe('webhook', () => {
  it('POSTs the alert as JSON with an HMAC-SHA256 of "<timestamp>.<body>" the receiver verifies', async () => {
    const r = await receiver()
    open.push(r)
    const sink = webhookSink({ url: r.url, secret: SECRET, now: clock })
    expect(await sink.send(ALERT)).toMatchObject({ ok: true })
    expect(r.got).toHaveLength(1)
    const [d] = r.got
    expect(d!.verified).toBe(true)
    expect(d!.headers['x-passage-timestamp']).toBe(String(NOW / 1000))
    expect(d!.headers['x-passage-signature']).toBe(signature(SECRET, String(NOW / 1000), d!.body))
    expect(JSON.parse(d!.body)).toEqual({ type: 'passage.monitor.alert', version: 1, alert: ALERT })
    // The sink's name shows where it sends, without the query (a token may be there).
    expect(sink.name).toBe(`webhook ${r.url.replace('?token=abc', '')}`)
  })

  it('retries a 503 (honouring Retry-After) then succeeds: two deliveries, one delivery id', async () => {
    const r = await receiver([{ status: 503, headers: { 'retry-after': '2' } }])
    open.push(r)
    const waits: number[] = []
    const res = await postSigned(
      { url: r.url, secret: SECRET, now: clock, sleep: async (ms) => void waits.push(ms) },
      { hello: 1 },
    )
    expect(res).toEqual({ ok: true, attempts: 2, status: 200 })
    expect(waits).toEqual([2000])
    expect(r.got.map((g) => g.verified)).toEqual([true, true])
    expect(r.got[0]!.headers['x-passage-delivery']).toBe(r.got[1]!.headers['x-passage-delivery'])
  })

  it('backs off exponentially on 5xx/429 up to maxAttempts, and never says the secret', async () => {
    const r = await receiver([{ status: 500 }, { status: 429 }, { status: 502 }])
    open.push(r)
    const waits: number[] = []
    const res = await postSigned(
      {
        url: r.url,
        secret: SECRET,
        now: clock,
        maxAttempts: 3,
        baseDelayMs: 100,
        sleep: async (ms) => void waits.push(ms),
      },
      {},
    )
    expect(res).toMatchObject({ ok: false, attempts: 3, status: 502 })
    expect(waits).toEqual([100, 200])
    expect(JSON.stringify(res)).not.toContain(SECRET)
  })

  it('does not retry a 4xx other than 429', async () => {
    const r = await receiver([{ status: 401 }])
    open.push(r)
    const res = await postSigned(
      { url: r.url, secret: SECRET, now: clock, sleep: async () => {} },
      {},
    )
    expect(res).toMatchObject({ ok: false, attempts: 1, status: 401 })
  })

  it('retries a network failure (nothing listening) and reports it', async () => {
    const r = await receiver()
    r.close()
    const waits: number[] = []
    const res = await postSigned(
      {
        url: r.url,
        secret: SECRET,
        maxAttempts: 2,
        baseDelayMs: 5,
        sleep: async (ms) => void waits.push(ms),
      },
      {},
    )
    expect(res).toMatchObject({ ok: false, attempts: 2, status: null })
    expect(res.error).toMatch(/^no answer/)
    expect(waits).toEqual([5])
  })

  it('verifySignature refuses a changed body, another secret, and a timestamp over 5 minutes old', () => {
    const ts = String(NOW / 1000)
    const sig = signature(SECRET, ts, '{"a":1}')
    expect(
      verifySignature(SECRET, { timestamp: ts, signature: sig }, '{"a":1}', { nowMs: NOW }),
    ).toBe(true)
    expect(
      verifySignature(SECRET, { timestamp: ts, signature: sig }, '{"a":2}', { nowMs: NOW }),
    ).toBe(false)
    expect(
      verifySignature('other', { timestamp: ts, signature: sig }, '{"a":1}', { nowMs: NOW }),
    ).toBe(false)
    expect(
      verifySignature(SECRET, { timestamp: ts, signature: sig }, '{"a":1}', {
        nowMs: NOW + 301_000,
      }),
    ).toBe(false)
  })

  it('retryAfterMs reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3', NOW)).toBe(3000)
    expect(retryAfterMs(new Date(NOW + 10_000).toUTCString(), NOW)).toBe(10_000)
    expect(retryAfterMs('soon', NOW)).toBeNull()
  })
})
