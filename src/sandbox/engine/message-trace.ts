/** Get-MessageTraceV2 over the sandbox's mail (reference §3.13). */
import { allCopies, type MailCopy } from '../mail/index.js'
import { invalidArgument } from './errors.js'
import { P } from './params.js'
import type { CmdletDef } from './types.js'

const HOUR_MS = 60 * 60 * 1000
const DAY_MS = 24 * HOUR_MS
/** With no dates, the last 48 hours; at most 10 days per query, 90 days back (reference §3.13). */
const DEFAULT_HOURS = 48
const MAX_WINDOW_DAYS = 10
const MAX_AGE_DAYS = 90

const STATUSES = [
  'Delivered',
  'Expanded',
  'Failed',
  'FilteredAsSpam',
  'GettingStatus',
  'Pending',
  'Quarantined',
]

function show(c: MailCopy, tenantName: string): Record<string, unknown> {
  return {
    Organization: tenantName,
    MessageId: c.message.messageId,
    Received: c.message.receivedAt,
    SenderAddress: c.message.senderAddress,
    RecipientAddress: c.delivery.recipient,
    Subject: c.message.subject,
    Status: c.delivery.status,
    ToIP: null,
    FromIP: c.message.fromIp,
    Size: c.message.size,
    MessageTraceId: c.message.id,
  }
}

function inList(value: string, list: string[] | undefined): boolean {
  return !list || list.some((s) => s.trim().toLowerCase() === value.toLowerCase())
}

function subjectMatches(subject: string, want: string, how: string): boolean {
  const s = subject.toLowerCase()
  const w = want.toLowerCase()
  if (how === 'StartsWith') return s.startsWith(w)
  if (how === 'EndsWith') return s.endsWith(w)
  return s.includes(w)
}

/** The message trace cmdlet. */
export const MESSAGE_TRACE_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-MessageTraceV2',
    write: false,
    scope: 'security',
    params: [
      P.date('StartDate'),
      P.date('EndDate'),
      P.strs('SenderAddress'),
      P.strs('RecipientAddress'),
      P.strs('MessageId'),
      P.str('MessageTraceId'),
      P.str('FromIP'),
      P.str('ToIP'),
      P.str('Subject'),
      P.enum('SubjectFilterType', 'Microsoft.Exchange.Management.ReportingTask.SubjectFilterType', [
        'Contains',
        'EndsWith',
        'StartsWith',
      ]),
      P.strs('Status', {
        values: STATUSES,
        enumType: 'Microsoft.Exchange.Management.ReportingTask.MessageTraceStatus',
      }),
      P.int('ResultSize', { min: 1, max: 5000 }),
      P.str('StartingRecipientAddress'),
    ],
    run(ctx, p) {
      const now = ctx.now.getTime()
      const end = p.date('EndDate')?.getTime() ?? now
      const start = p.date('StartDate')?.getTime() ?? end - DEFAULT_HOURS * HOUR_MS
      if (start > end)
        throw invalidArgument('The StartDate value must be earlier than the EndDate value.')
      if (end - start > MAX_WINDOW_DAYS * DAY_MS)
        throw invalidArgument(
          `The time range between StartDate and EndDate can't be more than ${MAX_WINDOW_DAYS} days.`,
        )
      if (start < now - MAX_AGE_DAYS * DAY_MS)
        throw invalidArgument(`The StartDate can't be more than ${MAX_AGE_DAYS} days in the past.`)
      const after = p.str('StartingRecipientAddress')?.trim().toLowerCase()
      const subject = p.str('Subject')
      const rows = allCopies(ctx.mail).filter((c) => {
        const t = Date.parse(c.message.receivedAt)
        if (t < start || t > end) return false
        // Continuation: rows at EndDate come after StartingRecipientAddress (reference §3.13).
        if (after !== undefined && t === end && c.delivery.recipient.toLowerCase() <= after)
          return false
        return (
          inList(c.message.senderAddress, p.strs('SenderAddress')) &&
          inList(c.delivery.recipient, p.strs('RecipientAddress')) &&
          inList(c.message.messageId, p.strs('MessageId')) &&
          inList(c.delivery.status, p.strs('Status')) &&
          (!p.has('MessageTraceId') ||
            c.message.id.toLowerCase() === p.req('MessageTraceId').toLowerCase()) &&
          (!p.has('FromIP') || c.message.fromIp === p.req('FromIP').trim()) &&
          (!p.has('ToIP') || p.req('ToIP') === '') &&
          (subject === undefined ||
            subjectMatches(c.message.subject, subject, p.str('SubjectFilterType') ?? 'Contains'))
        )
      })
      const size = p.int('ResultSize') ?? 1000
      const page = rows.slice(0, size)
      const last = page[page.length - 1]
      // No paging: a truncated answer tells how to ask for the rest.
      if (rows.length > size && last)
        ctx.warnings.push(
          `There are more results, use the following command to get more. Get-MessageTraceV2 -StartDate "${new Date(start).toISOString()}" -EndDate "${last.message.receivedAt}" -StartingRecipientAddress "${last.delivery.recipient}" -ResultSize ${size}`,
        )
      return page.map((c) => show(c, ctx.snapshot.tenant.name))
    },
  },
]
