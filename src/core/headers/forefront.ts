/**
 * Decoder for X-Forefront-Antispam-Report (and its renamed copies such as
 * X-Forefront-Antispam-Report-Untrusted): every field, with its meaning (message-headers §1.1).
 */
import {
  intValue,
  isSpace,
  LazyField,
  splitPairs,
  upperWord,
  wordsByLength,
  type DecodedField,
} from './fields.js'
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

/** What a field's meaning depends on besides its value: the report (IPV, DIR) and AuthAs. */
interface Wording {
  report: ForefrontReport
  authAs: string | null
}

/** Field keys (upper-cased) the reference describes. */
const KNOWN = new Set([
  'CIP',
  'CTRY',
  'LANG',
  'H',
  'PTR',
  'DIR',
  'SCL',
  'SRV',
  'IPV',
  'SFV',
  'CAT',
  'SFTY',
  'SFS',
  'X-CUSTOMSPAM',
  'SFP',
  'ARC',
  ...LEGACY,
])

/** The keys, upper-cased (see upperWord). */
const KEYS = wordsByLength([...KNOWN])

/** Meaning of one field (key upper-cased) given the whole report (for SKI). */
function fieldMeaning(key: string, value: string, { report: r, authAs }: Wording): string {
  switch (key) {
    case 'CIP':
      return value === '255.255.255.255'
        ? r.dir === 'INT'
          ? 'connecting IP hidden (internal mail)'
          : 'connecting IP hidden: this is a sender-side outbound report'
        : `IP address that connected to EOP: ${value} (the value for the IP Allow/Block List; with Enhanced Filtering, the original internet IP)`
    case 'CTRY':
      return `country or region of the connecting IP: ${value}`
    case 'LANG':
      return `language detected in the message: ${value}`
    case 'H':
      return `HELO/EHLO name of the connecting server: ${value}`
    case 'PTR':
      return value === 'InfoDomainNonexistent'
        ? 'the connecting IP has no reverse DNS name (obs)'
        : `reverse DNS name of the connecting IP: ${value}`
    case 'DIR':
      return `direction: ${dirMeaning(value)}`
    case 'SCL': {
      const n = intValue(value)
      return n === null
        ? `spam confidence level "${value}" (not a number)`
        : `spam confidence level ${n}: ${sclMeaning(n)} (the 2026 docs say CAT and DIR, not SCL, decide in cloud tenants)`
    }
    case 'SRV':
      return value.toUpperCase() === 'BULK'
        ? 'bulk mail, judged against the BCL threshold (treated as spam when MarkAsSpamBulkMail is On, the default)'
        : value === ''
          ? 'no service verdict'
          : `service verdict "${value}"`
    case 'IPV':
      return ipvMeaning(value)
    case 'SFV':
      return sfvMeaning(value, { ipv: r.ipv, dir: r.dir, authAs })
    case 'CAT':
      return `category: ${catMeaning(value)}`
    case 'SFTY':
      return `phishing safety level: ${sftyMeaning(value)}`
    case 'SFS':
      return value === ''
        ? 'no spam filter rule IDs'
        : 'internal spam filter rule IDs (undocumented; reverse-engineered maps only) (3p)'
    case 'X-CUSTOMSPAM':
      return customSpamMeaning(value)
    case 'SFP':
      return sfpMeaning(value)
    // ms-rule: hdr.arc.field
    case 'ARC':
      return 'ARC sub-fields (AAR, AMS, AS with chain validation cv=); rarely seen'
    default:
      if (LEGACY.has(key)) return 'legacy or diagnostic field seen in 2017-2019 mail'
      return 'not described by Microsoft (internal diagnostics); kept as written'
  }
}

/** Values of DIR, SRV, IPV, SFV and CAT that recur, upper-cased (see upperWord). */
const VALUES = wordsByLength([
  'INB',
  'OUT',
  'INT',
  'BULK',
  'CAL',
  'NLI',
  'SPM',
  'NSPM',
  'SKN',
  'SKA',
  'SKI',
  'SKQ',
  'SKB',
  'SKS',
  'SFE',
  'BLK',
  'NONE',
  'HPHSH',
  'HPHISH',
  'PHSH',
  'HSPM',
  'SPOOF',
  'DIMP',
  'GIMP',
  'UIMP',
  'MALW',
])

/** Most SFS rule IDs kept. */
const MAX_RULE_IDS = 256

/**
 * The SFS rule IDs: the runs of characters other than parentheses and white space, at most
 * MAX_RULE_IDS (`(sfs.match(/[^()\s]+/g) ?? []).slice(0, 256)`, in one pass with no regex;
 * isSpace is the regex's `\s`).
 */
export function ruleIds(sfs: string): string[] {
  const out: string[] = []
  let start = -1
  const n = sfs.length
  for (let i = 0; i < n; i++) {
    const c = sfs.charCodeAt(i)
    if (c === 40 /* ( */ || c === 41 /* ) */ || isSpace(c)) {
      if (start >= 0) {
        out.push(sfs.slice(start, i))
        if (out.length === MAX_RULE_IDS) return out
        start = -1
      }
    } else if (start < 0) start = i
  }
  if (start >= 0) out.push(sfs.slice(start))
  return out
}

/** The value upper-cased (null stays null). */
function upper(v: string | null): string | null {
  return v === null ? null : upperWord(VALUES, v)
}

/** Decodes one X-Forefront-Antispam-Report value. Never throws. */
export function decodeForefrontReport(
  value: string,
  header = 'X-Forefront-Antispam-Report',
  index = 0,
  ctx: ForefrontContext = {},
): ForefrontReport {
  const pairs = splitPairs(value)
  // One pass over the pairs: each key upper-cased once; the fields read below take the first
  // pair of their key (undefined: not seen yet), with no map of every key; each pair becomes its
  // field (worded when read, by which time `wording.report` is the report built below) and, when
  // the reference doesn't describe its key, an unknown entry.
  const fields: DecodedField[] = []
  const unknown = Object.create(null) as Record<string, string>
  const wording: Wording = {
    report: null as unknown as ForefrontReport,
    authAs: ctx.authAs ?? null,
  }
  let cip: string | undefined
  let ctry: string | undefined
  let lang: string | undefined
  let h: string | undefined
  let ptr: string | undefined
  let dirRaw: string | undefined
  let scl: string | undefined
  let srv: string | undefined
  let ipv: string | undefined
  let sfv: string | undefined
  let cat: string | undefined
  let sfty: string | undefined
  let sfs: string | undefined
  let customSpam: string | undefined
  let sfp: string | undefined
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i] as (typeof pairs)[number]
    const k = upperWord(KEYS, p.key)
    // Whether the reference describes the key (KNOWN.has), settled by the switch for the keys it
    // reads, so that only the other keys are looked up.
    let known = true
    switch (k) {
      case 'CIP':
        cip ??= p.value
        break
      case 'CTRY':
        ctry ??= p.value
        break
      case 'LANG':
        lang ??= p.value
        break
      case 'H':
        h ??= p.value
        break
      case 'PTR':
        ptr ??= p.value
        break
      case 'DIR':
        dirRaw ??= p.value
        break
      case 'SCL':
        scl ??= p.value
        break
      case 'SRV':
        srv ??= p.value
        break
      case 'IPV':
        ipv ??= p.value
        break
      case 'SFV':
        sfv ??= p.value
        break
      case 'CAT':
        cat ??= p.value
        break
      case 'SFTY':
        sfty ??= p.value
        break
      case 'SFS':
        sfs ??= p.value
        break
      case 'X-CUSTOMSPAM':
        customSpam ??= p.value
        break
      case 'SFP':
        sfp ??= p.value
        break
      default:
        known = KNOWN.has(k)
    }
    fields.push(new LazyField(p.key, p.value, known, fieldMeaning, k, wording))
    if (!known && !(p.key in unknown)) unknown[p.key] = p.value
  }
  const dir = upper(dirRaw ?? null)
  const r: ForefrontReport = {
    header,
    index,
    raw: value,
    // The name as Exchange writes it is settled without a lower-cased copy.
    renamed:
      header !== 'X-Forefront-Antispam-Report' &&
      header.toLowerCase() !== 'x-forefront-antispam-report',
    outbound: dir === 'OUT' || (cip === '255.255.255.255' && dir !== 'INT'),
    cip: cip ?? null,
    ctry: ctry ?? null,
    lang: lang ?? null,
    h: h ?? null,
    ptr: ptr ?? null,
    dir,
    scl: intValue(scl ?? null),
    srv: upper(srv ?? null),
    ipv: upper(ipv ?? null),
    sfv: upper(sfv ?? null),
    cat: upper(cat ?? null),
    sfty: sfty ?? null,
    sfs: sfs === undefined ? [] : ruleIds(sfs),
    customSpam: customSpam ?? null,
    sfp: sfp ?? null,
    fields,
    unknown,
  }
  wording.report = r
  return r
}
