/**
 * Decoder for the X-MS-Exchange-Organization-* headers (and the hybrid CrossPremises copies) that
 * survive Exchange's header firewall (message-headers §1.3, exchange-online-api §3.14).
 */
import { intValue, LazyField, type DecodedField } from './fields.js'
import type { RawHeader } from './parse.js'
import { sclMeaning } from './vocabulary.js'

/** The decoded organisation headers (the topmost of each name wins). */
export interface OrganizationHeaders {
  scl: number | null
  pcl: number | null
  /** Anonymous, Internal, External or Partner. */
  authAs: string | null
  /** FQDN of the server that evaluated authentication. */
  authSource: string | null
  /** Two-hex-digit mechanism code, as written. */
  authMechanism: string | null
  authDomain: string | null
  /** Incoming or Originating. */
  messageDirectionality: string | null
  /** Raw BypassClutter value; only `true` (case-sensitive) works. */
  bypassClutter: string | null
  bypassFocusedInbox: string | null
  skipSafeLinksProcessing: string | null
  skipSafeAttachmentProcessing: string | null
  /** On-premises Exchange Content Filter report (not an EOP cloud header). */
  antispamReport: string | null
  /** Hybrid copy of the SCL. */
  crossPremisesScl: number | null
  /** X-MS-Exchange-CrossPremises-Antispam-ScanContext, as written. */
  crossPremisesScanContext: string | null
  /** Every organisation / cross-premises header seen, with its meaning. */
  fields: DecodedField[]
}

const ORG = 'x-ms-exchange-organization-'
const XP = 'x-ms-exchange-crosspremises-'

/** Short names (after the prefix) that meaning() describes. */
const KNOWN = new Set([
  'scl',
  'pcl',
  'authas',
  'authsource',
  'authmechanism',
  'authdomain',
  'messagedirectionality',
  'bypassclutter',
  'bypassfocusedinbox',
  'skipsafelinksprocessing',
  'skipsafeattachmentprocessing',
  'antispam-report',
  'crosspremises-scl',
  'crosspremises-antispam-scancontext',
])

/** Meaning of one organisation header by its short name (after the prefix). */
function meaning(short: string, value: string): string {
  switch (short) {
    case 'scl': {
      const n = intValue(value)
      return n === null
        ? 'spam confidence level (not a number)'
        : `spam confidence level ${n}: ${sclMeaning(n)}`
    }
    case 'pcl':
      return 'phishing confidence level (2 is usual in consumer mail)'
    case 'authas': {
      const v = value.toLowerCase()
      const m: Record<string, string> = {
        anonymous: 'the sending server was not authenticated (ordinary internet mail)',
        internal: 'authenticated submission inside the organisation (intra-org)',
        external: 'authenticated as an external partner system',
        partner: 'authenticated as a partner (e.g. a partner connector)',
      }
      return m[v] ?? `authentication status "${value}"`
    }
    case 'authsource':
      return `server that evaluated authentication: ${value}`
    case 'authmechanism':
      return `authentication mechanism code ${value}`
    case 'authdomain':
      return `authenticated domain: ${value}`
    case 'messagedirectionality':
      return value.toLowerCase() === 'incoming'
        ? 'the message came into the organisation'
        : value.toLowerCase() === 'originating'
          ? 'the message originated inside the organisation'
          : `directionality "${value}"`
    case 'bypassclutter':
      return value === 'true'
        ? 'a transport rule told the mailbox to bypass Clutter'
        : `BypassClutter "${value}" has no effect: the value is case-sensitive and must be "true"`
    case 'bypassfocusedinbox':
      return 'a transport rule asked to bypass Focused Inbox (3p)'
    case 'skipsafelinksprocessing':
      return 'a transport rule turned off Safe Links wrapping for this message (semantics unconfirmed by Microsoft)'
    case 'skipsafeattachmentprocessing':
      return 'a transport rule turned off Safe Attachments detonation for this message (semantics unconfirmed by Microsoft)'
    case 'antispam-report':
      return 'on-premises Exchange Content Filter report (not an EOP cloud verdict)'
    default:
      return 'organisation header; not decoded'
  }
}

/** The meaning of an organisation or cross-premises header by its short name. */
function fieldMeaning(short: string, value: string): string {
  return short === 'crosspremises-scl'
    ? meaning('scl', value)
    : short === 'crosspremises-antispam-scancontext'
      ? 'hybrid scan context (obs)'
      : meaning(short, value)
}

/**
 * Short names by lower-cased header name (null: not an organisation header), remembered: the
 * lower-cased names come from the parser's name cache, so the same few dozen recur. Bounded.
 */
const SHORT_NAMES = new Map<string, string | null>()

/** The short name of an organisation or cross-premises header (after its prefix), or null. */
function shortName(lower: string): string | null {
  let short = SHORT_NAMES.get(lower)
  if (short !== undefined) return short
  short = lower.startsWith(ORG)
    ? lower.slice(ORG.length)
    : lower.startsWith(XP)
      ? `crosspremises-${lower.slice(XP.length)}`
      : null
  if (SHORT_NAMES.size >= 2048) SHORT_NAMES.clear()
  SHORT_NAMES.set(lower, short)
  return short
}

/** Whether decodeOrganization reads the header (by its lower-cased name). */
export function isOrganizationHeader(lower: string): boolean {
  return shortName(lower) !== null
}

/** Decodes the organisation headers from the header list (topmost of each name wins). */
export function decodeOrganization(headers: readonly RawHeader[]): OrganizationHeaders {
  const out: OrganizationHeaders = {
    scl: null,
    pcl: null,
    authAs: null,
    authSource: null,
    authMechanism: null,
    authDomain: null,
    messageDirectionality: null,
    bypassClutter: null,
    bypassFocusedInbox: null,
    skipSafeLinksProcessing: null,
    skipSafeAttachmentProcessing: null,
    antispamReport: null,
    crossPremisesScl: null,
    crossPremisesScanContext: null,
    fields: [],
  }
  const seen = new Set<string>()
  for (const h of headers) {
    const short = shortName(h.lower)
    if (short === null) continue
    if (out.fields.length < 200)
      out.fields.push(new LazyField(h.name, h.value, KNOWN.has(short), fieldMeaning, short, null))
    if (seen.has(short)) continue
    seen.add(short)
    const v = h.value
    switch (short) {
      case 'scl':
        out.scl = intValue(v)
        break
      case 'pcl':
        out.pcl = intValue(v)
        break
      case 'authas':
        out.authAs = v
        break
      case 'authsource':
        out.authSource = v
        break
      case 'authmechanism':
        out.authMechanism = v
        break
      case 'authdomain':
        out.authDomain = v
        break
      case 'messagedirectionality':
        out.messageDirectionality = v
        break
      case 'bypassclutter':
        out.bypassClutter = v
        break
      case 'bypassfocusedinbox':
        out.bypassFocusedInbox = v
        break
      case 'skipsafelinksprocessing':
        out.skipSafeLinksProcessing = v
        break
      case 'skipsafeattachmentprocessing':
        out.skipSafeAttachmentProcessing = v
        break
      case 'antispam-report':
        out.antispamReport = v
        break
      case 'crosspremises-scl':
        out.crossPremisesScl = intValue(v)
        break
      case 'crosspremises-antispam-scancontext':
        out.crossPremisesScanContext = v
        break
    }
  }
  return out
}
