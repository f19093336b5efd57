/**
 * Where a monitor's alerts go, as data that may be kept (in a schedule's job, in a file): a
 * webhook and/or e-mail, each naming where its secret is (an environment variable or a file),
 * never the secret itself. `sinksOf` turns it into sinks, reading the webhook's secret at once so
 * that a missing one is said before any tenant is read.
 */
import { z } from 'zod'
import { PassageError } from '../../core/errors/index.js'
import type { AlertSink } from './alert.js'
import { emailSink } from './email.js'
import { readSecret } from './secret-source.js'
import { webhookSink } from './webhook.js'

const SecretSourceSchema = z
  .object({ env: z.string().min(1).optional(), file: z.string().min(1).optional() })
  .strict()
  .refine((s) => Boolean(s.env) !== Boolean(s.file), 'name an environment variable or a file')

/** A monitor's alert channels (no secret in it: see the module comment). */
export const AlertSpec = z
  .object({
    webhook: z
      .object({ url: z.string().min(1), secret: SecretSourceSchema })
      .strict()
      .optional(),
    email: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65_535),
        secure: z.boolean().optional(),
        from: z.string().min(3),
        to: z.array(z.string().min(3)).min(1),
        user: z.string().min(1).optional(),
        password: SecretSourceSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
export type AlertSpec = z.infer<typeof AlertSpec>

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost'])

/**
 * The webhook's URL, checked: https, or http to this machine only (an alert names tenants and
 * what is wrong with their mail protection; it is not sent in clear over a network).
 */
export function webhookUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `The webhook URL '${text.slice(0, 80)}' is not a URL.`,
    )
  }
  if (url.username || url.password)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      'The webhook URL carries a user name or password: give the signing secret with --webhook-secret-env or --webhook-secret-file instead.',
    )
  if (url.protocol === 'https:') return url.toString()
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return url.toString()
  throw new PassageError(
    'PASSAGE_E_INPUT',
    `The webhook URL must be https (plain http only to this machine), got ${url.protocol}//${url.host}.`,
  )
}

/** The sinks of a spec (see the module comment). */
export function sinksOf(spec: AlertSpec, environ: NodeJS.ProcessEnv = process.env): AlertSink[] {
  const sinks: AlertSink[] = []
  if (spec.webhook) {
    const secret = readSecret(spec.webhook.secret, 'The webhook signing secret', environ)
    sinks.push(webhookSink({ url: webhookUrl(spec.webhook.url), secret }))
  }
  if (spec.email) {
    const e = spec.email
    if (e.user && !e.password)
      throw new PassageError(
        'PASSAGE_E_INPUT',
        'An SMTP user needs its password: --smtp-password-env or --smtp-password-file.',
      )
    // Read now so a missing password is said before any tenant is read; the sink reads it again.
    if (e.password) readSecret(e.password, 'The SMTP password', environ)
    sinks.push(
      emailSink(
        {
          host: e.host,
          port: e.port,
          from: e.from,
          to: e.to,
          ...(e.secure !== undefined ? { secure: e.secure } : {}),
          ...(e.user ? { user: e.user } : {}),
          ...(e.password ? { password: e.password } : {}),
        },
        environ,
      ),
    )
  }
  return sinks
}
