/**
 * From the trusted headers to the conclusions: direction, where the message went (or would go
 * under the default policy, message-headers §1.5), which allow bypassed filtering (exchange-online-api
 * §4.6), category, SCL and BCL, each with the header lines it rests on.
 */
import type { AntispamHeader } from './antispam.js'
import type { AuthResults } from './auth-results.js'
import { compauthExpectedResult } from './compauth.js'
import type { ForefrontReport } from './forefront.js'
import type { MailboxDelivery } from './mailbox-delivery.js'
import type { OrganizationHeaders } from './organization.js'
import type { Bypass, Direction, Evidence, Verdict } from './types.js'
import { resolveSki, UNOVERRIDABLE_CATS } from './vocabulary.js'

/** What the conclusions are drawn from (only trusted headers should be passed). */
export interface ConclusionInput {
  report: ForefrontReport | null
  delivery: MailboxDelivery | null
  org: OrganizationHeaders | null
  antispam: AntispamHeader | null
  auth: AuthResults | null
  /** X-MS-Exchange-CrossTenant-FromEntityHeader. */
  fromEntity: string | null
}

/** The conclusions, with their evidence and findings. */
export interface Conclusion {
  direction: Direction
  verdict: Verdict
  verdictBasis: 'mailbox-delivery' | 'default-policy' | 'none'
  bypass: Bypass
  bypassInferred: boolean
  category: string
  scl: number | null
  bcl: number | null
  evidence: Evidence[]
  findings: string[]
}

/** Categories that are a filtering verdict (something was detected). */
const FILTERING_CATS = new Set([
  'MALW',
  'AMP',
  'FTBP',
  'SAP',
  'HPHSH',
  'HPHISH',
  'PHSH',
  'HSPM',
  'SPOOF',
  'UIMP',
  'DIMP',
  'GIMP',
  'BIMP',
  'SPM',
  'BULK',
  'INTOS',
])
const SPAMLIKE_CATS = new Set(['PHSH', 'HSPM', 'SPOOF', 'SPM', 'BULK', 'INTOS'])
const IMPERSONATION_CATS = new Set(['UIMP', 'DIMP', 'GIMP', 'BIMP'])
const USER_ALLOW_OFR = new Set(['trustedsenderlist', 'senderinaddressbook'])

/** Draws the conclusions. Never throws. */
export function conclude(input: ConclusionInput): Conclusion {
  const { report: r, delivery: d, org, antispam, auth } = input
  const evidence: Evidence[] = []
  const findings: string[] = []
  const ev = (conclusion: string, header: string, value: string): void => {
    evidence.push({ conclusion, header, value })
  }
  const rh = r?.header ?? 'X-Forefront-Antispam-Report'
  const mdh = 'X-Microsoft-Antispam-Mailbox-Delivery'

  // Direction.
  let direction: Direction = 'unknown'
  if (r?.dir === 'INB' || r?.dir === 'OUT' || r?.dir === 'INT') {
    direction = r.dir === 'INB' ? 'inbound' : r.dir === 'OUT' ? 'outbound' : 'internal'
    ev(`direction: ${direction}`, rh, `DIR:${r.dir}`)
  } else if (org?.messageDirectionality) {
    const v = org.messageDirectionality.toLowerCase()
    if (v === 'incoming') direction = 'inbound'
    else if (v === 'originating') direction = 'internal'
    if (direction !== 'unknown')
      ev(
        `direction: ${direction}`,
        'X-MS-Exchange-Organization-MessageDirectionality',
        org.messageDirectionality,
      )
  } else if (input.fromEntity?.toLowerCase() === 'internet') {
    direction = 'inbound'
    ev('direction: inbound', 'X-MS-Exchange-CrossTenant-FromEntityHeader', input.fromEntity)
  }

  // Category, SCL, BCL.
  const rawCat = r?.cat ?? null
  const category = rawCat === null || rawCat === '' || rawCat === 'NONE' ? 'none' : rawCat
  const cat = category === 'HPHISH' ? 'HPHSH' : category
  if (r && rawCat !== null) ev(`category: ${category}`, rh, `CAT:${rawCat}`)
  let scl: number | null = null
  if (r?.scl !== null && r?.scl !== undefined) {
    scl = r.scl
    ev(`scl: ${scl}`, rh, `SCL:${scl}`)
  } else if (org?.scl !== null && org?.scl !== undefined) {
    scl = org.scl
    ev(`scl: ${scl}`, 'X-MS-Exchange-Organization-SCL', String(scl))
  }
  const bcl = antispam?.bcl ?? null
  if (bcl !== null && antispam) ev(`bcl: ${bcl}`, antispam.header, `BCL:${bcl}`)

  const sfv = r?.sfv ?? null
  const ipvCal = r?.ipv === 'CAL'
  const ski =
    sfv === 'SKI'
      ? resolveSki({ ipv: r?.ipv ?? null, dir: r?.dir ?? null, authAs: org?.authAs ?? null })
      : null
  if (ski !== null) {
    findings.push(
      ski === 'ip-allow'
        ? "SFV:SKI: Microsoft's docs changed its meaning; with IPV:CAL it is read as the IP Allow List (2026 docs)."
        : ski === 'intra-org'
          ? "SFV:SKI: Microsoft's docs changed its meaning; on internal mail it is read with the older meaning (skipped for intra-organisation mail), not the IP Allow List."
          : "SFV:SKI without IPV:CAL on non-internal mail: Microsoft's docs give two meanings (IP Allow List in 2026, intra-organisation skip before); it is read as the IP Allow List, but that is inferred.",
    )
  }

  // Verdict.
  let verdict: Verdict = 'unknown'
  let verdictBasis: Conclusion['verdictBasis'] = 'none'
  if (d?.folder) {
    verdictBasis = 'mailbox-delivery'
    if (d.folder === 'inbox') verdict = 'inbox'
    else if (d.folder === 'junk') verdict = 'junk'
    else if (d.folder === 'custom') {
      verdict = 'inbox'
      findings.push(
        "dest:C: the recipient's own Inbox rule moved the message to a custom folder; it counts as delivered (not Junk).",
      )
    } else verdictBasis = 'none'
    if (verdict !== 'unknown') ev(`verdict: ${verdict}`, mdh, `dest:${d.dest ?? ''}`)
  }
  if (verdict === 'unknown' && d?.rf?.toLowerCase() === 'junkemail') {
    verdict = 'junk'
    verdictBasis = 'mailbox-delivery'
    ev('verdict: junk', mdh, `RF:${d.rf}`)
  }
  if (verdict === 'unknown') {
    const predicted = predictVerdict(r, scl, auth)
    if (predicted.verdict !== 'unknown') {
      verdict = predicted.verdict
      verdictBasis = 'default-policy'
      ev(
        `verdict: ${verdict} (predicted from the default policy)`,
        predicted.header ?? rh,
        predicted.value,
      )
    }
    findings.push(...predicted.findings)
  }

  // Bypass.
  let bypass: Bypass = r ? 'none' : 'unknown'
  let bypassInferred = false
  if (sfv === 'SKN') {
    bypass = 'transport-rule'
    ev('bypass: transport-rule', rh, 'SFV:SKN')
  } else if (sfv === 'SKA') {
    bypass = 'anti-spam-allow'
    ev('bypass: anti-spam-allow', rh, 'SFV:SKA')
  } else if (sfv === 'SFE') {
    bypass = 'safe-senders'
    ev('bypass: safe-senders', rh, 'SFV:SFE')
  } else if (sfv === 'SKI') {
    if (ski === 'ip-allow') {
      bypass = 'ip-allow'
      ev('bypass: ip-allow', rh, 'SFV:SKI;IPV:CAL')
    } else if (ski === 'intra-org') {
      bypass = 'none'
    } else if (direction === 'inbound') {
      bypass = 'ip-allow'
      bypassInferred = true
      ev('bypass: ip-allow (inferred: no IPV:CAL)', rh, 'SFV:SKI')
    } else bypass = 'unknown'
  } else if (ipvCal && sfv === null) {
    bypass = 'ip-allow'
    ev('bypass: ip-allow', rh, 'IPV:CAL')
  } else if (ipvCal) {
    findings.push(
      `IPV:CAL with SFV:${sfv}: the connection filter's IP Allow List matched the IP, but spam filtering still ran (no SFV:SKI).`,
    )
  }
  if (sfv === 'SKQ')
    findings.push(
      'SFV:SKQ: the message was released from quarantine; CAT may keep its original category.',
    )
  if (sfv === 'BLK')
    findings.push(
      "SFV:BLK: the sender is in the recipient's Blocked Senders list; tenant allows don't beat it (the user wins: Junk).",
    )
  if (sfv === 'DMS')
    findings.push(
      'SFV:DMS is undocumented (seen only in MHA rules: "spam verdict ignored due to tenant settings").',
    )

  if (bypass === 'none' && verdict === 'inbox' && verdictBasis === 'mailbox-delivery' && d) {
    const ofr = (d.ofr ?? '').toLowerCase()
    const filtered = sfv === 'SPM' || SPAMLIKE_CATS.has(cat)
    if (filtered && USER_ALLOW_OFR.has(ofr)) {
      bypass = 'safe-senders'
      ev('bypass: safe-senders', mdh, `OFR:${d.ofr ?? ''}`)
      findings.push(
        `The filter said ${sfv === 'SPM' ? 'SFV:SPM' : `CAT:${category}`} but the mailbox delivered to Inbox because of ${d.ofr}: the user's own settings overrode the spam verdict.`,
      )
    } else if (FILTERING_CATS.has(cat) && sfv !== 'SKQ') {
      bypass = 'advanced-delivery'
      bypassInferred = true
      ev(`bypass: advanced-delivery (inferred)`, rh, `CAT:${category}`)
      ev(`bypass: advanced-delivery (inferred)`, mdh, `dest:${d.dest ?? ''}`)
      findings.push(
        `CAT:${category} was detected, yet the message reached the Inbox with no bypass stamp (no SKN/SKA/SKI/SFE/IPV:CAL): this looks like advanced delivery (phishing simulation or SecOps mailbox), which leaves no header. It is inferred, not read; a policy whose action for ${category} is "no action" would look the same.`,
      )
    }
  }
  if (d?.folder === 'junk' && sfv === 'NSPM')
    findings.push(
      "SFV:NSPM with dest:J: the filter said not spam, but the mailbox put it in Junk: a user setting decided (Blocked Senders, a junk rule, or 'Only trust mail from my Safe Senders' / TrustedListsOnly). Tenant allows don't override it.",
    )
  if (d?.folder === 'junk' && bypass !== 'none' && bypass !== 'unknown' && sfv !== 'NSPM')
    findings.push(
      `Filtering was bypassed (${bypass}) but the mailbox still put the message in Junk: a user's Blocked Senders or junk settings beat tenant allows.`,
    )
  if (
    verdict === 'inbox' &&
    verdictBasis === 'mailbox-delivery' &&
    UNOVERRIDABLE_CATS.has(cat) &&
    sfv !== 'SKQ'
  )
    findings.push(
      `CAT:${category} (${cat === 'HPHSH' ? 'high-confidence phish' : 'malware'}) reached the Inbox: only advanced delivery${cat === 'HPHSH' ? ', complex routing with an SCL -1 rule,' : ''} or a release from quarantine can do that.`,
    )

  // Consistency notes.
  if (r && scl !== null && r.scl !== null) {
    if (scl >= 5 && category === 'none' && sfv !== 'SKS')
      findings.push(
        `SCL ${scl} with CAT:NONE: the 2026 docs say SCL doesn't decide the verdict in cloud tenants; CAT and DIR do.`,
      )
    if (scl >= 0 && scl <= 1 && SPAMLIKE_CATS.has(cat))
      findings.push(
        `SCL ${scl} with CAT:${category}: the 2026 docs say SCL doesn't decide the verdict in cloud tenants; CAT does.`,
      )
  }
  if (org?.scl === -1 && sfv !== 'SKN' && sfv !== 'SKI')
    findings.push(
      'X-MS-Exchange-Organization-SCL is -1: an instruction to bypass spam filtering; malware and high-confidence phish are still enforced.',
    )
  if (r?.customSpam)
    findings.push(`An Advanced Spam Filter setting fired: X-CustomSpam "${r.customSpam}".`)
  if (r?.sfty === '9.25')
    findings.push('SFTY:9.25: a first-contact safety tip was shown (a hint, not a verdict).')
  if (r?.srv === 'BULK')
    findings.push(
      `SRV:BULK: bulk mail, judged against the BCL threshold${bcl !== null ? ` (BCL ${bcl})` : ''}.`,
    )
  if (auth?.dmarcAction?.toLowerCase() === 'oreject')
    findings.push(
      'DMARC action=oreject: the sender publishes p=reject, but Microsoft delivered the message anyway (to Junk).',
    )
  if (auth?.compauth === 'fail' && verdict === 'inbox')
    findings.push(
      'compauth=fail on a message in the Inbox: composite authentication failing alone does not block a message.',
    )

  if (auth?.compauth && auth.reason) {
    const expected = compauthExpectedResult(auth.reason)
    if (expected !== null && expected !== auth.compauth.toLowerCase())
      findings.push(
        `compauth=${auth.compauth} with reason ${auth.reason}: the reference table gives "${expected}" for that code.`,
      )
  }

  return {
    direction,
    verdict,
    verdictBasis,
    bypass,
    bypassInferred,
    category,
    scl,
    bcl,
    evidence,
    findings,
  }
}

/** The default-policy outcome of §1.5 when no Mailbox-Delivery header says where it went. */
function predictVerdict(
  r: ForefrontReport | null,
  scl: number | null,
  auth: AuthResults | null,
): { verdict: Verdict; header: string | null; value: string; findings: string[] } {
  const findings: string[] = []
  const rh = r?.header ?? 'X-Forefront-Antispam-Report'
  const rawCat = r?.cat ?? ''
  const cat = rawCat === 'HPHISH' ? 'HPHSH' : rawCat
  const sfv = r?.sfv ?? ''
  const res = (verdict: Verdict, value: string, header: string | null = rh) => ({
    verdict,
    header,
    value,
    findings,
  })
  if (sfv === 'SKQ') return res('inbox', 'SFV:SKQ')
  if (UNOVERRIDABLE_CATS.has(cat)) {
    if (cat === 'HPHSH')
      findings.push('HPHSH is quarantined by default; users can only request release.')
    return res('quarantine', `CAT:${rawCat}`)
  }
  if (sfv === 'BLK') return res('junk', 'SFV:BLK')
  if (sfv === 'SKN' || sfv === 'SKA' || sfv === 'SKI' || sfv === 'SFE')
    return res('inbox', `SFV:${sfv}`)
  if (r?.ipv === 'CAL' && (sfv === '' || sfv === 'NSPM')) return res('inbox', 'IPV:CAL')
  if (cat === 'PHSH') {
    findings.push(
      'Phishing goes to Junk under the default policy, but to quarantine under the Standard/Strict presets and anti-spam policies created in the portal.',
    )
    return res('junk', 'CAT:PHSH')
  }
  if (cat === 'HSPM' || cat === 'SPM' || cat === 'BULK' || cat === 'SPOOF' || cat === 'INTOS') {
    findings.push(
      cat === 'HSPM'
        ? 'High-confidence spam goes to Junk under the default policy, to quarantine under the Standard and Strict presets.'
        : `${cat} goes to Junk under the default policy${cat === 'INTOS' ? '' : ' and the Standard preset, to quarantine under Strict'}.`,
    )
    return res('junk', `CAT:${rawCat}`)
  }
  if (sfv === 'SPM' || sfv === 'SKB' || sfv === 'SKS') return res('junk', `SFV:${sfv}`)
  const dmarcFail = auth?.dmarc === 'fail'
  const action = auth?.dmarcAction?.toLowerCase() ?? ''
  if (dmarcFail && action === 'pct.quarantine')
    return res(
      'quarantine',
      'dmarc=fail action=pct.quarantine',
      auth?.header ?? 'Authentication-Results',
    )
  if (dmarcFail && action === 'pct.reject') {
    findings.push(
      'dmarc=fail with action=pct.reject: the message would be rejected, not delivered.',
    )
    return res('unknown', 'dmarc=fail action=pct.reject')
  }
  if (dmarcFail && action === 'oreject')
    return res('junk', 'dmarc=fail action=oreject', auth?.header ?? 'Authentication-Results')
  if (IMPERSONATION_CATS.has(cat)) {
    findings.push(
      `CAT:${rawCat}: the action for impersonation depends on the anti-phishing policy (none unless configured; quarantine or Junk under the presets).`,
    )
    return res('unknown', `CAT:${rawCat}`)
  }
  if (scl !== null && scl >= 5)
    return res('junk', `SCL:${scl}`, r?.scl !== null && r ? rh : 'X-MS-Exchange-Organization-SCL')
  if (sfv === 'NSPM' || cat === 'NONE')
    return res('inbox', sfv === 'NSPM' ? 'SFV:NSPM' : 'CAT:NONE')
  if (scl !== null && scl <= 1)
    return res('inbox', `SCL:${scl}`, r?.scl !== null && r ? rh : 'X-MS-Exchange-Organization-SCL')
  return res('unknown', '', null)
}
