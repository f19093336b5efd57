/** Get-QuarantineMessage and Release-QuarantineMessage over the sandbox's mail (reference §3.12). */
import {
  QUARANTINE_TYPES,
  findQuarantined,
  quarantinedCopies,
  type MailCopy,
} from '../mail/index.js'
import { ambiguousParameterSet, invalidArgument, notFound } from './errors.js'
import { P } from './params.js'
import type { CmdletDef, Ctx } from './types.js'

const DAY_MS = 24 * 60 * 60 * 1000
/** Default look-back of Get-QuarantineMessage and the furthest it can go (reference §3.12). */
const DEFAULT_DAYS = 16
const MAX_DAYS = 30

const TYPE_NAMES: Record<string, string> = {
  Bulk: 'Bulk',
  HighConfPhish: 'High Confidence Phish',
  Malware: 'Malware',
  Phish: 'Phish',
  Spam: 'Spam',
  TransportRule: 'Transport Rule',
}

function show(c: MailCopy): Record<string, unknown> {
  const d = c.delivery
  return {
    Identity: d.quarantineIdentity,
    ReceivedTime: c.message.receivedAt,
    MessageId: c.message.messageId,
    SenderAddress: c.message.senderAddress,
    RecipientAddress: [d.recipient],
    Subject: c.message.subject,
    Size: c.message.size,
    Type: TYPE_NAMES[d.quarantineType ?? ''] ?? d.quarantineType,
    QuarantineTypes: d.quarantineType,
    PolicyName: d.quarantinePolicy,
    TagName: d.quarantinePolicy,
    ReleaseStatus: d.released ? 'RELEASED' : 'NOTRELEASED',
    Released: d.released,
    Expires: d.expiresAt,
    Direction: 'Inbound',
    RecipientCount: 1,
  }
}

function inList(value: string, list: string[] | undefined): boolean {
  return !list || list.some((s) => s.trim().toLowerCase() === value.toLowerCase())
}

const getQuarantine: CmdletDef = {
  name: 'Get-QuarantineMessage',
  write: false,
  scope: 'security',
  params: [
    P.identity(false),
    P.int('Page', { min: 1, max: 1000 }),
    P.int('PageSize', { min: 1, max: 1000 }),
    P.strs('SenderAddress'),
    P.strs('RecipientAddress'),
    P.date('StartReceivedDate'),
    P.date('EndReceivedDate'),
    P.strs('QuarantineTypes', {
      values: QUARANTINE_TYPES,
      enumType: 'Microsoft.Exchange.Management.FfoQuarantine.QuarantineMessageTypeEnum',
    }),
    P.str('MessageId'),
    P.enum('ReleaseStatus', 'Microsoft.Exchange.Management.FfoQuarantine.ReleaseStatus', [
      'Approved',
      'Denied',
      'Error',
      'NotReleased',
      'PreparingToRelease',
      'Released',
      'Requested',
    ]),
  ],
  run(ctx, p) {
    const now = ctx.now.getTime()
    const id = p.str('Identity')
    if (id !== undefined) {
      const hit = findQuarantined(ctx.mail, id, ctx.now)
      if (!hit) throw notFound(id)
      return [show(hit)]
    }
    const start = p.date('StartReceivedDate')?.getTime() ?? now - DEFAULT_DAYS * DAY_MS
    const end = p.date('EndReceivedDate')?.getTime() ?? now
    if (start < now - MAX_DAYS * DAY_MS)
      throw invalidArgument(
        `The StartReceivedDate can't be more than ${MAX_DAYS} days in the past.`,
      )
    if (start > end)
      throw invalidArgument('The StartReceivedDate must be earlier than the EndReceivedDate.')
    const status = p.str('ReleaseStatus')
    const rows = quarantinedCopies(ctx.mail, ctx.now).filter((c) => {
      const t = Date.parse(c.message.receivedAt)
      return (
        t >= start &&
        t <= end &&
        inList(c.message.senderAddress, p.strs('SenderAddress')) &&
        inList(c.delivery.recipient, p.strs('RecipientAddress')) &&
        inList(c.delivery.quarantineType ?? '', p.strs('QuarantineTypes')) &&
        (!p.has('MessageId') ||
          c.message.messageId.toLowerCase() === p.req('MessageId').toLowerCase()) &&
        (!status || (status === 'Released') === c.delivery.released)
      )
    })
    // Paging is -Page/-PageSize, not OData: a short page means the end (reference §3.12).
    const size = p.int('PageSize') ?? 100
    const page = p.int('Page') ?? 1
    return rows.slice((page - 1) * size, page * size).map(show)
  },
}

const release: CmdletDef = {
  name: 'Release-QuarantineMessage',
  write: true,
  scope: 'security',
  params: [
    P.identity(),
    P.strs('Identities'),
    P.sw('ReleaseToAll'),
    P.strs('User'),
    P.sw('AllowSender'),
    P.sw('ReportFalsePositive'),
    P.sw('Force'),
    P.enum('ActionType', 'Microsoft.Exchange.Management.FfoQuarantine.ReleaseActionType', [
      'Deny',
      'Release',
      'Request',
    ]),
  ],
  run(ctx: Ctx, p) {
    const toAll = p.sw('ReleaseToAll')
    const users = p.strs('User')
    if (toAll === (users !== undefined)) throw ambiguousParameterSet()
    // With -Identities, -Identity is required but ignored (reference §3.12).
    const ids = p.strs('Identities') ?? [p.req('Identity')]
    for (const id of ids) {
      const copy = findQuarantined(ctx.mail, id, ctx.now)
      if (!copy) throw notFound(id)
      const d = copy.delivery
      if (users && !users.some((u) => u.trim().toLowerCase() === d.recipient.toLowerCase()))
        throw invalidArgument(
          `'${users.join(', ')}' isn't a recipient of the quarantined message '${id}'.`,
        )
      if (d.released && !p.sw('Force'))
        throw invalidArgument(
          `The message '${id}' has already been released. Use -Force to release it again.`,
        )
      if (p.str('ActionType') === 'Deny') continue
      d.released = true
    }
  },
}

/** The quarantine cmdlets. */
export const QUARANTINE_CMDLETS: CmdletDef[] = [getQuarantine, release]
