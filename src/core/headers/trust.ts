/**
 * Which copy to trust (message-headers §1.0): finds the recipient tenant's own Exchange Online
 * Protection hop and the X-Forefront-Antispam-Report it wrote, and says why every other report
 * is not the recipient's verdict (renamed copy, sender-side outbound scan, no Microsoft hop,
 * ambiguous or forged).
 */
import type { EnhancedFilteringHeader } from './enhanced-filtering.js'
import type { ForefrontReport } from './forefront.js'
import { isEopHost, isOutboundEopHost, type ReceivedHop } from './received.js'
import type { TenantMarkers } from './tenant.js'

/** Why a report was, or wasn't, taken as the recipient's verdict. */
export type ReportStatus =
  'trusted' | 'renamed-copy' | 'outbound' | 'no-microsoft-hop' | 'ambiguous' | 'not-chosen'

/** The outcome of the trust decision. */
export interface TrustDecision {
  /** A report (or, for consumer mail, the organisation headers) is the recipient tenant's own. */
  trusted: boolean
  /** The sentences that justify the decision. */
  basis: string[]
  /** Warnings about untrusted, forged or renamed copies. */
  findings: string[]
  /** The recipient's inbound EOP hop (or, for internal mail, the topmost Microsoft hop). */
  hop: ReceivedHop | null
  /** The trusted report, or null. */
  report: ReportRef | null
  /** When nothing is trusted: the report that claims to be the recipient's (unconfirmed). */
  claimed: ReportRef | null
  /** Status of every X-Forefront-Antispam-Report* header, by header index. */
  statuses: { index: number; header: string; status: ReportStatus }[]
  /** X-MS-Exchange-Organization-* and Mailbox-Delivery can be believed (a Microsoft hop delivered it). */
  microsoftDelivered: boolean
  /** Tenant IDs that corroborate the hop (CrossTenant-Id, EOPTenantAttributedMessage). */
  tenantIds: string[]
  /**
   * The only Microsoft 365 hops and reports are the sender's on the way out (the message left
   * through an outbound front end and no Microsoft hop received it afterwards, or the only report
   * is a DIR:OUT scan): nothing is the recipient tenant's verdict.
   */
  outboundOnly: boolean
  /** The hop where the message left Microsoft 365 (`from *.outbound.protection.outlook.com`). */
  exitHop: ReceivedHop | null
}

/** A report chosen by the trust decision. */
export type ReportRef = ForefrontReport

/** Inputs of the trust decision. */
export interface TrustInput {
  hops: readonly ReceivedHop[]
  reports: readonly ForefrontReport[]
  tenant: TenantMarkers
  enhancedFiltering: readonly EnhancedFilteringHeader[]
  authAs: string | null
}

const where = (r: ForefrontReport): string => `${r.header} (header #${r.index + 1})`

/** What the decision knows before it chooses a report (helpers below are module-level, not closures). */
type Parts = Pick<
  TrustDecision,
  'basis' | 'findings' | 'hop' | 'statuses' | 'microsoftDelivered' | 'exitHop'
>

/** The decision, its statuses sorted by header index. */
function done(
  p: Parts,
  tenantIds: string[],
  trusted: boolean,
  report: ForefrontReport | null,
  claimed: ForefrontReport | null,
  outboundOnly = false,
): TrustDecision {
  return {
    trusted,
    basis: p.basis,
    findings: p.findings,
    hop: p.hop,
    report,
    claimed,
    statuses: p.statuses.sort((a, b) => a.index - b.index),
    microsoftDelivered: p.microsoftDelivered,
    tenantIds,
    outboundOnly,
    exitHop: p.exitHop,
  }
}

/** Gives every report in `rs` the status. */
function markAll(
  statuses: TrustDecision['statuses'],
  rs: readonly ForefrontReport[],
  status: ReportStatus,
): void {
  for (const r of rs) statuses.push({ index: r.index, header: r.header, status })
}

/** The report's CIP is one of the known connecting IPs. */
function cipMatches(knownIps: ReadonlySet<string>, r: ForefrontReport): boolean {
  return r.cip !== null && knownIps.has(r.cip.toLowerCase())
}

/**
 * The values of both lists without repeats, first occurrences in order (as
 * `[...new Set([...a, ...b])]`, for the few tenant IDs a message names: no copies, no hashing).
 */
function distinct(a: readonly string[], b: readonly string[]): string[] {
  if (a.length + b.length > 32) return [...new Set([...a, ...b])]
  const out: string[] = []
  for (const x of a) if (!out.includes(x)) out.push(x)
  for (const x of b) if (!out.includes(x)) out.push(x)
  return out
}

/** Whether the hops are in header order already (ascending index). */
function byIndex(hops: readonly ReceivedHop[]): boolean {
  for (let i = 1; i < hops.length; i++)
    if ((hops[i] as ReceivedHop).index < (hops[i - 1] as ReceivedHop).index) return false
  return true
}

/** Decides which X-Forefront-Antispam-Report, if any, is the recipient tenant's. Never throws. */
export function decideTrust(input: TrustInput): TrustDecision {
  // Topmost first (the analyzer passes them in that order: then no copy and no sort is needed).
  const hops = byIndex(input.hops) ? input.hops : [...input.hops].sort((a, b) => a.index - b.index)
  const findings: string[] = []
  const basis: string[] = []
  const statuses: TrustDecision['statuses'] = []
  let tenantIds = distinct(input.tenant.crossTenantIds, input.tenant.attributedTenantIds)

  // ms-rule: hdr.trust.outbound-only
  // 0. Where the message left Microsoft 365: the topmost hop from an outbound front end into a
  //    non-Microsoft server. Every Microsoft hop below it is the sender's, so only the hops above
  //    it can be the recipient's (a hybrid sender's own EOP hop must not pass for the recipient's).
  //    An inbound report (DIR:INB) or an Internet FromEntityHeader means the Microsoft hops below the
  //    exit were the recipient's own (hybrid: its EOP relays to on-premises through an outbound
  //    connector), so the exit doesn't split the chain then.
  const inboundSeen =
    input.reports.some((r) => !r.renamed && r.dir === 'INB') ||
    (input.tenant.fromEntity ?? '').toLowerCase() === 'internet'
  const exitAt = inboundSeen
    ? -1
    : hops.findIndex((h) => !h.byMicrosoft && isOutboundEopHost(h.from))
  const exitHop = exitAt >= 0 ? (hops[exitAt] ?? null) : null
  const recipientSide = exitAt >= 0 ? hops.slice(0, exitAt) : hops

  // ms-rule: hdr.trust.recipient-hop
  // 1. The recipient's hop: the topmost inbound EOP front end, else (internal/consumer mail) the
  //    topmost hop when Microsoft received it.
  let hop: ReceivedHop | null = null
  let eop = false
  // Where the message entered EOP: skip EOP-to-EOP relays inside Microsoft.
  let eopAt = recipientSide.findIndex((h) => h.byEop && !isEopHost(h.from))
  if (eopAt < 0) eopAt = recipientSide.findIndex((h) => h.byEop)
  if (eopAt >= 0) {
    hop = recipientSide[eopAt] ?? null
    eop = true
  } else if (recipientSide[0]?.byMicrosoft) hop = recipientSide[0]

  let connected = hop !== null
  if (hop !== null && eopAt > 0) {
    const above = hops[eopAt - 1]
    if (above && !above.byMicrosoft && !above.fromMicrosoft) {
      connected = false
      findings.push(
        `The Microsoft hop "${hop.by}" is not connected to the hop above it (${above.by ?? '?'} received the message from ${above.from ?? 'an unnamed host'}, not from Microsoft): either the message left Microsoft 365 afterwards, or that Microsoft hop was forged. Its verdict is not trusted as the recipient's.`,
      )
    }
  }
  if (hop !== null && connected && hops[0] && !hops[0].byMicrosoft) {
    findings.push(
      `After Microsoft 365 the message went on to ${hops[0].by ?? 'another server'} (on-premises Exchange in hybrid, or forwarding): the verdict below is Microsoft 365's, and the final server may have acted on it differently.`,
    )
  }
  const microsoftDelivered = hop !== null && connected

  // ms-rule: hdr.trust.renamed-copy
  // 2. Classify every report.
  const candidates: ForefrontReport[] = []
  for (const r of input.reports) {
    if (r.renamed) {
      statuses.push({
        index: r.index,
        header: r.header,
        status: r.outbound ? 'outbound' : 'renamed-copy',
      })
      findings.push(
        r.outbound
          ? `${where(r)} is the sending tenant's outbound scan (DIR:${r.dir ?? '?'}, CIP:${r.cip ?? '?'}), renamed by the receiver: it is never the recipient's verdict.`
          : `${where(r)} is a renamed copy of another tenant's report, kept by the receiver: it is untrusted and not the recipient's verdict.`,
      )
    } else if (r.outbound) {
      statuses.push({ index: r.index, header: r.header, status: 'outbound' })
      findings.push(
        `${where(r)} is an outbound scan (DIR:${r.dir ?? '?'}, CIP:${r.cip ?? '?'}): the sender's Microsoft 365 scanned it on the way out; it is not a recipient verdict.`,
      )
    } else candidates.push(r)
  }

  const parts: Parts = { basis, findings, hop, statuses, microsoftDelivered, exitHop }

  // 3a. The message left Microsoft 365 and no Microsoft hop received it again: every Microsoft
  //     header is the sending tenant's, never the recipient's verdict (not even unconfirmed).
  if (hop === null && exitHop !== null) {
    markAll(statuses, candidates, 'outbound')
    findings.push(
      `The message left Microsoft 365 through the sender's outbound front end (${exitHop.from ?? '?'} to ${exitHop.by ?? 'an unnamed server'}, header #${exitHop.index + 1}) and no Microsoft hop received it afterwards: every Microsoft header here is the sending tenant's outbound processing, not a recipient verdict. The recipient is not on Microsoft 365, or its part of the headers is missing.`,
    )
    for (const r of candidates)
      findings.push(
        `${where(r)} was stamped inside the sending tenant before the message left (DIR:${r.dir ?? '?'}): not the recipient's verdict.`,
      )
    if (tenantIds.length > 0)
      findings.push(
        `Tenant markers name tenant ${tenantIds.join(', ')}: the sending tenant's, not the recipient's.`,
      )
    tenantIds = []
    return done(parts, tenantIds, false, null, null, true)
  }

  // ms-rule: hdr.trust.no-microsoft-hop
  // 3. No Microsoft hop (or a broken chain): nothing is trusted.
  if (!microsoftDelivered || hop === null) {
    markAll(statuses, candidates, 'no-microsoft-hop')
    if (candidates.length > 0)
      findings.push(
        `${candidates.length === 1 ? where(candidates[0] as ForefrontReport) : `${candidates.length} X-Forefront-Antispam-Report headers`} ${candidates.length === 1 ? 'has' : 'have'} no trustworthy Microsoft hop in the Received chain: forged by the sender, or only part of the headers was pasted. Paste the complete headers to confirm.`,
      )
    else if (statuses.some((s) => s.status === 'outbound'))
      findings.push(
        "Only the sending tenant's outbound scan is present: the recipient is not on Microsoft 365 (or the headers are partial), so these headers say nothing about Microsoft's delivery verdict.",
      )
    if (hops.length === 0)
      findings.push(
        'No Received headers: the Microsoft 365 hop cannot be found. Paste the complete headers.',
      )
    // Only a DIR:OUT scan as the sender stamped it (not a receiver's renamed copy, which shows the
    // recipient is on Microsoft 365): the message was going out.
    const outbound =
      candidates.length === 0 &&
      input.reports.some((r) => !r.renamed && r.outbound) &&
      !input.reports.some((r) => r.renamed)
    if (outbound && tenantIds.length > 0) {
      findings.push(
        `Tenant markers name tenant ${tenantIds.join(', ')}: the sending tenant's, not the recipient's.`,
      )
      tenantIds = []
    }
    return done(parts, tenantIds, false, null, candidates[0] ?? null, outbound)
  }

  basis.push(
    eop
      ? `The recipient's Exchange Online Protection received the message at ${hop.by}${hop.fromIp ? ` from ${hop.fromIp}` : ''} (header #${hop.index + 1}).`
      : `Microsoft 365 (${hop.by}) delivered the message, with no inbound EOP front-end hop (internal or consumer mail).`,
  )
  if (tenantIds.length > 0) basis.push(`Tenant markers name tenant ${tenantIds.join(', ')}.`)
  if (input.tenant.consumer) basis.push('The tenant is the consumer Outlook.com / Hotmail tenant.')

  // 4. Choose the recipient's report.
  const usable = eop
    ? candidates
    : candidates.filter((r) => r.dir === 'INT' || (input.authAs ?? '').toLowerCase() === 'internal')
  for (const r of candidates)
    if (!usable.includes(r)) {
      statuses.push({ index: r.index, header: r.header, status: 'no-microsoft-hop' })
      findings.push(
        `${where(r)} says DIR:${r.dir ?? '?'}, but no Exchange Online Protection front end received the message: it is not trusted.`,
      )
    }
  if (usable.length === 0) {
    if (candidates.length === 0)
      findings.push(
        input.tenant.consumer
          ? 'No X-Forefront-Antispam-Report from the recipient: usual for consumer Outlook.com mail, so the verdict rests on the organisation SCL and Mailbox-Delivery headers.'
          : 'No X-Forefront-Antispam-Report from the recipient tenant: the verdict rests on the organisation and Mailbox-Delivery headers only.',
      )
    return done(parts, tenantIds, true, null, null)
  }

  const knownIps = new Set<string>()
  if (hop.fromIp) knownIps.add(hop.fromIp)
  for (const e of input.enhancedFiltering) if (e.ip) knownIps.add(e.ip)
  if (input.tenant.originalConnectingIp?.ip) knownIps.add(input.tenant.originalConnectingIp.ip)

  let chosen: ForefrontReport | null = null
  const above = usable.filter((r) => r.index < hop.index)
  if (!eop) {
    chosen = usable[0] ?? null
    basis.push(
      `${where(chosen as ForefrontReport)} is the topmost internal report (DIR:INT) of a message that stayed inside Microsoft 365.`,
    )
  } else if (above.length > 0) {
    chosen = above[0] ?? null
    basis.push(`${where(chosen as ForefrontReport)} is the topmost report placed above that hop.`)
  } else {
    const matching = usable.filter((r) => cipMatches(knownIps, r))
    if (usable.length === 1) {
      const only = usable[0] as ForefrontReport
      if (cipMatches(knownIps, only) || tenantIds.length > 0) {
        chosen = only
        basis.push(
          `${where(only)} sits below the hop (Exchange often moves its own headers below the message's); it is taken as the recipient's because ${cipMatches(knownIps, only) ? `its CIP ${only.cip} is the IP that connected to that hop` : 'tenant markers stand beside it'}.`,
        )
      }
    } else if (matching.length === 1) {
      chosen = matching[0] as ForefrontReport
      basis.push(
        `${where(chosen)} is the only report whose CIP (${chosen.cip}) is the IP that connected to the inbound hop.`,
      )
    }
    if (chosen === null) {
      markAll(statuses, usable, 'ambiguous')
      findings.push(
        usable.length === 1
          ? `${where(usable[0] as ForefrontReport)} sits below the inbound hop and neither its CIP nor a tenant marker ties it to the recipient's tenant: it may be forged.`
          : `${usable.length} X-Forefront-Antispam-Report headers claim to be the recipient's and none can be told apart from the others: at least one is forged, so none is trusted.`,
      )
      return done(parts, tenantIds, false, null, usable[0] ?? null)
    }
  }
  for (const r of usable) {
    if (r === chosen) statuses.push({ index: r.index, header: r.header, status: 'trusted' })
    else {
      statuses.push({ index: r.index, header: r.header, status: 'not-chosen' })
      findings.push(
        `${where(r)} also claims to be a recipient verdict but is not the recipient tenant's report: probably forged by the sender; ignored.`,
      )
    }
  }
  if (chosen && chosen.cip && eop && knownIps.size > 0 && !cipMatches(knownIps, chosen))
    findings.push(
      `The report's CIP ${chosen.cip} is not the IP that connected to the inbound hop (${[...knownIps].join(', ')}), and no Enhanced Filtering header explains the difference.`,
    )
  return done(parts, tenantIds, true, chosen, null)
}
