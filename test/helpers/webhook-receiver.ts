/**
 * A loopback webhook receiver for the monitor's tests: it keeps the alerts whose HMAC signature
 * verifies (webhook.ts's verifySignature) and counts the ones it refuses.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Alert } from '../../src/app/monitor/alert.js'
import { verifySignature } from '../../src/app/monitor/webhook.js'

/** A listening receiver: its URL, what it kept, and close(). */
export interface WebhookReceiver {
  url: string
  verified: Alert[]
  refused(): number
  close(): Promise<void>
}

/**
 * Starts a receiver on 127.0.0.1 checking signatures with `secret`. With `senderClock`, a
 * signature's age is judged by the sender's own timestamp (a test that moves its clock).
 */
export async function webhookReceiver(
  secret: string,
  opts: { senderClock?: boolean } = {},
): Promise<WebhookReceiver> {
  const verified: Alert[] = []
  let refused = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const timestamp = req.headers['x-passage-timestamp'] as string | undefined
      const ok = verifySignature(
        secret,
        { timestamp, signature: req.headers['x-passage-signature'] as string | undefined },
        body,
        opts.senderClock ? { nowMs: Number(timestamp) * 1000 } : undefined,
      )
      if (ok) verified.push((JSON.parse(body) as { alert: Alert }).alert)
      else refused++
      res.writeHead(ok ? 204 : 401).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/passage`,
    verified,
    refused: () => refused,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
