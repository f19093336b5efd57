/**
 * Composite authentication (compauth) reason codes.
 *
 * Microsoft's reason table (message-headers-eop-mdo.md, "Authentication-results message header
 * fields") names four exact failure codes (000, 001, 002, 010) and 130, and otherwise only
 * ranges: 1xx/7xx pass, 2xx softpass, 3xx not checked, 4xx/9xx bypassed, 6xx implicit fail for an
 * accepted domain; it says the last two digits are internal. Every finer reading of a code
 * (102 = SPF aligned, 905 = complex routing, 5xx = NDRs, ...) comes from community tables or
 * samples, never from Microsoft, and is kept apart and marked as such.
 */

/** Where a reason code's most specific meaning comes from. */
export type CompauthReasonSource =
  /** Microsoft's reason table (an exact code, or the range the code falls in). */
  | 'microsoft'
  /** Community tables (e.g. mgeeky/decode-spam-headers); not in Microsoft's table. */
  | 'third-party'
  /** Seen in public mail samples only. */
  | 'observed'
  /** Neither Microsoft nor anyone else documents it. */
  | 'unknown'

/** A reason code read against Microsoft's table and, apart, against third-party knowledge. */
export interface CompauthReason {
  code: string
  /** What Microsoft's table says: the exact code, else its range; null when Microsoft is silent. */
  microsoft: string | null
  /** A finer reading that Microsoft doesn't document; null when there is none. */
  thirdParty: string | null
  /** Where the most specific of the two comes from. */
  source: CompauthReasonSource
}

// ms-rule: hdr.compauth.reason-codes
/** The exact codes Microsoft's table names (message-headers-eop-mdo.md). */
const MICROSOFT_EXACT: Readonly<Record<string, string>> = {
  '000': 'explicit fail: DMARC failed and the domain publishes p=quarantine or p=reject',
  '001':
    'implicit fail: the domain publishes no or weak authentication records (spoof intelligence)',
  '002': 'the admin blocked spoofing for this sender/domain pair',
  '010':
    'DMARC failed with p=quarantine or p=reject, and the From domain is one of your accepted domains',
  '130': 'pass: a trusted ARC sealer overrode a DMARC failure',
}

/** Microsoft's ranges, by first digit (the rest are internal codes, per Microsoft). */
const MICROSOFT_RANGES: Readonly<Record<string, string>> = {
  '1': 'pass (1xx): authenticated',
  '2': 'softpass (2xx): soft-passed implicit authentication',
  '3': 'none (3xx): composite authentication was not checked',
  '4': 'none (4xx): composite authentication was bypassed',
  '6': 'implicit fail (6xx): the From domain is one of your accepted domains (self-to-self or intra-organisation spoofing)',
  '7': 'pass (7xx): authenticated',
  '9': 'none (9xx): composite authentication was bypassed',
}

/**
 * Exact readings Microsoft does not document: community tables (third-party) or samples
 * (observed). They refine Microsoft's range; they are never presented as Microsoft's.
 */
const OTHER_EXACT: Readonly<
  Record<string, { meaning: string; source: 'third-party' | 'observed' }>
> = {
  '100': { meaning: 'SPF or DKIM aligned with the From domain', source: 'third-party' },
  '101': { meaning: 'DKIM signed by the From domain', source: 'third-party' },
  '102': { meaning: 'SPF passed and aligned', source: 'third-party' },
  '103': { meaning: 'PTR record aligned', source: 'third-party' },
  '104': { meaning: 'PTR record aligned', source: 'third-party' },
  '105': { meaning: 'undocumented pass code seen in phishing samples', source: 'observed' },
  '108': { meaning: 'DKIM broken by an earlier legitimate hop', source: 'third-party' },
  '109': { meaning: 'no DMARC record, but it would pass', source: 'third-party' },
  '111': { meaning: 'DMARC temporary/permanent error, but aligned', source: 'third-party' },
  '112': { meaning: 'DNS timeout', source: 'third-party' },
  '115': {
    meaning: 'the From domain is an accepted domain of the sending Microsoft 365 organisation',
    source: 'third-party',
  },
  '116': { meaning: 'MX and PTR aligned', source: 'third-party' },
  '201': { meaning: 'PTR alignment', source: 'third-party' },
  '202': { meaning: 'PTR alignment', source: 'third-party' },
  '501': { meaning: 'valid non-delivery report; DMARC not enforced', source: 'third-party' },
  '502': { meaning: 'valid non-delivery report; DMARC not enforced', source: 'third-party' },
  '601': { meaning: 'self-to-self or intra-organisation spoofing', source: 'third-party' },
  '701': { meaning: 'history of legitimate mail from this infrastructure', source: 'third-party' },
  '702': { meaning: 'history of legitimate mail from this infrastructure', source: 'third-party' },
  '703': { meaning: 'history of legitimate mail from this infrastructure', source: 'third-party' },
  '704': { meaning: 'history of legitimate mail from this infrastructure', source: 'third-party' },
  '905': { meaning: 'complex routing; DMARC not enforced', source: 'third-party' },
}

const THREE_DIGITS = /^\d{3}$/

/** A reason code read against Microsoft's table and third-party knowledge; null when not 3 digits. */
export function compauthReason(code: string | null): CompauthReason | null {
  if (code === null) return null
  const c = code.trim()
  if (!THREE_DIGITS.test(c)) return null
  const exact = MICROSOFT_EXACT[c]
  if (exact) return { code: c, microsoft: exact, thirdParty: null, source: 'microsoft' }
  // The four exact 0xx codes are all Microsoft lists; any other 0xx (and 5xx, 8xx) is outside it.
  const microsoft = c[0] === '0' ? null : (MICROSOFT_RANGES[c[0] ?? ''] ?? null)
  const other = OTHER_EXACT[c]
  if (other) return { code: c, microsoft, thirdParty: other.meaning, source: other.source }
  return { code: c, microsoft, thirdParty: null, source: microsoft ? 'microsoft' : 'unknown' }
}

/**
 * Meaning of a compauth reason code in words: Microsoft's (exact or range) first, then any finer
 * reading marked as not Microsoft's; null when empty.
 */
export function compauthReasonMeaning(code: string | null): string | null {
  if (code === null) return null
  const c = code.trim()
  if (c === '') return null
  const r = compauthReason(c)
  if (r === null) return `unrecognised reason code "${code}"`
  const extra =
    r.thirdParty === null
      ? ''
      : r.source === 'observed'
        ? `${r.thirdParty} (seen in samples only; Microsoft doesn't document ${c})`
        : `third-party reading, not Microsoft's: ${r.thirdParty}`
  if (r.microsoft !== null) return extra ? `${r.microsoft}; ${extra}` : r.microsoft
  return extra || `reason code ${c} is not in Microsoft's table (undocumented)`
}

/**
 * The compauth result Microsoft's table gives for a code (exact or range), for consistency checks;
 * null where Microsoft's table says nothing (5xx, 8xx, other 0xx).
 */
export function compauthExpectedResult(code: string): string | null {
  if (!THREE_DIGITS.test(code)) return null
  if (code[0] === '0') return ['000', '001', '002', '010'].includes(code) ? 'fail' : null
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
