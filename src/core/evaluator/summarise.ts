import { describe } from './outcome.js'
import type { Evaluation, RecipientEvaluation } from './types.js'
import { CATEGORY_WORDS } from './words.js'

const SFV_WORDS: Record<string, string> = {
  SKN: 'a mail flow rule (SCL -1) skipped spam filtering',
  SKA: 'the anti-spam allowed senders list skipped spam filtering',
  SKI: 'the IP Allow List skipped spam filtering',
  SFE: 'the recipient’s Safe Senders let it in',
  BLK: 'the recipient’s Blocked Senders sent it to Junk',
  SKB: 'the anti-spam blocked senders list marked it as spam',
  SKS: 'a mail flow rule marked it as spam',
}

function recipientLines(r: RecipientEvaluation, mxElsewhere: boolean): string[] {
  const lines: string[] = []
  let head = `${r.recipient}: ${describe(r.action)}`
  if (r.quarantinePolicy) head += ` (quarantine policy ${r.quarantinePolicy})`
  lines.push(head)
  if (r.detected !== 'NONE') lines.push(`  detected: ${CATEGORY_WORDS[r.detected] ?? r.detected}`)
  // IPV:CAL with SKN is the IP Allow List, not a rule (ms-rule: eval.stamp.ip-allow-cal-skn).
  const ipAllow = r.headers?.forefront.fields.IPV === 'CAL' && r.sfv === 'SKN'
  if (ipAllow) lines.push('  because the IP Allow List skipped spam filtering (IPV:CAL)')
  else if (r.sfv && SFV_WORDS[r.sfv]) lines.push(`  because ${SFV_WORDS[r.sfv]}`)
  if (r.decidedBy)
    lines.push(`  decided by ${r.decidedBy.kind.replace(/-/g, ' ')} '${r.decidedBy.name}'`)
  // ms-rule: eval.allow.hcphish-mx-elsewhere
  if (r.action === 'quarantine' && r.detected === 'MALW')
    lines.push(
      '  no allow can override malware (only a SecOps mailbox): fix the message, not the tenant',
    )
  else if (r.action === 'quarantine' && r.detected === 'HPHSH')
    lines.push(
      mxElsewhere
        ? '  high-confidence phish: with the MX not at Microsoft 365, secure by default does not apply and an SCL -1 rule, a Tenant Allow/Block List allow, an allowed sender or Safe Senders could deliver it'
        : '  no allow can override high-confidence phish (only advanced delivery): fix the message, not the tenant',
    )
  else if (r.action === 'inbox' && r.detected === 'HPHSH' && mxElsewhere)
    lines.push(
      '  high-confidence phish delivered: with the MX not at Microsoft 365, secure by default does not apply',
    )
  if (r.headers) lines.push(`  X-Forefront-Antispam-Report: ${r.headers.forefront.raw}`)
  if (r.safeLinks.length) {
    const rewritten = r.safeLinks.filter((l) => l.rewritten).length
    lines.push(
      `  Safe Links: ${rewritten} of ${r.safeLinks.length} link${r.safeLinks.length === 1 ? '' : 's'} rewritten`,
    )
    for (const l of r.safeLinks)
      lines.push(`    ${l.url}: ${l.rewritten ? 'rewritten' : 'not rewritten'} (${l.reason})`)
  }
  const zap =
    r.zap.couldMove === 'unknown'
      ? 'unknown'
      : r.zap.couldMove
        ? 'could move it later'
        : 'will not move it'
  lines.push(`  ZAP: ${zap} (${r.zap.reason})`)
  for (const u of r.uncertain) lines.push(`  uncertain: ${u}`)
  return lines
}

/** Plain-words lines for the CLI: one block per recipient, with uncertain points listed. */
export function summarise(e: Evaluation): string[] {
  const lines: string[] = []
  const route = e.routing.complexRouting
    ? `MX at a gateway; Exchange sees ${e.routing.cip}${e.routing.enhancedFiltering ? ' (Enhanced Filtering)' : ' (no Enhanced Filtering)'}`
    : `MX at Microsoft 365; source ${e.routing.cip}`
  lines.push(
    `${route}; spf=${e.routing.auth.spf} dkim=${e.routing.auth.dkim} dmarc=${e.routing.auth.dmarc}`,
  )
  for (const r of e.recipients) lines.push(...recipientLines(r, e.routing.complexRouting))
  return lines
}
