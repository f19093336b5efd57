import { evaluate, parseTestMessage } from '../../core/evaluator/index.js'
import type { RecipientEvaluation, TestMessage } from '../../core/evaluator/index.js'
import type { SandboxDelivery, SandboxMessage, SandboxTenant } from '../contracts.js'
import { headerBlock } from './eml.js'
import { asMessageInputError } from './errors.js'
import { quarantineTypeOf } from './quarantine-type.js'

const DAY_MS = 24 * 60 * 60 * 1000
/** Quarantine keeps a message this long unless its quarantine policy says otherwise. */
const DEFAULT_RETENTION_DAYS = 30

/** Message trace status of each evaluator action (reference §3.13). */
const STATUS: Record<RecipientEvaluation['action'], string> = {
  inbox: 'Delivered',
  junk: 'FilteredAsSpam',
  quarantine: 'Quarantined',
  dropped: 'Failed',
  rejected: 'Failed',
}

function retentionDays(tenant: SandboxTenant, policy: string | null): number {
  const p = tenant.snapshot.state.quarantinePolicies.find(
    (q) => q.Name.toLowerCase() === (policy ?? '').toLowerCase(),
  )
  return p?.QuarantineRetentionDays ?? DEFAULT_RETENTION_DAYS
}

function headersFor(
  message: TestMessage,
  messageId: string,
  now: Date,
  r: RecipientEvaluation,
): string {
  const pairs: [string, string][] = [
    [
      'Received',
      `from [${message.connectingIp}] by sandbox.protection.outlook.com; ${now.toUTCString()}`,
    ],
    [
      'From',
      message.fromName ? `"${message.fromName}" <${message.headerFrom}>` : message.headerFrom,
    ],
    ['To', r.recipient],
    ['Subject', message.subject],
    ['Date', now.toUTCString()],
    ['Message-ID', messageId],
    ['Return-Path', message.mailFrom],
  ]
  const own = new Set(pairs.map(([n]) => n.toLowerCase()))
  for (const [n, v] of Object.entries(message.headers))
    if (!own.has(n.toLowerCase()) && !/^x-ms-exchange-(organization|forest)-/i.test(n))
      pairs.push([n, v])
  // What EOP and mail flow rules stamp; nothing for a dropped or rejected copy. An IP Allow List
  // hit reads IPV:CAL with SFV:SKN, as real EOP stamps it (ms-rule: sandbox.stamp-ip-allow).
  for (const [n, v] of Object.entries(r.headers?.all ?? {})) {
    const i = pairs.findIndex(([k]) => k.toLowerCase() === n.toLowerCase())
    if (i >= 0) pairs[i] = [n, v]
    else pairs.push([n, v])
  }
  return headerBlock(pairs)
}

/**
 * Delivers a test message into a sandbox tenant: validates it (MessageInputError on bad input),
 * asks core's evaluator where each recipient's copy lands, and records the message with each
 * copy's trace status, quarantine identity and stamped headers in `tenant.mail`.
 */
export function deliverMessage(
  tenant: SandboxTenant,
  input: unknown,
  now: Date,
  newId: () => string,
): SandboxMessage {
  let message: TestMessage
  try {
    message = parseTestMessage(input)
  } catch (e) {
    asMessageInputError(e)
  }
  const evaluation = evaluate(tenant.snapshot, message, { now: now.toISOString() })
  const id = newId()
  const senderDomain = message.mailFrom.slice(message.mailFrom.lastIndexOf('@') + 1)
  const given = Object.entries(message.headers).find(([n]) => n.toLowerCase() === 'message-id')
  const messageId = given?.[1] ?? `<${id}@${senderDomain}>`
  const recipients = evaluation.recipients.map((r): SandboxDelivery => {
    const quarantined = r.action === 'quarantine'
    return {
      recipient: r.recipient,
      action: r.action,
      status: STATUS[r.action],
      quarantineIdentity: quarantined ? `${id}\\${newId()}` : null,
      quarantineType: quarantined ? quarantineTypeOf(r) : null,
      quarantinePolicy: quarantined ? r.quarantinePolicy : null,
      released: false,
      expiresAt: quarantined
        ? new Date(now.getTime() + retentionDays(tenant, r.quarantinePolicy) * DAY_MS).toISOString()
        : null,
      headers: headersFor(message, messageId, now, r),
    }
  })
  const size = Math.max(...recipients.map((r) => r.headers.length)) + 200
  const record: SandboxMessage = {
    id,
    messageId,
    receivedAt: now.toISOString(),
    senderAddress: message.mailFrom,
    subject: message.subject,
    fromIp: message.connectingIp,
    size,
    recipients,
  }
  tenant.mail.messages.push(record)
  return record
}
