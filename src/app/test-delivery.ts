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
import { CATEGORY_WORDS, OBJECT_WORDS } from '../core/evaluator/words.js'
import { analyzeHeaders } from '../core/headers/analyze.js'
import { journeyFromHeaders, type Journey } from '../core/journey/index.js'
import { decodeAuthResults } from '../core/headers/auth-results.js'
import { parseHeaderBlock } from '../core/headers/parse.js'
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

/** One quarantined message `--release` released, or left where it is, and why. */
export interface ReleaseItem {
  /** The quarantine identity (`GUID\\GUID`). */
  identity: string
  messageId: string
  recipients: string[]
  sender: string
  fromIp: string
  /** The quarantine type, normalised (Spam, Bulk, Phish, HighConfPhish, Malware, ...). */
  type: string
  /** Why it was released (the evidence) or skipped. */
  reason: string
}

/** What `--release` decided: what it may release, and what it left, each with its reason. */
export interface ReleaseAssessment {
  release: ReleaseItem[]
  skipped: ReleaseItem[]
}

/** What test delivery found. */
export interface DeliveryReport {
  vendor: string
  window: { start: string; end: string }
  /** Messages sent to the sandbox first. */
  sent: number
  messages: MessageFate[]
  released: number
  /**
   * With `release`: what was (or, before confirmation, would be) released and what was skipped,
   * each with its reason.
   */
  release?: { released: ReleaseItem[]; skipped: ReleaseItem[] }
  /**
   * The header analyzer's conclusion, when headers were given, with the message's path through
   * Defender's stages as the headers tell it (what `explain` and `simulate` draw).
   */
  headers?: { verdict: string; category: string; findings: string[]; journey: Journey }
}

/** Options of testDelivery. */
export interface DeliveryOptions {
  /** Start of the window (default 48 hours ago). */
  since?: Date
  until?: Date
  /**
   * Release the vendor's quarantined copies to their recipients, after `confirmRelease` agrees.
   * Only spam, bulk and phish quarantines of mail attributed to the vendor by its sending IP AND
   * an authenticated vendor domain are ever released (ms-rule: client.quarantine-release).
   */
  release?: boolean
  /**
   * Asked with what would be released and skipped, before anything is released; false releases
   * nothing. Without it, `release` releases nothing either (a caller must decide explicitly).
   */
  confirmRelease?: (a: ReleaseAssessment) => Promise<boolean>
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

/** Why a copy went where it did, in words (from the policy evaluator): the typical message from that source, to that recipient. */
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
  // Plain words (issue 14): where the tenant's settings send such a message, and what decided.
  const parts = [`The tenant's settings send it to ${ACTION_WORDS[r.action] ?? r.action}`]
  if (r.detected !== 'NONE') parts.push(`detected as ${CATEGORY_WORDS[r.detected]}`)
  if (r.decidedBy)
    parts.push(`decided by the ${OBJECT_WORDS[r.decidedBy.kind]} '${r.decidedBy.name}'`)
  return parts.join(', ')
}

/** Where a message goes, in words. */
const ACTION_WORDS: Record<string, string> = {
  inbox: 'the Inbox',
  junk: 'Junk Email',
  quarantine: 'quarantine',
  dropped: 'nowhere (dropped)',
  rejected: 'nowhere (rejected)',
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
  let release: DeliveryReport['release']
  if (opts.release) {
    const assessment = await assessRelease(session, vendor, snapshot, messages)
    const go =
      assessment.release.length > 0 && opts.confirmRelease
        ? await opts.confirmRelease(assessment)
        : false
    const done: ReleaseItem[] = []
    const skipped = [...assessment.skipped]
    for (const item of assessment.release) {
      if (!go) {
        skipped.push({ ...item, reason: 'not released: the release was not confirmed' })
        continue
      }
      await session.exo.invokeCommand({
        cmdlet: 'Release-QuarantineMessage',
        params: { Identity: item.identity, ReleaseToAll: { kind: 'switch' } },
      })
      done.push(item)
      for (const m of messages)
        if (m.quarantine?.identity === item.identity) {
          m.released = true
          m.fate = 'released'
        }
      released++
    }
    release = { released: done, skipped }
  }
  const report: DeliveryReport = {
    vendor: vendor.name,
    window: { start: start.toISOString(), end: end.toISOString() },
    sent,
    messages,
    released,
    ...(release ? { release } : {}),
  }
  if (opts.headers) {
    const a = analyzeHeaders(opts.headers)
    report.headers = {
      verdict: a.verdict,
      category: a.category,
      findings: a.findings,
      journey: journeyFromHeaders(a),
    }
  }
  return report
}

/**
 * Quarantine types `--release` may release. Malware and high-confidence phish stay quarantined
 * whatever the allows (secure by default), and only an admin releases them, deliberately, one
 * message at a time after review; file-type blocks are malware verdicts; a transport rule or DLP
 * quarantine is the tenant's own decision. Anything else (or a type not recognised) is skipped.
 * ms-rule: client.quarantine-release
 */
const RELEASABLE = new Set(['Spam', 'Bulk', 'Phish'])
const NEVER: Record<string, string> = {
  Malware:
    'malware: Microsoft keeps it quarantined whatever the allows; only an admin releases it, after review',
  SPOMalware:
    'malware: Microsoft keeps it quarantined whatever the allows; only an admin releases it, after review',
  FileTypeBlock: 'a blocked file type (a malware verdict): only an admin releases it, after review',
  HighConfPhish:
    'high-confidence phish: Microsoft keeps it quarantined whatever the allows; only an admin releases it, after review',
}

/** Get-QuarantineMessage's type, from its `QuarantineTypes` value or its display `Type`. */
export function quarantineType(value: string): string {
  const k = value.toLowerCase().replace(/[^a-z]/g, '')
  const byKey: Record<string, string> = {
    spam: 'Spam',
    highconfidencespam: 'Spam',
    bulk: 'Bulk',
    phish: 'Phish',
    phishing: 'Phish',
    highconfphish: 'HighConfPhish',
    highconfidencephish: 'HighConfPhish',
    highconfidencephishing: 'HighConfPhish',
    malware: 'Malware',
    spomalware: 'SPOMalware',
    filetypeblock: 'FileTypeBlock',
    transportrule: 'TransportRule',
    datalossprevention: 'DataLossPrevention',
  }
  return byKey[k] ?? (value.trim() || 'unknown')
}

const domainOf = (v: string) =>
  (v.includes('@') ? v.slice(v.lastIndexOf('@') + 1) : v).trim().toLowerCase().replace(/\.$/, '')

function inDomains(domain: string, list: readonly string[]): boolean {
  return list.some((d) => domain === d || domain.endsWith(`.${d}`))
}

/**
 * Whether a quarantined message's headers show it authenticated as the vendor: the topmost
 * Authentication-Results written by Microsoft 365 (it carries compauth; a sender can add its own
 * lower down) has SPF pass for a vendor MAIL FROM domain, DKIM pass for a vendor signing domain,
 * or DMARC pass for a vendor From domain. `ownDomains` stand in for vendors that send as the
 * tenant's own domain (no domain of their own). Returns the evidence, or why not.
 * ms-rule: client.quarantine-release
 */
export function authenticatedVendorDomain(
  vendor: ResolvedVendor,
  headerText: string,
  ownDomains: readonly string[] = [],
): { ok: true; evidence: string } | { ok: false; reason: string } {
  const block = parseHeaderBlock(headerText)
  const ar = block.headers
    .filter((h) => h.lower === 'authentication-results')
    .map((h) => decodeAuthResults(h.value, h.name, h.index))
    .find((a) => a.microsoft)
  if (!ar)
    return {
      ok: false,
      reason: 'no Authentication-Results from Microsoft 365 in its headers: authentication unknown',
    }
  const norm = (l: readonly string[]) => l.map((d) => d.toLowerCase().replace(/^\*\./, ''))
  const own = vendorDomains(vendor).length === 0 ? norm(ownDomains) : []
  const envelope = [
    ...norm(vendor.sending.envelopeDomains),
    ...norm(vendor.sending.dkimDomains),
    ...own,
  ]
  const dkim = [
    ...norm(vendor.sending.dkimDomains),
    ...norm(vendor.sending.envelopeDomains),
    ...own,
  ]
  const from = [...norm(vendor.sending.headerFromDomains), ...own]
  for (const m of ar.methods) {
    if (m.result !== 'pass') continue
    if (m.method === 'spf' && m.props['smtp.mailfrom']) {
      const d = domainOf(m.props['smtp.mailfrom'])
      if (inDomains(d, envelope)) return { ok: true, evidence: `spf=pass for ${d}` }
    }
    if (m.method === 'dkim' && m.props['header.d']) {
      const d = domainOf(m.props['header.d'])
      if (inDomains(d, dkim)) return { ok: true, evidence: `dkim=pass for ${d}` }
    }
    if (m.method === 'dmarc' && m.props['header.from']) {
      const d = domainOf(m.props['header.from'])
      if (inDomains(d, from)) return { ok: true, evidence: `dmarc=pass for ${d}` }
    }
  }
  const seen = [
    ar.spf ? `spf=${ar.spf}${ar.mailFrom ? ` (${domainOf(ar.mailFrom)})` : ''}` : null,
    ar.dkim
      ? `dkim=${ar.dkim}${ar.dkimDomains.length ? ` (${ar.dkimDomains.join(', ')})` : ''}`
      : null,
    ar.dmarc ? `dmarc=${ar.dmarc}${ar.headerFrom ? ` (${ar.headerFrom})` : ''}` : null,
  ].filter(Boolean)
  return {
    ok: false,
    reason: `no authentication pass for a ${vendor.name} domain (${seen.join(', ') || 'no results'})`,
  }
}

/** The quarantine header of a message (Get-QuarantineMessageHeader), or why it is unknown. */
async function quarantineHeader(
  session: Session,
  identity: string,
): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  try {
    const rows = await session.exo.invokeCommand({
      cmdlet: 'Get-QuarantineMessageHeader',
      params: { Identity: identity },
    })
    const text = asString(rows[0]?.Header)
    if (!text.trim())
      return { ok: false, reason: 'its headers came back empty: authentication unknown' }
    return { ok: true, text }
  } catch (e) {
    const why = e instanceof PassageError ? e.message : String(e)
    return {
      ok: false,
      reason: `its headers could not be read (Get-QuarantineMessageHeader: ${why.slice(0, 200)}): authentication unknown`,
    }
  }
}

/**
 * Decides, per quarantined message, whether `--release` may release it. It must be a spam, bulk
 * or phish quarantine (never malware, high-confidence phish or a file-type block); it must come
 * from one of the vendor's sending IPs (as message trace saw the connecting IP) AND its headers
 * must show an authentication pass for a vendor domain. A matching envelope domain alone can be
 * forged, and a shared IP alone carries other senders' mail, so neither is enough on its own.
 * ms-rule: client.quarantine-release
 */
export async function assessRelease(
  session: Session,
  vendor: ResolvedVendor,
  snapshot: TenantSnapshot,
  messages: readonly MessageFate[],
): Promise<ReleaseAssessment> {
  const byIdentity = new Map<string, ReleaseItem>()
  const unlisted: ReleaseItem[] = []
  for (const m of messages) {
    if (m.fate !== 'quarantine') continue
    if (!m.quarantine?.identity) {
      // Trace says quarantined, but quarantine does not list it (yet): nothing to release.
      unlisted.push({
        identity: '',
        messageId: m.messageId,
        recipients: [m.recipient],
        sender: m.sender,
        fromIp: m.fromIp,
        type: 'unknown',
        reason: 'message trace says quarantined, but Get-QuarantineMessage does not list it',
      })
      continue
    }
    const known = byIdentity.get(m.quarantine.identity)
    if (known) {
      if (!known.recipients.includes(m.recipient)) known.recipients.push(m.recipient)
      continue
    }
    byIdentity.set(m.quarantine.identity, {
      identity: m.quarantine.identity,
      messageId: m.messageId,
      recipients: [m.recipient],
      sender: m.sender,
      fromIp: m.fromIp,
      type: quarantineType(m.quarantine.type),
      reason: '',
    })
  }
  const own = snapshot.acceptedDomains.map((d) => d.DomainName)
  const out: ReleaseAssessment = { release: [], skipped: [...unlisted] }
  for (const item of byIdentity.values()) {
    const skip = (reason: string) => out.skipped.push({ ...item, reason })
    const never = NEVER[item.type]
    if (never) {
      skip(never)
      continue
    }
    if (!RELEASABLE.has(item.type)) {
      skip(
        item.type === 'TransportRule' || item.type === 'DataLossPrevention'
          ? `quarantined by the tenant's own ${item.type === 'TransportRule' ? 'mail flow rule' : 'DLP policy'}: release it by hand if that rule is wrong`
          : `quarantine type '${item.type}' is not one passage releases`,
      )
      continue
    }
    if (vendor.sending.ips.length === 0) {
      skip(`${vendor.name} has no known sending IPs, so the message cannot be tied to it`)
      continue
    }
    if (!item.fromIp || !ipMatchesAny(item.fromIp, vendor.sending.ips)) {
      skip(
        `sent from ${item.fromIp || 'an unknown IP'}, not one of ${vendor.name}'s sending IPs (a matching sender domain can be forged)`,
      )
      continue
    }
    const header = await quarantineHeader(session, item.identity)
    if (!header.ok) {
      skip(header.reason)
      continue
    }
    const auth = authenticatedVendorDomain(vendor, header.text, own)
    if (!auth.ok) {
      skip(`${auth.reason}; a shared sending IP alone is not enough`)
      continue
    }
    out.release.push({
      ...item,
      reason: `${item.type} quarantine from ${vendor.name}'s IP ${item.fromIp} with ${auth.evidence}`,
    })
  }
  return out
}
