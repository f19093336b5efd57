import type { SandboxDelivery, SandboxMessage } from '../contracts.js'

/** Joins header name/value pairs into a CRLF header block (no trailing blank line). */
export function headerBlock(headers: readonly (readonly [string, string])[]): string {
  return headers.map(([n, v]) => `${n}: ${v.replace(/\r?\n/g, ' ')}`).join('\r\n')
}

/** The body every sandbox copy carries: test messages have no real content. */
export function sandboxBody(message: SandboxMessage, delivery: SandboxDelivery): string {
  return [
    'This is a passage sandbox test message.',
    `Recipient: ${delivery.recipient}`,
    `Fate: ${delivery.action} (${delivery.status})`,
    `Sandbox id: ${message.id}`,
    '',
  ].join('\r\n')
}

/** The .eml text of one recipient's copy: its header block, a blank line and a small text body. */
export function renderEml(message: SandboxMessage, recipient: string): string {
  const delivery = message.recipients.find(
    (r) => r.recipient.toLowerCase() === recipient.trim().toLowerCase(),
  )
  if (!delivery) throw new Error(`message ${message.id} has no recipient '${recipient}'`)
  return `${delivery.headers}\r\n\r\n${sandboxBody(message, delivery)}`
}
