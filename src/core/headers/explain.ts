/**
 * explainLines: the plain-words account of a HeaderAnalysis that `passage explain` prints.
 */
import type { HeaderAnalysis } from './types.js'
import { catMeaning, sclMeaning, bclMeaning } from './vocabulary.js'

const VERDICT_WORDS: Record<HeaderAnalysis['verdict'], string> = {
  inbox: 'the Inbox',
  junk: 'the Junk Email folder',
  quarantine: 'quarantine',
  unknown: 'an unknown place',
}

const BYPASS_WORDS: Record<HeaderAnalysis['bypass'], string> = {
  'transport-rule': 'a mail flow (transport) rule that set SCL -1 (SFV:SKN)',
  'ip-allow': "the connection filter's IP Allow List",
  'anti-spam-allow': "an anti-spam policy's allowed senders or domains (SFV:SKA)",
  'safe-senders': "the recipient's Safe Senders or contacts",
  'advanced-delivery': 'advanced delivery (phishing simulation or SecOps mailbox)',
  none: 'nothing: the message was filtered normally',
  unknown: 'unknown',
}

// ms-rule: hdr.partial.unconfirmed
/** What an unconfirmed report would mean if genuine, marked unconfirmed on every line. */
function unconfirmedLines(u: NonNullable<HeaderAnalysis['unconfirmed']>): string[] {
  const out = [
    "  Unconfirmed: the report can't be tied to the recipient tenant's own Microsoft hop. If it is genuine, it would mean:",
    `    where it would go: ${VERDICT_WORDS[u.verdict]}${u.verdict === 'unknown' ? '' : ' (predicted from the default policy)'}`,
    `    what was detected: ${u.category === 'none' ? 'nothing' : `${u.category} (${catMeaning(u.category)})`}`,
    `    what let it through: ${BYPASS_WORDS[u.bypass]}`,
  ]
  if (u.scl !== null) out.push(`    spam confidence level ${u.scl}: ${sclMeaning(u.scl)}`)
  if (u.bcl !== null) out.push(`    bulk complaint level ${u.bcl}: ${bclMeaning(u.bcl)}`)
  out.push('  Paste the complete headers of the message as the recipient received it to confirm.')
  return out
}

/** Plain-English lines explaining an analysis, most important first. */
export function explainLines(a: HeaderAnalysis): string[] {
  const out: string[] = []
  if (a.trusted) {
    out.push("Trusted: yes. The verdict comes from the recipient tenant's own Microsoft 365.")
    for (const b of a.trustBasis) out.push(`  ${b}`)
  } else if (a.direction === 'outbound') {
    // ms-rule: hdr.trust.outbound-only
    out.push(
      "Trusted: no. These are the sending tenant's headers on the way out of Microsoft 365: they hold no verdict of the recipient's tenant; see the warnings below.",
    )
  } else {
    out.push(
      "Trusted: no. No verdict from the recipient tenant's own Exchange Online Protection was found; see the warnings below.",
    )
    if (a.unconfirmed) out.push(...unconfirmedLines(a.unconfirmed))
  }
  if (a.direction === 'outbound')
    out.push("Direction: outbound (the sender's outbound processing, not the recipient's verdict).")
  else if (a.direction !== 'unknown') out.push(`Direction: ${a.direction}.`)

  if (a.verdict !== 'unknown') {
    const basis =
      a.verdictBasis === 'mailbox-delivery'
        ? 'as the mailbox recorded it in X-Microsoft-Antispam-Mailbox-Delivery'
        : 'predicted from the filter verdict and the default policy; presets or custom policies may differ'
    out.push(`Where it went: ${VERDICT_WORDS[a.verdict]}, ${basis}.`)
  } else out.push('Where it went: unknown from these headers.')

  if (a.category !== 'none')
    out.push(`What was detected: ${a.category} (${catMeaning(a.category)}).`)
  else if (a.trusted && a.decoded.reports.some((r) => r.status === 'trusted'))
    out.push('What was detected: nothing (CAT:NONE).')

  if (a.bypass !== 'unknown')
    out.push(
      `What let it through: ${BYPASS_WORDS[a.bypass]}${a.bypassInferred ? ' (inferred, not stamped in the headers)' : ''}.`,
    )
  if (a.scl !== null) out.push(`Spam confidence level ${a.scl}: ${sclMeaning(a.scl)}.`)
  if (a.bcl !== null) out.push(`Bulk complaint level ${a.bcl}: ${bclMeaning(a.bcl)}.`)

  const au = a.auth
  if (au.spf || au.dkim || au.dmarc || au.compauth) {
    const parts = [
      `SPF ${au.spf ?? 'not shown'}`,
      `DKIM ${au.dkim ?? 'not shown'}`,
      `DMARC ${au.dmarc ?? 'not shown'}${au.dmarcAction ? ` (action ${au.dmarcAction})` : ''}`,
      `composite authentication ${au.compauth ?? 'not shown'}${au.reason ? ` (reason ${au.reason}: ${au.reasonMeaning ?? 'unknown'})` : ''}`,
    ]
    out.push(`Authentication: ${parts.join(', ')}.`)
  }

  if (a.safeLinks.length > 0) {
    out.push(`Safe Links wrapped ${a.safeLinks.length} link${a.safeLinks.length === 1 ? '' : 's'}:`)
    for (const l of a.safeLinks.slice(0, 10))
      out.push(
        `  ${l.target ?? '(no target)'}${l.region ? ` [${l.region}]` : ` [${l.kind}]`}${l.recipient ? ` for ${l.recipient}` : ''}`,
      )
    if (a.safeLinks.length > 10) out.push(`  ... and ${a.safeLinks.length - 10} more.`)
  }

  if (a.evidence.length > 0) {
    out.push('Based on:')
    for (const e of a.evidence.slice(0, 20))
      out.push(`  ${e.conclusion}  <-  ${e.header}: ${e.value}`)
  }
  if (a.findings.length > 0) {
    out.push('Notes and warnings:')
    for (const f of a.findings) out.push(`  - ${f}`)
  }
  const v = a.vendorCheck
  if (v) {
    out.push(
      `Vendor: ${v.matched ? 'this message is from the vendor' : 'this message is not from the vendor'}; configuration took effect: ${v.tookEffect === 'unknown' ? 'cannot tell' : v.tookEffect ? 'yes' : 'no'}.`,
    )
    for (const m of v.matchedBy) out.push(`  matched: ${m}`)
    for (const x of v.advice) out.push(`  - ${x}`)
  }
  return out
}
