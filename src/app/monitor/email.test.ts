import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Alert } from './alert.js'
import { emailSink } from './email.js'

/**
 * A tiny loopback SMTP server (RFC 5321's happy path: greeting, EHLO with AUTH PLAIN, MAIL, RCPT,
 * DATA, QUIT) that keeps each message and the credentials it was given.
 */
async function smtpServer() {
  const messages: { from: string; to: string[]; data: string; auth: string | null }[] = []
  const server: Server = createServer((socket: Socket) => {
    let buf = ''
    let inData = false
    let cur = { from: '', to: [] as string[], data: '', auth: null as string | null }
    const say = (l: string) => socket.write(`${l}\r\n`)
    say('220 test ESMTP')
    socket.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8')
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n')
          if (end < 0) return
          cur.data = buf.slice(0, end)
          buf = buf.slice(end + 5)
          inData = false
          messages.push(cur)
          cur = { from: '', to: [], data: '', auth: cur.auth }
          say('250 queued')
          continue
        }
        const nl = buf.indexOf('\r\n')
        if (nl < 0) return
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 2)
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO') say('250-test\r\n250 AUTH PLAIN')
        else if (verb === 'AUTH') {
          cur.auth = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString('utf8')
          say('235 ok')
        } else if (verb === 'MAIL') {
          cur.from = line
          say('250 ok')
        } else if (verb === 'RCPT') {
          cur.to.push(line)
          say('250 ok')
        } else if (verb === 'DATA') {
          inData = true
          say('354 go')
        } else if (verb === 'QUIT') {
          say('221 bye')
          socket.end()
        } else say('250 ok')
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { port: (server.address() as AddressInfo).port, messages, close: () => server.close() }
}

const ALERT: Alert = {
  kind: 'broken',
  tenantId: 't1',
  tenantName: 'contoso.onmicrosoft.com',
  vendor: 'contactmonkey',
  vendorName: 'ContactMonkey',
  state: 'broken',
  previousState: 'green',
  explanation: 'Passage cannot check ContactMonkey in contoso.onmicrosoft.com: consent revoked.',
  fix: 'Ask the Global Administrator to grant consent again.',
  reasons: ['PASSAGE_E_SIGNIN: refused'],
  fingerprint: 'f',
  at: '2026-12-05T06:00:00.000Z',
}

const open: { close(): void }[] = []
afterEach(() => {
  for (const o of open.splice(0)) o.close()
})

describe('e-mail alerts (nodemailer over SMTP)', () => {
  it('sends one plain-text message with the explanation and the fix', async () => {
    const smtp = await smtpServer()
    open.push(smtp)
    const sink = emailSink({
      host: '127.0.0.1',
      port: smtp.port,
      from: 'passage@msp.example',
      to: ['ops@msp.example'],
    })
    expect(await sink.send(ALERT)).toMatchObject({ ok: true })
    expect(smtp.messages).toHaveLength(1)
    const m = smtp.messages[0]!
    // Unfold the headers and undo quoted-printable's soft line breaks.
    const data = m.data.replace(/\r\n[ \t]+/g, ' ').replace(/=\r\n/g, '')
    expect(m.to).toEqual(['RCPT TO:<ops@msp.example>'])
    expect(data).toContain(
      'Subject: [passage] ContactMonkey in contoso.onmicrosoft.com: cannot be checked',
    )
    expect(data).toMatch(/Content-Type: text\/plain/i)
    // Dated by the clock passed in (the alert's time), not the machine's.
    expect(data).toContain('Date: Sat, 05 Dec 2026 06:00:00 +0000')
    expect(data).toContain('What to do: Ask the Global Administrator to grant consent again.')
  })

  it('logs in with the password read from the environment variable named, and never keeps it', async () => {
    const smtp = await smtpServer()
    open.push(smtp)
    const sink = emailSink(
      {
        host: '127.0.0.1',
        port: smtp.port,
        from: 'passage@msp.example',
        to: ['ops@msp.example'],
        user: 'alerts',
        password: { env: 'SMTP_PW' },
      },
      { SMTP_PW: 'pw-from-env' },
    )
    expect(await sink.send(ALERT)).toMatchObject({ ok: true })
    expect(smtp.messages[0]!.auth).toBe('\u0000alerts\u0000pw-from-env')
    expect(JSON.stringify(sink)).not.toContain('pw-from-env')
  })

  it('reports a server that is not there as not sent (the alert stays owed)', async () => {
    const smtp = await smtpServer()
    smtp.close()
    const sink = emailSink({
      host: '127.0.0.1',
      port: smtp.port,
      from: 'passage@msp.example',
      to: ['ops@msp.example'],
      timeoutMs: 2000,
    })
    expect(await sink.send(ALERT)).toMatchObject({ ok: false })
  })
})
