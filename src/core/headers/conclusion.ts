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

/** Evidence and findings, collected in the order the stages draw them. */
class Notes {
  readonly evidence: Evidence[] = []
  readonly findings: string[] = []

  /** A conclusion and the header line it rests on. */
  ev(conclusion: string, header: string, value: string): void {
    this.evidence.push({ conclusion, header, value })
  }

  /** A finding (a note in plain words). */
  find(...findings: string[]): void {
    this.findings.push(...findings)
  }
}

/** What the stages share: the input, the report's header name and SFV. */
interface Ctx {
  input: ConclusionInput
  /** The report header's own name (X-Forefront-Antispam-Report unless it came another way). */
  rh: string
  sfv: string | null
  notes: Notes
}

/** Category, SCL and BCL of the message. */
interface Grade {
  /** As stamped (`none` for an empty or NONE category). */
  category: string
  /** The category with HPHISH read as HPHSH. */
  cat: string
  scl: number | null
  bcl: number | null
}

const MDH = 'X-Microsoft-Antispam-Mailbox-Delivery'

/** Draws the conclusions. Never throws. */
export function conclude(input: ConclusionInput): Conclusion {
  const r = input.report
  const ctx: Ctx = {
    input,
    rh: r?.header ?? 'X-Forefront-Antispam-Report',
    sfv: r?.sfv ?? null,
    notes: new Notes(),
  }
  const direction = directionOf(ctx)
  const grade = gradeOf(ctx)
  const ski = skiReading(ctx)
  const { verdict, verdictBasis } = verdictOf(ctx, grade)
  const bypassed = bypassOf(ctx, direction, ski)
  const { bypass, bypassInferred } = mailboxOverride(ctx, grade, verdict, verdictBasis, bypassed)
  deliveryFindings(ctx, grade, verdict, verdictBasis, bypass)
  consistencyFindings(ctx, grade, verdict)
  return {
    direction,
    verdict,
    verdictBasis,
    bypass,
    bypassInferred,
    category: grade.category,
    scl: grade.scl,
    bcl: grade.bcl,
    evidence: ctx.notes.evidence,
    findings: ctx.notes.findings,
  }
}

// ms-rule: hdr.dir.direction
/** Direction: DIR in the report, else the organization's directionality, else the cross-tenant entity. */
function directionOf({ input, rh, notes }: Ctx): Direction {
  const { report: r, org } = input
  if (r?.dir === 'INB' || r?.dir === 'OUT' || r?.dir === 'INT') {
    const direction = r.dir === 'INB' ? 'inbound' : r.dir === 'OUT' ? 'outbound' : 'internal'
    notes.ev(`direction: ${direction}`, rh, `DIR:${r.dir}`)
    return direction
  }
  if (org?.messageDirectionality) {
    const v = org.messageDirectionality.toLowerCase()
    const direction: Direction =
      v === 'incoming' ? 'inbound' : v === 'originating' ? 'internal' : 'unknown'
    if (direction !== 'unknown')
      notes.ev(
        `direction: ${direction}`,
        'X-MS-Exchange-Organization-MessageDirectionality',
        org.messageDirectionality,
      )
    return direction
  }
  if (input.fromEntity?.toLowerCase() === 'internet') {
    notes.ev('direction: inbound', 'X-MS-Exchange-CrossTenant-FromEntityHeader', input.fromEntity)
    return 'inbound'
  }
  return 'unknown'
}

// ms-rule: hdr.scl.level
// ms-rule: hdr.bcl.level
/** Category, SCL (the report's, else the organization header's) and BCL. */
function gradeOf({ input, rh, notes }: Ctx): Grade {
  const { report: r, org, antispam } = input
  const rawCat = r?.cat ?? null
  const category = rawCat === null || rawCat === '' || rawCat === 'NONE' ? 'none' : rawCat
  const cat = category === 'HPHISH' ? 'HPHSH' : category
  if (r && rawCat !== null) notes.ev(`category: ${category}`, rh, `CAT:${rawCat}`)
  let scl: number | null = null
  if (r?.scl !== null && r?.scl !== undefined) {
    scl = r.scl
    notes.ev(`scl: ${scl}`, rh, `SCL:${scl}`)
  } else if (org?.scl !== null && org?.scl !== undefined) {
    scl = org.scl
    notes.ev(`scl: ${scl}`, 'X-MS-Exchange-Organization-SCL', String(scl))
  }
  const bcl = antispam?.bcl ?? null
  if (bcl !== null && antispam) notes.ev(`bcl: ${bcl}`, antispam.header, `BCL:${bcl}`)
  return { category, cat, scl, bcl }
}

// ms-rule: hdr.sfv.ski-two-meanings
/** How SFV:SKI reads (its meaning changed in Microsoft's docs), with a finding; null without SKI. */
function skiReading({ input, sfv, notes }: Ctx): ReturnType<typeof resolveSki> | null {
  if (sfv !== 'SKI') return null
  const r = input.report
  const ski = resolveSki({
    ipv: r?.ipv ?? null,
    dir: r?.dir ?? null,
    authAs: input.org?.authAs ?? null,
  })
  notes.find(
    ski === 'ip-allow'
      ? "SFV:SKI: Microsoft's docs changed its meaning; with IPV:CAL it is read as the IP Allow List (2026 docs)."
      : ski === 'intra-org'
        ? "SFV:SKI: Microsoft's docs changed its meaning; on internal mail it is read with the older meaning (skipped for intra-organisation mail), not the IP Allow List."
        : "SFV:SKI without IPV:CAL on non-internal mail: Microsoft's docs give two meanings (IP Allow List in 2026, intra-organisation skip before); it is read as the IP Allow List, but that is inferred.",
  )
  return ski
}

// ms-rule: hdr.verdict.mailbox-delivery
/** Where it went: the Mailbox-Delivery header's folder, else RF, else the default policy's prediction. */
function verdictOf(
  { input, rh, notes }: Ctx,
  grade: Grade,
): { verdict: Verdict; verdictBasis: Conclusion['verdictBasis'] } {
  const d = input.delivery
  let verdict: Verdict = 'unknown'
  let verdictBasis: Conclusion['verdictBasis'] = 'none'
  if (d?.folder) {
    verdictBasis = 'mailbox-delivery'
    if (d.folder === 'inbox') verdict = 'inbox'
    else if (d.folder === 'junk') verdict = 'junk'
    else if (d.folder === 'custom') {
      verdict = 'inbox'
      notes.find(
        "dest:C: the recipient's own Inbox rule moved the message to a custom folder; it counts as delivered (not Junk).",
      )
    } else verdictBasis = 'none'
    if (verdict !== 'unknown') notes.ev(`verdict: ${verdict}`, MDH, `dest:${d.dest ?? ''}`)
  }
  if (verdict === 'unknown' && d?.rf?.toLowerCase() === 'junkemail') {
    notes.ev('verdict: junk', MDH, `RF:${d.rf}`)
    return { verdict: 'junk', verdictBasis: 'mailbox-delivery' }
  }
  if (verdict === 'unknown') {
    const predicted = predictVerdict(input.report, grade.scl, input.auth)
    if (predicted.verdict !== 'unknown') {
      verdict = predicted.verdict
      verdictBasis = 'default-policy'
      notes.ev(
        `verdict: ${verdict} (predicted from the default policy)`,
        predicted.header ?? rh,
        predicted.value,
      )
    }
    notes.find(...predicted.findings)
  }
  return { verdict, verdictBasis }
}

// ms-rule: hdr.sfv.verdicts
/** Which allow bypassed filtering, from SFV and IPV (exchange-online-api §4.6). */
function bypassOf(
  { input, rh, sfv, notes }: Ctx,
  direction: Direction,
  ski: ReturnType<typeof resolveSki> | null,
): { bypass: Bypass; bypassInferred: boolean } {
  const r = input.report
  const ipvCal = r?.ipv === 'CAL'
  let bypass: Bypass = r ? 'none' : 'unknown'
  let bypassInferred = false
  // ms-rule: hdr.ipv-cal.ip-allow-list
  // IPV:CAL with a skip verdict is the connection filter's IP Allow List. Microsoft's pages pair
  // it with different SFV values: create-safe-sender-lists (and real mail) with SKN, the 2026
  // troubleshooting page with SKI. Both are read as the IP Allow List, and the finding says why.
  if (ipvCal && sfv === 'SKN') {
    bypass = 'ip-allow'
    notes.ev('bypass: ip-allow', rh, 'IPV:CAL;SFV:SKN')
    notes.find(
      "IPV:CAL with SFV:SKN: read as the connection filter's IP Allow List. Microsoft's pages differ on the pair: the allowlist page (create-safe-sender-lists-in-office-365) says IPV:CAL is stamped alongside SFV:SKN, which is what real mail shows; the 2026 troubleshooting page (anti-spam-policies-troubleshooting) shows IPV:CAL with SFV:SKI. A mail flow rule setting SCL -1 for a sender whose IP is also allowed would look the same.",
    )
  } else if (sfv === 'SKN') {
    bypass = 'transport-rule'
    notes.ev('bypass: transport-rule', rh, 'SFV:SKN')
  } else if (sfv === 'SKA') {
    bypass = 'anti-spam-allow'
    notes.ev('bypass: anti-spam-allow', rh, 'SFV:SKA')
  } else if (sfv === 'SFE') {
    bypass = 'safe-senders'
    notes.ev('bypass: safe-senders', rh, 'SFV:SFE')
  } else if (sfv === 'SKI') {
    if (ski === 'ip-allow') {
      bypass = 'ip-allow'
      notes.ev('bypass: ip-allow', rh, 'IPV:CAL;SFV:SKI')
      notes.find(
        "IPV:CAL with SFV:SKI: read as the connection filter's IP Allow List, as the 2026 troubleshooting page (anti-spam-policies-troubleshooting) shows it. Microsoft's allowlist page (create-safe-sender-lists-in-office-365) pairs IPV:CAL with SFV:SKN instead; real mail usually shows SKN.",
      )
    } else if (ski === 'intra-org') {
      bypass = 'none'
    } else if (direction === 'inbound') {
      bypass = 'ip-allow'
      bypassInferred = true
      notes.ev('bypass: ip-allow (inferred: no IPV:CAL)', rh, 'SFV:SKI')
    } else bypass = 'unknown'
  } else if (ipvCal && sfv === null) {
    bypass = 'ip-allow'
    notes.ev('bypass: ip-allow', rh, 'IPV:CAL')
  } else if (ipvCal) {
    notes.find(
      `IPV:CAL with SFV:${sfv}: the connection filter's IP Allow List matched the IP, but spam filtering still ran (no skip verdict: SFV:SKN or SFV:SKI).`,
    )
  }
  if (sfv === 'SKQ')
    notes.find(
      'SFV:SKQ: the message was released from quarantine; CAT may keep its original category.',
    )
  if (sfv === 'BLK')
    notes.find(
      "SFV:BLK: the sender is in the recipient's Blocked Senders list; tenant allows don't beat it (the user wins: Junk).",
    )
  if (sfv === 'DMS')
    notes.find(
      'SFV:DMS is undocumented (seen only in MHA rules: "spam verdict ignored due to tenant settings").',
    )
  return { bypass, bypassInferred }
}

// ms-rule: hdr.bypass.user-settings
// ms-rule: hdr.bypass.advanced-delivery-inferred
/**
 * A filtering verdict that still reached the Inbox with no bypass stamp: the user's own settings
 * (OFR), or, inferred, advanced delivery (which leaves no header).
 */
function mailboxOverride(
  { input, rh, sfv, notes }: Ctx,
  grade: Grade,
  verdict: Verdict,
  verdictBasis: Conclusion['verdictBasis'],
  bypassed: { bypass: Bypass; bypassInferred: boolean },
): { bypass: Bypass; bypassInferred: boolean } {
  const d = input.delivery
  if (bypassed.bypass !== 'none' || verdict !== 'inbox' || verdictBasis !== 'mailbox-delivery')
    return bypassed
  if (!d) return bypassed
  const { category, cat } = grade
  const ofr = (d.ofr ?? '').toLowerCase()
  const filtered = sfv === 'SPM' || SPAMLIKE_CATS.has(cat)
  if (filtered && USER_ALLOW_OFR.has(ofr)) {
    notes.ev('bypass: safe-senders', MDH, `OFR:${d.ofr ?? ''}`)
    notes.find(
      `The filter said ${sfv === 'SPM' ? 'SFV:SPM' : `CAT:${category}`} but the mailbox delivered to Inbox because of ${d.ofr}: the user's own settings overrode the spam verdict.`,
    )
    return { bypass: 'safe-senders', bypassInferred: bypassed.bypassInferred }
  }
  if (FILTERING_CATS.has(cat) && sfv !== 'SKQ') {
    notes.ev(`bypass: advanced-delivery (inferred)`, rh, `CAT:${category}`)
    notes.ev(`bypass: advanced-delivery (inferred)`, MDH, `dest:${d.dest ?? ''}`)
    notes.find(
      `CAT:${category} was detected, yet the message reached the Inbox with no bypass stamp (no SKN/SKA/SKI/SFE/IPV:CAL): this looks like advanced delivery (phishing simulation or SecOps mailbox), which leaves no header. It is inferred, not read; a policy whose action for ${category} is "no action" would look the same.`,
    )
    return { bypass: 'advanced-delivery', bypassInferred: true }
  }
  return bypassed
}

// ms-rule: hdr.cat.unoverridable
/** Where the mailbox put the message against what the filter said. */
function deliveryFindings(
  { input, sfv, notes }: Ctx,
  grade: Grade,
  verdict: Verdict,
  verdictBasis: Conclusion['verdictBasis'],
  bypass: Bypass,
): void {
  const d = input.delivery
  const { category, cat } = grade
  if (d?.folder === 'junk' && sfv === 'NSPM')
    notes.find(
      "SFV:NSPM with dest:J: the filter said not spam, but the mailbox put it in Junk: a user setting decided (Blocked Senders, a junk rule, or 'Only trust mail from my Safe Senders' / TrustedListsOnly). Tenant allows don't override it.",
    )
  if (d?.folder === 'junk' && bypass !== 'none' && bypass !== 'unknown' && sfv !== 'NSPM')
    notes.find(
      `Filtering was bypassed (${bypass}) but the mailbox still put the message in Junk: a user's Blocked Senders or junk settings beat tenant allows.`,
    )
  if (
    verdict === 'inbox' &&
    verdictBasis === 'mailbox-delivery' &&
    UNOVERRIDABLE_CATS.has(cat) &&
    sfv !== 'SKQ'
  )
    notes.find(
      `CAT:${category} (${cat === 'HPHSH' ? 'high-confidence phish' : 'malware'}) reached the Inbox: only advanced delivery${cat === 'HPHSH' ? ', complex routing with an SCL -1 rule,' : ''} or a release from quarantine can do that.`,
    )
}

// ms-rule: hdr.customspam.asf
// ms-rule: hdr.sfty.safety-level
// ms-rule: hdr.srv.bulk
// ms-rule: hdr.auth.dmarc-action
// ms-rule: hdr.auth.compauth-fail-not-blocking
/** Consistency notes: SCL against CAT, ASF, safety tips, bulk, DMARC and compauth. */
function consistencyFindings({ input, sfv, notes }: Ctx, grade: Grade, verdict: Verdict): void {
  const { report: r, org, auth } = input
  const { category, cat, scl, bcl } = grade
  if (r && scl !== null && r.scl !== null) {
    if (scl >= 5 && category === 'none' && sfv !== 'SKS')
      notes.find(
        `SCL ${scl} with CAT:NONE: the 2026 docs say SCL doesn't decide the verdict in cloud tenants; CAT and DIR do.`,
      )
    if (scl >= 0 && scl <= 1 && SPAMLIKE_CATS.has(cat))
      notes.find(
        `SCL ${scl} with CAT:${category}: the 2026 docs say SCL doesn't decide the verdict in cloud tenants; CAT does.`,
      )
  }
  if (org?.scl === -1 && sfv !== 'SKN' && sfv !== 'SKI')
    notes.find(
      'X-MS-Exchange-Organization-SCL is -1: an instruction to bypass spam filtering; malware and high-confidence phish are still enforced.',
    )
  if (r?.customSpam)
    notes.find(`An Advanced Spam Filter setting fired: X-CustomSpam "${r.customSpam}".`)
  if (r?.sfty === '9.25')
    notes.find('SFTY:9.25: a first-contact safety tip was shown (a hint, not a verdict).')
  if (r?.srv === 'BULK')
    notes.find(
      `SRV:BULK: bulk mail, judged against the BCL threshold${bcl !== null ? ` (BCL ${bcl})` : ''}.`,
    )
  if (auth?.dmarcAction?.toLowerCase() === 'oreject')
    notes.find(
      'DMARC action=oreject: the sender publishes p=reject, but Microsoft delivered the message anyway (to Junk).',
    )
  if (auth?.compauth === 'fail' && verdict === 'inbox')
    notes.find(
      'compauth=fail on a message in the Inbox: composite authentication failing alone does not block a message.',
    )
  if (auth?.compauth && auth.reason) {
    const expected = compauthExpectedResult(auth.reason)
    if (expected !== null && expected !== auth.compauth.toLowerCase())
      notes.find(
        `compauth=${auth.compauth} with reason ${auth.reason}: Microsoft's reason table gives "${expected}" for that code.`,
      )
  }
}

// ms-rule: hdr.verdict.default-policy
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
  // ms-rule: hdr.auth.dmarc-action
  // Microsoft: pct.quarantine / pct.reject mean the domain's pct is under 100 and this message was
  // picked NOT to get the DMARC action: it was delivered anyway, so other signals decide.
  if (dmarcFail && (action === 'pct.quarantine' || action === 'pct.reject'))
    findings.push(
      `dmarc=fail with action=${action}: Microsoft documents this as the DMARC policy (p=${action.slice(4)}) NOT applied to this message (the domain's pct is under 100), so the message was delivered anyway and the other signals decide.`,
    )
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
