/**
 * Test delivery: what became of a vendor's mail over a window, from message trace
 * (Get-MessageTraceV2: at most 10 days per query, continued with StartingRecipientAddress) and
 * quarantine (Get-QuarantineMessage: Page/PageSize), each message's fate with the evaluator's
 * reason on the tenant as it is now (and the header analyzer's, when headers are given).
 * Optionally releases the vendor's quarantined mail; in the sandbox, first sends the vendor's
 * typical messages.
 */
import type { CmdletValue } from '../core/cmdlet.js'
import { utcDate } from '../core/cmdlet.js'
import { evaluate, parseTestMessage } from '../core/evaluator/evaluate.js'
import { analyzeHeaders } from '../core/headers/analyze.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import { ipMatchesAny } from '../core/net/ip.js'
import { typicalMessages, type TypicalMessage } from '../core/simulate/index.js'
import type { ResolvedVendor } from '../core/vendor/resolve.js'
import { createHttpClient, type ExoObject } from '../exchange/index.js'
import { PassageError } from '../core/errors/index.js'
import type { Session } from './session.js'

/** Message trace's longest window per query (reference §3.13). */
export const TRACE_WINDOW_DAYS = 10
const DAY_MS = 86_400_000
const TRACE_PAGE = 5000
const QUARANTINE_PAGE = 1000

/** Where one copy of a vendor message went. */
export interface MessageFate {
  messageId: string
  received: string
  sender: string
  recipient: string
  subject: string
  fromIp: string
  /** Message trace status (Delivered, FilteredAsSpam, Quarantined, Failed, ...). */
  status: string
  fate: 'inbox' | 'junk' | 'quarantine' | 'failed' | 'pending' | 'released'
  quarantine: { identity: string; type: string; policy: string | null } | null
  /** Why, from the evaluator on the tenant as it is now. */
  reason: string
  released?: boolean
}

/** What test delivery found. */
export interface DeliveryReport {
  vendor: string
  window: { start: string; end: string }
  /** Messages sent to the sandbox first. */
  sent: number
  messages: MessageFate[]
  released: number
  /** The header analyzer's conclusion, when headers were given. */
  headers?: { verdict: string; category: string; findings: string[] }
}

/** Options of testDelivery. */
export interface DeliveryOptions {
  /** Start of the window (default 48 hours ago). */
  since?: Date
  until?: Date
  /** Release the vendor's quarantined copies to their recipients. */
  release?: boolean
  /** Sandbox only: send the vendor's typical messages first. */
  send?: boolean
  /** Pasted headers of one delivered message to explain. */
  headers?: string
  /** Recipients of the messages sent (default: the simulation's). */
  recipients?: string[]
}

/** The [start, end] windows of at most 10 days covering a span, oldest first. */
export function traceWindows(start: Date, end: Date): { start: Date; end: Date }[] {
  const out: { start: Date; end: Date }[] = []
  for (let t = start.getTime(); t < end.getTime(); t += TRACE_WINDOW_DAYS * DAY_MS)
    out.push({
      start: new Date(t),
      end: new Date(Math.min(end.getTime(), t + TRACE_WINDOW_DAYS * DAY_MS)),
    })
  return out
}

/** The domains a vendor's mail comes from (envelope, DKIM, From). */
function vendorDomains(v: ResolvedVendor): string[] {
  return [
    ...v.sending.envelopeDomains,
    ...v.sending.dkimDomains,
    ...v.sending.headerFromDomains,
  ].map((d) => d.toLowerCase().replace(/^\*\./, ''))
}

/** True when a row's sender or connecting IP is the vendor's. */
export function isVendorMail(v: ResolvedVendor, sender: string, fromIp: string): boolean {
  const domain = sender.split('@')[1]?.toLowerCase() ?? ''
  const domains = vendorDomains(v)
  if (domain && domains.some((d) => domain === d || domain.endsWith(`.${d}`))) return true
  return fromIp !== '' && v.sending.ips.length > 0 && ipMatchesAny(fromIp, v.sending.ips)
}

const asString = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : String(v))

/** Every trace row of the window, continuing truncated answers (reference §3.13). */
async function traceRows(session: Session, start: Date, end: Date): Promise<ExoObject[]> {
  const rows: ExoObject[] = []
  for (const w of traceWindows(start, end)) {
    let params: Record<string, CmdletValue> = {
      StartDate: utcDate(w.start.toISOString()),
      EndDate: utcDate(w.end.toISOString()),
      ResultSize: TRACE_PAGE,
    }
    for (let guard = 0; guard < 100; guard++) {
      const page = await session.exo.invokeCommand({ cmdlet: 'Get-MessageTraceV2', params })
      rows.push(...page)
      const last = page.at(-1)
      if (page.length < TRACE_PAGE || !last) break
      // The next page: up to the last row's time, after its recipient.
      params = {
        ...params,
        EndDate: utcDate(asString(last.Received)),
        StartingRecipientAddress: asString(last.RecipientAddress),
      }
    }
  }
  return rows
}

/** Every quarantined message of the window, page by page. */
async function quarantineRows(session: Session, start: Date, end: Date): Promise<ExoObject[]> {
  const rows: ExoObject[] = []
  for (let page = 1; page <= 1000; page++) {
    const got = await session.exo.invokeCommand({
      cmdlet: 'Get-QuarantineMessage',
      params: {
        StartReceivedDate: utcDate(start.toISOString()),
        EndReceivedDate: utcDate(end.toISOString()),
        Page: page,
        PageSize: QUARANTINE_PAGE,
      },
    })
    rows.push(...got)
    if (got.length < QUARANTINE_PAGE) break
  }
  return rows
}

/** Sends messages into a sandbox tenant (POST /sandbox/{tenant}/messages). */
export async function sendToSandbox(
  session: Session,
  messages: readonly TypicalMessage[],
): Promise<number> {
  if (!session.sandbox)
    throw new PassageError('PASSAGE_E_INPUT', 'Test messages can be sent only to the sandbox.', {
      hint: 'Against a real tenant, send a message from the vendor’s own console, then run `passage test` again.',
    })
  const endpoints = session.exo.endpoints
  const http = createHttpClient(endpoints.ca ? { ca: endpoints.ca } : {})
  try {
    const token = await session.signedIn.getToken('exchange')
    let sent = 0
    for (const m of messages) {
      const res = await http.request({
        method: 'POST',
        url: `${endpoints.exchangeBase}/sandbox/${encodeURIComponent(session.tenantId)}/messages`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(m.message),
      })
      if (res.status !== 201)
        throw new PassageError(
          'PASSAGE_E_EXO_FAILED',
          `The sandbox refused a test message (${res.status}): ${res.text.slice(0, 300)}`,
        )
      sent++
    }
    return sent
  } finally {
    http.close()
  }
}

/** The evaluator's reason for a copy: the typical message from that source, to that recipient. */
function reasonFor(
  snapshot: TenantSnapshot,
  typical: readonly TypicalMessage[],
  fromIp: string,
  recipient: string,
  now: string,
): string {
  const m = typical.find((t) => fromIp && ipMatchesAny(fromIp, [t.source])) ?? typical[0]
  if (!m) return 'no typical message of this vendor to evaluate'
  const message = parseTestMessage({ ...m.message, recipients: [recipient] }, m.label)
  const r = evaluate(snapshot, message, { now }).recipients[0]
  if (!r) return ''
  const parts = [`evaluator: ${r.action}`]
  if (r.detected !== 'NONE') parts.push(`detected ${r.detected}`)
  if (r.sfv) parts.push(`SFV:${r.sfv}`)
  if (r.decidedBy) parts.push(`decided by ${r.decidedBy.kind} '${r.decidedBy.name}'`)
  return parts.join(', ')
}

function fateOf(status: string, q: ExoObject | undefined): MessageFate['fate'] {
  if (q?.Released === true) return 'released'
  if (q) return 'quarantine'
  switch (status) {
    case 'Delivered':
      return 'inbox'
    case 'FilteredAsSpam':
      return 'junk'
    case 'Quarantined':
      return 'quarantine'
    case 'Failed':
      return 'failed'
    default:
      return 'pending'
  }
}

/** The `test` use case. `snapshot` is the tenant as discovered now (for the evaluator's why). */
export async function testDelivery(
  session: Session,
  vendor: ResolvedVendor,
  snapshot: TenantSnapshot,
  opts: DeliveryOptions = {},
): Promise<DeliveryReport> {
  const typical = typicalMessages(vendor, snapshot, {
    ...(opts.recipients ? { recipients: opts.recipients } : {}),
  })
  const sent = opts.send ? await sendToSandbox(session, typical) : 0
  // Whole seconds, as dates travel (a window ending at .8 s would miss a message at .9 s).
  const end = opts.until ?? new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000)
  const start = new Date(
    Math.floor((opts.since ?? new Date(end.getTime() - 2 * DAY_MS)).getTime() / 1000) * 1000,
  )
  const [trace, quarantined] = await Promise.all([
    traceRows(session, start, end),
    quarantineRows(session, start, end),
  ])
  const now = end.toISOString()
  const key = (id: string, rcpt: string) => `${id.toLowerCase()}|${rcpt.toLowerCase()}`
  const qByKey = new Map<string, ExoObject>()
  for (const q of quarantined) {
    const rcpts = Array.isArray(q.RecipientAddress) ? q.RecipientAddress : [q.RecipientAddress]
    for (const r of rcpts) qByKey.set(key(asString(q.MessageId), asString(r)), q)
  }
  const messages: MessageFate[] = []
  for (const row of trace) {
    const sender = asString(row.SenderAddress)
    const fromIp = asString(row.FromIP)
    if (!isVendorMail(vendor, sender, fromIp)) continue
    // The query's window is in whole seconds; keep only what arrived from `since` on.
    if (opts.since && Date.parse(asString(row.Received)) < opts.since.getTime()) continue
    const recipient = asString(row.RecipientAddress)
    const q = qByKey.get(key(asString(row.MessageId), recipient))
    const status = asString(row.Status)
    messages.push({
      messageId: asString(row.MessageId),
      received: asString(row.Received),
      sender,
      recipient,
      subject: asString(row.Subject),
      fromIp,
      status,
      fate: fateOf(status, q),
      quarantine: q
        ? {
            identity: asString(q.Identity),
            type: asString(q.QuarantineTypes ?? q.Type),
            policy: q.PolicyName == null ? null : asString(q.PolicyName),
          }
        : null,
      reason: reasonFor(snapshot, typical, fromIp, recipient, now),
    })
  }
  let released = 0
  if (opts.release) {
    for (const m of messages) {
      if (m.fate !== 'quarantine' || !m.quarantine?.identity) continue
      await session.exo.invokeCommand({
        cmdlet: 'Release-QuarantineMessage',
        params: { Identity: m.quarantine.identity, ReleaseToAll: { kind: 'switch' } },
      })
      m.released = true
      m.fate = 'released'
      released++
    }
  }
  const report: DeliveryReport = {
    vendor: vendor.name,
    window: { start: start.toISOString(), end: end.toISOString() },
    sent,
    messages,
    released,
  }
  if (opts.headers) {
    const a = analyzeHeaders(opts.headers)
    report.headers = {
      verdict: a.verdict,
      category: a.category,
      findings: a.findings,
    }
  }
  return report
}
