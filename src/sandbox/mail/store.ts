import type { SandboxDelivery, SandboxMailStore, SandboxMessage } from '../contracts.js'

/** One recipient's copy of a message, with its message. */
export interface MailCopy {
  message: SandboxMessage
  delivery: SandboxDelivery
}

/** Every recipient copy in the store, newest message first, then by recipient. */
export function allCopies(store: SandboxMailStore): MailCopy[] {
  const out: MailCopy[] = []
  for (const message of store.messages)
    for (const delivery of message.recipients) out.push({ message, delivery })
  return out.sort(
    (a, b) =>
      Date.parse(b.message.receivedAt) - Date.parse(a.message.receivedAt) ||
      a.delivery.recipient.localeCompare(b.delivery.recipient),
  )
}

/** The quarantined copies still held at `now` (expired ones are gone, as in Exchange). */
export function quarantinedCopies(store: SandboxMailStore, now: Date): MailCopy[] {
  return allCopies(store).filter(
    (c) =>
      c.delivery.quarantineIdentity !== null &&
      (c.delivery.expiresAt === null || Date.parse(c.delivery.expiresAt) > now.getTime()),
  )
}

/** The copy with this quarantine identity (`<guid>\<guid>`, case-insensitive), if held. */
export function findQuarantined(
  store: SandboxMailStore,
  identity: string,
  now: Date,
): MailCopy | undefined {
  const want = identity.trim().toLowerCase()
  return quarantinedCopies(store, now).find(
    (c) => c.delivery.quarantineIdentity?.toLowerCase() === want,
  )
}
