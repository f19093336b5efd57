/**
 * Composite authentication (compauth) reason codes, per the table of message-headers §1.4.
 */

/** Exact codes the reference names. */
const EXACT: Readonly<Record<string, string>> = {
  '000': 'explicit fail: DMARC failed and the domain publishes p=quarantine or p=reject',
  '001': 'implicit fail: the domain has no or weak authentication records (spoof intelligence)',
  '002': 'the admin blocked spoofing for this sender/domain pair',
  '010': 'DMARC failed, and the From domain is one of your accepted domains',
  '100': 'pass: SPF or DKIM aligned with the From domain',
  '101': 'pass: DKIM signed by the From domain',
  '102': 'pass: SPF passed and aligned',
  '103': 'pass: PTR record aligned',
  '104': 'pass: PTR record aligned',
  '105': 'undocumented pass code (seen in phishing samples) (obs)',
  '108': 'pass: DKIM broken by an earlier legitimate hop',
  '109': 'pass: no DMARC record, but it would pass',
  '111': 'pass: DMARC temporary/permanent error, but aligned',
  '112': 'pass: DNS timeout',
  '115': 'pass: the From domain is an accepted domain of the sending Microsoft 365 organisation',
  '116': 'pass: MX and PTR aligned',
  '130': 'pass: a trusted ARC sealer overrode DMARC',
  '201': 'softpass: PTR alignment',
  '202': 'softpass: PTR alignment',
  '501': 'valid non-delivery report; DMARC not enforced',
  '502': 'valid non-delivery report; DMARC not enforced',
  '601': 'implicit fail: self-to-self or intra-organisation spoofing',
  '905': 'bypassed: complex routing, DMARC not enforced',
}

/** Meaning of a compauth reason code (3 digits), by exact code then by range; null when empty. */
export function compauthReasonMeaning(code: string | null): string | null {
  if (code === null) return null
  const c = code.trim()
  if (!/^\d{3}$/.test(c)) return c === '' ? null : `unrecognised reason code "${code}"`
  const exact = EXACT[c]
  if (exact) return exact
  const n = Number(c)
  if (n >= 701 && n <= 704) return 'pass: history of legitimate mail from this infrastructure'
  switch (c[0]) {
    case '1':
      return 'pass (1xx): authenticated or aligned'
    case '2':
      return 'softpass (2xx): PTR alignments'
    case '3':
      return 'none (3xx): not checked'
    case '4':
    case '9':
      return `none (${c[0]}xx): bypassed`
    case '6':
      return 'implicit fail (6xx)'
    case '7':
      return 'pass (7xx): history of legitimate mail from this infrastructure'
    default:
      return `undocumented reason code ${c}`
  }
}

/** The compauth result the reference table gives for a code's range (for consistency checks). */
export function compauthExpectedResult(code: string): string | null {
  if (!/^\d{3}$/.test(code)) return null
  if (code === '105') return 'pass'
  if (code.startsWith('0') && ['000', '001', '002', '010'].includes(code)) return 'fail'
  switch (code[0]) {
    case '1':
    case '7':
      return 'pass'
    case '2':
      return 'softpass'
    case '3':
    case '4':
    case '9':
      return 'none'
    case '6':
      return 'fail'
    default:
      return null
  }
}
