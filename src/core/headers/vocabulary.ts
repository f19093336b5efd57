/**
 * What the values of X-Forefront-Antispam-Report and the SCL mean, per message-headers §1.1 and
 * §1.3. Meanings are plain-English paraphrases; (3p) marks third-party readings, (obs) values
 * seen in samples but not documented.
 */

import { CATEGORY_ORDER } from '../evaluator/types.js'

// ms-rule: hdr.sfv.verdicts
/** SFV values: how the spam verdict was reached (message-headers §1.1). SKI is context-dependent. */
export const SFV_MEANINGS: Readonly<Record<string, string>> = {
  NSPM: 'filtered; not spam',
  SPM: 'filtered; spam (CAT says what kind)',
  SKA: "skipped spam filtering: the sender or domain is on an anti-spam policy's allowed list",
  SKB: "marked as spam: the sender or domain is on an anti-spam policy's blocked list",
  SKN: 'skipped spam filtering: a mail flow (transport) rule set SCL -1 ("Bypass spam filtering")',
  SKS: 'marked as spam before filtering: a transport rule set SCL 5-9, or on-premises Exchange in hybrid decided it',
  SKI: 'skipped spam filtering (meaning depends on context: IP Allow List, or intra-organisation mail)',
  SFE: "skipped spam filtering: the sender is in the recipient's Safe Senders list",
  BLK: "the sender is in the recipient's Blocked Senders list, so the message went to Junk",
  SKQ: 'released from quarantine (CAT may keep the original category) (3p)',
  DMS: 'spam verdict ignored due to tenant settings (undocumented; seen only in MHA rules) (3p)',
}

// ms-rule: hdr.sfv.ski-two-meanings
/** The two meanings of SFV:SKI (message-headers §1.1 and §1.7). */
export const SKI_MEANINGS = {
  'ip-allow':
    'skipped spam filtering: the source IP is on the IP Allow List of the connection filter policy (2026 docs)',
  'intra-org':
    'skipped spam filtering for another reason, such as intra-organisation mail within the tenant (older docs, mgeeky, MHA)',
} as const

/** Context used to resolve SFV:SKI. */
export interface SkiContext {
  ipv: string | null
  dir: string | null
  authAs: string | null
}

/** Which SKI meaning applies given the context, or 'ambiguous'. */
export function resolveSki(ctx: SkiContext): 'ip-allow' | 'intra-org' | 'ambiguous' {
  if ((ctx.ipv ?? '').toUpperCase() === 'CAL') return 'ip-allow'
  if ((ctx.dir ?? '').toUpperCase() === 'INT' || (ctx.authAs ?? '').toLowerCase() === 'internal')
    return 'intra-org'
  return 'ambiguous'
}

/** Plain-English meaning of an SFV value; SKI is resolved from the context when given. */
export function sfvMeaning(value: string, ctx?: SkiContext): string {
  const v = value.trim().toUpperCase()
  // ms-rule: hdr.ipv-cal.ip-allow-list
  if (v === 'SKN' && (ctx?.ipv ?? '').toUpperCase() === 'CAL')
    return "skipped spam filtering: with IPV:CAL, the source IP is on the connection filter's IP Allow List (the allowlist page pairs IPV:CAL with SKN; the 2026 troubleshooting page with SKI)"
  if (v === 'SKI' && ctx) {
    const r = resolveSki(ctx)
    if (r === 'ip-allow') return SKI_MEANINGS['ip-allow']
    if (r === 'intra-org') return SKI_MEANINGS['intra-org']
    return `skipped spam filtering; Microsoft's docs give two meanings: ${SKI_MEANINGS['ip-allow']}, or ${SKI_MEANINGS['intra-org']}`
  }
  return SFV_MEANINGS[v] ?? `unknown SFV value "${value}"`
}

// ms-rule: hdr.cat.categories
/** CAT values: which protection's policy applied (message-headers §1.1). MDO = Defender only. */
export const CAT_MEANINGS: Readonly<Record<string, string>> = {
  MALW: 'malware',
  AMP: 'anti-malware',
  FTBP: 'common attachments filter (blocked file type)',
  SAP: 'Safe Attachments (Defender for Office 365)',
  HPHSH: 'high-confidence phishing',
  HPHISH: 'high-confidence phishing',
  PHSH: 'phishing',
  HSPM: 'high-confidence spam',
  SPOOF: 'spoofing',
  UIMP: 'user impersonation (Defender for Office 365)',
  DIMP: 'domain impersonation (Defender for Office 365)',
  GIMP: 'mailbox intelligence impersonation (Defender for Office 365)',
  BIMP: 'brand impersonation (Defender for Office 365)',
  SPM: 'spam',
  BULK: 'bulk mail',
  OSPM: 'outbound spam',
  INTOS: 'intra-organisation phishing',
  NONE: 'nothing detected',
}

/** Plain-English meaning of a CAT value. */
export function catMeaning(value: string): string {
  const v = value.trim().toUpperCase()
  return CAT_MEANINGS[v] ?? `unknown category "${value}"`
}

// ms-rule: hdr.cat.unoverridable
/** CAT values for which no allow but advanced delivery can deliver (message-headers §1.5). */
export const UNOVERRIDABLE_CATS: ReadonlySet<string> = new Set([
  'MALW',
  'AMP',
  'FTBP',
  'SAP',
  'HPHSH',
  'HPHISH',
])

/** Processing order of verdicts, first wins (message-headers §1.1, exchange-online-api §4.1). */
export const CAT_ORDER: readonly string[] = CATEGORY_ORDER

// ms-rule: hdr.sfty.safety-level
/** SFTY values: phishing safety level (message-headers §1.1). */
export const SFTY_MEANINGS: Readonly<Record<string, string>> = {
  '9.19': 'domain impersonation',
  '9.20': 'user impersonation',
  '9.25': 'first-contact safety tip (a hint, not a verdict)',
  '9.11': 'intra-organisation spoofing (older docs; goes with compauth 6xx)',
  '9.22': 'cross-domain spoofing (older docs; goes with compauth 000/001)',
}

/** Plain-English meaning of an SFTY value (anything else is unknown). */
export function sftyMeaning(value: string): string {
  const v = value.trim()
  if (v === '') return 'no phishing safety level'
  return SFTY_MEANINGS[v] ?? `unknown safety level "${value}"`
}

// ms-rule: hdr.scl.level
/** Plain-English meaning of a spam confidence level (message-headers §1.3). */
export function sclMeaning(scl: number): string {
  if (scl === -1)
    return 'skip spam filtering (an instruction to bypass; malware and high-confidence phish are still enforced)'
  if (scl === 0 || scl === 1) return 'not spam'
  if (scl >= 2 && scl <= 4)
    return 'not spam by filtering (filtering never stamps 2-4; a transport rule or another system set it)'
  if (scl === 5 || scl === 6) return 'spam'
  if (scl >= 7 && scl <= 9) return 'high-confidence spam (7 is rarely stamped by filtering itself)'
  return `out-of-range SCL ${scl}`
}

/** Effect of each Advanced Spam Filter (X-CustomSpam) value ("ASF settings in EOP"). */
export const CUSTOM_SPAM_EFFECTS: Readonly<Record<string, string>> = {
  'image links to remote sites': 'ASF increase score: SCL 5/6',
  'numeric ip in url': 'ASF increase score: SCL 5/6',
  'url redirect to other port': 'ASF increase score: SCL 5/6',
  'url to .biz or .info websites': 'ASF increase score: SCL 5/6',
  'empty message': 'ASF mark as spam: SCL 9 (high-confidence spam)',
  'embed tag in html': 'ASF mark as spam: SCL 9 (high-confidence spam)',
  'javascript or vbscript tags in html': 'ASF mark as spam: SCL 9 (high-confidence spam)',
  'form tag in html': 'ASF mark as spam: SCL 9 (high-confidence spam)',
  'iframe or frame in html': 'ASF mark as spam: SCL 9 (high-confidence spam)',
  'web bug': 'ASF mark as spam: SCL 9 (high-confidence spam)',
  'object tag in html': 'ASF mark as spam: SCL 9 (high-confidence spam)',
  'sensitive word in subject/body': 'ASF mark as spam: SCL 9 (high-confidence spam)',
  'spf record fail': 'ASF mark as spam: SCL 9 (high-confidence spam)',
  'spf from record fail': 'ASF mark as spam: SCL 6',
  'backscatter ndr': 'ASF mark as spam: SCL 6',
  'this message was filtered by the custom spam filter option':
    'ASF test mode: the setting would have fired',
}

/** Plain-English meaning of an X-CustomSpam value. */
export function customSpamMeaning(value: string): string {
  const v = value.trim().replace(/\.$/, '').toLowerCase()
  const effect = CUSTOM_SPAM_EFFECTS[v]
  return effect
    ? `Advanced Spam Filter setting "${value.trim()}" fired (${effect})`
    : `Advanced Spam Filter setting "${value.trim()}" fired`
}

// ms-rule: hdr.ipv-cal.ip-allow-list
/** Plain-English meaning of an IPV value. */
export function ipvMeaning(value: string): string {
  const v = value.trim().toUpperCase()
  if (v === 'CAL')
    return 'the source IP is on the IP Allow List of the connection filter policy; spam filtering was skipped'
  if (v === 'NLI') return "the IP wasn't on any reputation list (neutral)"
  if (v === '') return 'no IP filter verdict'
  return `unknown IP filter verdict "${value}"`
}

/** Plain-English meaning of a DIR value. */
export function dirMeaning(value: string): string {
  const v = value.trim().toUpperCase()
  if (v === 'INB') return 'inbound'
  if (v === 'OUT') return 'outbound (a sending-side scan, not the recipient verdict)'
  if (v === 'INT') return 'internal (within the organisation)'
  return `unknown direction "${value}"`
}

/** Plain-English meaning of an SFP value (undocumented; observed values only). */
export function sfpMeaning(value: string): string {
  const v = value.trim()
  if (v === '') return 'empty (undocumented field)'
  if (v === '1101' || v === '1102') return 'undocumented; seen on clean outbound mail (obs)'
  if (v === '1501') return 'undocumented; seen on outbound mail marked OSPM (obs)'
  return 'undocumented value'
}

// ms-rule: hdr.bcl.level
/** BCL meaning and where it stands against the default / Standard / Strict thresholds (§1.2). */
export function bclMeaning(bcl: number): string {
  let band: string
  if (bcl === 0) band = 'not bulk'
  else if (bcl >= 1 && bcl <= 3) band = 'bulk sender with few complaints'
  else if (bcl >= 4 && bcl <= 7) band = 'bulk sender with mixed complaints'
  else if (bcl >= 8 && bcl <= 9) band = 'bulk sender with many complaints'
  else return `out-of-range BCL ${bcl}`
  const over: string[] = []
  if (bcl >= 7) over.push('default (7)')
  if (bcl >= 6) over.push('Standard (6)')
  if (bcl >= 5) over.push('Strict (5)')
  return over.length === 0
    ? `${band}; below every bulk threshold`
    : `${band}; at or above the ${over.join(', ')} bulk threshold: Junk (Strict: quarantine)`
}

/** PCL meaning (older mail; Exchange 2013 describes 1-8, higher is more suspicious). */
export function pclMeaning(pcl: number): string {
  if (pcl >= 0 && pcl <= 8)
    return `phishing confidence level ${pcl} (older header; higher is more suspicious; 2 is the usual value in consumer mail)`
  return `out-of-range PCL ${pcl}`
}
