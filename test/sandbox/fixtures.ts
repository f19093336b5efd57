/** Shared fixtures for the sandbox tests: the seeded tenants, test messages, sign-in caching. */
import { join } from 'node:path'
import type { RunningSandbox } from '../../src/sandbox/index.js'
import { GRAPH_CLI_CLIENT } from '../../src/sandbox/identity/scopes.js'
import { testTmp } from '../helpers/temp-dir.js'
import { deviceCodeToken, EXO_SCOPE } from './helpers.js'

/**
 * Where test sandboxes keep their CA, server certificate and signing key: one folder per test
 * process, so that each start does not generate three RSA keys again.
 */
export const TEST_CERTS = join(testTmp(), `passage-sandbox-test-certs-${process.pid}`)

/** The seeded tenants (from examples/). */
export const EOP = { id: '9a2d802f-60c3-467f-b3ef-4ac53ec2fb0d', name: 'fabrikam.onmicrosoft.com' }
export const P2 = { id: 'fd46b0cc-ba27-4bee-ac95-13bad50640e3', name: 'contoso.onmicrosoft.com' }
export const GW = {
  id: 'd03b82dc-4553-48a6-9dc6-6947743824e4',
  name: 'northwindtraders.onmicrosoft.com',
}

/** The seeded admins' local parts. */
export const who = {
  global: 'admin',
  exchange: 'exchange',
  security: 'security',
  reader: 'reader',
  user: 'user',
  blocked: 'blocked',
} as const

/** Caches device-code tokens per sandbox, tenant, user and scope. */
export function tokenCache(sb: () => RunningSandbox) {
  const cache = new Map<string, Promise<string>>()
  return (tenant: { id: string; name: string }, local: string, scope = EXO_SCOPE) => {
    const key = `${tenant.id}|${local}|${scope}`
    let t = cache.get(key)
    if (!t) {
      // Graph takes its own public client (the Exchange Online PowerShell one is refused).
      const client = /graph\.microsoft\.com/i.test(scope) ? GRAPH_CLI_CLIENT : undefined
      t = deviceCodeToken(sb(), tenant.id, `${local}@${tenant.name}`, scope, client).then(
        (r) => r.access_token,
      )
      cache.set(key, t)
    }
    return t
  }
}

/** A test message (evaluator format) the filters call high-confidence phish: quarantined. */
export function phishMessage(to: string, subject = 'Your mailbox is full') {
  return {
    connectingIp: '198.51.100.25',
    mailFrom: 'it-support@phish.example.net',
    headerFrom: 'it-support@phish.example.net',
    auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
    recipients: [to],
    subject,
    detections: ['high-confidence-phish'],
  }
}

/** A clean message. */
export function cleanMessage(to: string, subject = 'Hello from a vendor') {
  return {
    connectingIp: '203.0.113.7',
    mailFrom: 'hello@vendor.example.org',
    headerFrom: 'hello@vendor.example.org',
    auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
    recipients: [to],
    subject,
  }
}
