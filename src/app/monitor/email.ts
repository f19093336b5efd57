/**
 * Alerts by e-mail through SMTP (nodemailer): a plain-text message per alert. The SMTP password is
 * read from the environment variable or file the options name (secret-source.ts), when sending,
 * and never kept or shown.
 */
import nodemailer from 'nodemailer'
import type { Alert, AlertSink } from './alert.js'
import { alertSubject, alertText } from './alert.js'
import { readSecret, type SecretSource } from './secret-source.js'

/** Options of an e-mail sink. */
export interface EmailOptions {
  host: string
  port: number
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean
  /** Refuse to send unless the server upgrades to TLS (STARTTLS). Default: true unless loopback. */
  requireTls?: boolean
  from: string
  to: string[]
  /** The SMTP user, when the server wants a login; its password from `password`. */
  user?: string
  password?: SecretSource
  /** Extra CA certificates (PEM) to trust. */
  ca?: string
  /** Per connection; default 20 s. */
  timeoutMs?: number
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/** A sink that mails each alert as plain text. */
export function emailSink(opts: EmailOptions, environ: NodeJS.ProcessEnv = process.env): AlertSink {
  return {
    name: `email ${opts.to.join(', ')} via ${opts.host}:${opts.port}`,
    async send(alert: Alert) {
      const pass =
        opts.user && opts.password ? readSecret(opts.password, 'SMTP password', environ) : undefined
      const transport = nodemailer.createTransport({
        host: opts.host,
        port: opts.port,
        secure: opts.secure ?? false,
        requireTLS: opts.requireTls ?? !LOOPBACK.has(opts.host),
        ...(opts.user && pass ? { auth: { user: opts.user, pass } } : {}),
        ...(opts.ca ? { tls: { ca: [opts.ca] } } : {}),
        connectionTimeout: opts.timeoutMs ?? 20_000,
        greetingTimeout: opts.timeoutMs ?? 20_000,
        socketTimeout: opts.timeoutMs ?? 20_000,
        logger: false,
        debug: false,
      })
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: opts.to,
          subject: alertSubject(alert),
          date: new Date(alert.at),
          text: alertText(alert),
        })
        return { ok: true, detail: `accepted for ${info.accepted.length} recipient(s)` }
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e)
        // nodemailer's messages name the server's answer, not the password; strip it anyway.
        return { ok: false, detail: pass ? message.split(pass).join('[redacted]') : message }
      } finally {
        transport.close()
      }
    },
  }
}
