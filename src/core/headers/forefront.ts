/**
 * Decoder for X-Forefront-Antispam-Report (and its renamed copies such as
 * X-Forefront-Antispam-Report-Untrusted): every field, with its meaning (message-headers §1.1).
 */
import { intValue, splitPairs, type DecodedField } from './fields.js'
import {
  catMeaning,
  customSpamMeaning,
  dirMeaning,
  ipvMeaning,
  sclMeaning,
  sfpMeaning,
  sftyMeaning,
  sfvMeaning,
} from './vocabulary.js'

/** A decoded X-Forefront-Antispam-Report header. */
export interface ForefrontReport {
  /** Header name as found (a renamed copy keeps its suffix). */
  header: string
  index: number
  raw: string
  /** The header is a renamed copy (`-Untrusted`, `-Original`, ...), never the recipient verdict. */
  renamed: boolean
  /** A sending-side outbound scan: DIR:OUT, or CIP:255.255.255.255 on mail that isn't internal. */
  outbound: boolean
  cip: string | null
  ctry: string | null
  lang: string | null
  h: string | null
  ptr: string | null
  /** INB, OUT or INT as written (upper-cased). */
  dir: string | null
  scl: number | null
  srv: string | null
  ipv: string | null
  sfv: string | null
  cat: string | null
  sfty: string | null
  /** SFS rule IDs, without parentheses (undocumented). */
  sfs: string[]
  customSpam: string | null
  sfp: string | null
  /** Every field in order, with its meaning. */
  fields: DecodedField[]
  /** Fields the reference doesn't describe, kept as written. */
  unknown: Record<string, string>
}

/** Context for meanings that depend on other headers (SFV:SKI). */
export interface ForefrontContext {
  authAs?: string | null
}

const LEGACY = new Set(['EFV', 'SRVR', 'FPR', 'SPF', 'MX', 'A', 'UIP'])

/** Meaning of one field given the whole report (for SKI). */
function fieldMeaning(
  key: string,
  value: string,
  r: ForefrontReport,
  ctx: ForefrontContext,
): { meaning: string; known: boolean } {
  switch (key) {
    case 'CIP':
      return {
        meaning:
          value === '255.255.255.255'
            ? r.dir === 'INT'
              ? 'connecting IP hidden (internal mail)'
              : 'connecting IP hidden: this is a sender-side outbound report'
            : `IP address that connected to EOP: ${value} (the value for the IP Allow/Block List; with Enhanced Filtering, the original internet IP)`,
        known: true,
      }
    case 'CTRY':
      return { meaning: `country or region of the connecting IP: ${value}`, known: true }
    case 'LANG':
      return { meaning: `language detected in the message: ${value}`, known: true }
    case 'H':
      return { meaning: `HELO/EHLO name of the connecting server: ${value}`, known: true }
    case 'PTR':
      return {
        meaning:
          value === 'InfoDomainNonexistent'
            ? 'the connecting IP has no reverse DNS name (obs)'
            : `reverse DNS name of the connecting IP: ${value}`,
        known: true,
      }
    case 'DIR':
      return { meaning: `direction: ${dirMeaning(value)}`, known: true }
    case 'SCL': {
      const n = intValue(value)
      return {
        meaning:
          n === null
            ? `spam confidence level "${value}" (not a number)`
            : `spam confidence level ${n}: ${sclMeaning(n)} (the 2026 docs say CAT and DIR, not SCL, decide in cloud tenants)`,
        known: true,
      }
    }
    case 'SRV':
      return {
        meaning:
          value.toUpperCase() === 'BULK'
            ? 'bulk mail, judged against the BCL threshold (treated as spam when MarkAsSpamBulkMail is On, the default)'
            : value === ''
              ? 'no service verdict'
              : `service verdict "${value}"`,
        known: true,
      }
    case 'IPV':
      return { meaning: ipvMeaning(value), known: true }
    case 'SFV':
      return {
        meaning: sfvMeaning(value, { ipv: r.ipv, dir: r.dir, authAs: ctx.authAs ?? null }),
        known: true,
      }
    case 'CAT':
      return { meaning: `category: ${catMeaning(value)}`, known: true }
    case 'SFTY':
      return { meaning: `phishing safety level: ${sftyMeaning(value)}`, known: true }
    case 'SFS':
      return {
        meaning:
          value === ''
            ? 'no spam filter rule IDs'
            : 'internal spam filter rule IDs (undocumented; reverse-engineered maps only) (3p)',
        known: true,
      }
    case 'X-CUSTOMSPAM':
      return { meaning: customSpamMeaning(value), known: true }
    case 'SFP':
      return { meaning: sfpMeaning(value), known: true }
    // ms-rule: hdr.arc.field
    case 'ARC':
      return {
        meaning: 'ARC sub-fields (AAR, AMS, AS with chain validation cv=); rarely seen',
        known: true,
      }
    default:
      if (LEGACY.has(key))
        return { meaning: 'legacy or diagnostic field seen in 2017-2019 mail', known: true }
      return {
        meaning: 'not described by Microsoft (internal diagnostics); kept as written',
        known: false,
      }
  }
}

/** Decodes one X-Forefront-Antispam-Report value. Never throws. */
export function decodeForefrontReport(
  value: string,
  header = 'X-Forefront-Antispam-Report',
  index = 0,
  ctx: ForefrontContext = {},
): ForefrontReport {
  const pairs = splitPairs(value)
  // Each key upper-cased once, into a map (the first pair of a key wins), instead of a scan of
  // every pair for each of the fields read below.
  const keys: string[] = new Array<string>(pairs.length)
  const byKey = new Map<string, string>()
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i] as (typeof pairs)[number]
    const k = p.key.toUpperCase()
    keys[i] = k
    if (!byKey.has(k)) byKey.set(k, p.value)
  }
  const get = (k: string): string | null => byKey.get(k) ?? null
  const upper = (v: string | null): string | null => (v === null ? null : v.toUpperCase())
  const cip = get('CIP')
  const dir = upper(get('DIR'))
  const sfs = get('SFS')
  const r: ForefrontReport = {
    header,
    index,
    raw: value,
    renamed: header.toLowerCase() !== 'x-forefront-antispam-report',
    outbound: dir === 'OUT' || (cip === '255.255.255.255' && dir !== 'INT'),
    cip,
    ctry: get('CTRY'),
    lang: get('LANG'),
    h: get('H'),
    ptr: get('PTR'),
    dir,
    scl: intValue(get('SCL')),
    srv: upper(get('SRV')),
    ipv: upper(get('IPV')),
    sfv: upper(get('SFV')),
    cat: upper(get('CAT')),
    sfty: get('SFTY'),
    sfs: sfs === null ? [] : (sfs.match(/[^()\s]+/g) ?? []).slice(0, 256),
    customSpam: get('X-CUSTOMSPAM'),
    sfp: get('SFP'),
    fields: [],
    unknown: Object.create(null) as Record<string, string>,
  }
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i] as (typeof pairs)[number]
    const key = keys[i] as string
    const m = fieldMeaning(key, p.value, r, ctx)
    r.fields.push({ key: p.key, value: p.value, meaning: m.meaning, known: m.known })
    if (!m.known && !(p.key in r.unknown)) r.unknown[p.key] = p.value
  }
  return r
}
