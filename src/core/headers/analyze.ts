/**
 * analyzeHeaders: from a raw header block or a whole .eml to a trusted, explained verdict.
 */
import { decodeAntispam, type AntispamHeader } from './antispam.js'
import { decodeAtpProperties } from './atp.js'
import { decodeAuthResults, type AuthResults } from './auth-results.js'
import { conclude, type Conclusion } from './conclusion.js'
import {
  decodeEnhancedFiltering,
  EFC_HEADERS,
  type EnhancedFilteringHeader,
} from './enhanced-filtering.js'
import { FoldedHeader } from './folded-header.js'
import { decodeForefrontReport, type ForefrontReport } from './forefront.js'
import { setTag, tagOf } from './header-names.js'
import { decodeMailboxDelivery, type MailboxDelivery } from './mailbox-delivery.js'
import { decodeOrganization, isOrganizationHeader } from './organization.js'
import {
  DEFAULT_LIMITS,
  headerTextMatches,
  parseHeaderBlockWithin,
  type HeaderBlock,
  type RawHeader,
} from './parse.js'
import { parseReceivedHop, type ReceivedHop } from './received.js'
import { findSafeLinks, joinSoftBreaks, MAX_LINKS, type SafeLink } from './safe-links.js'
import { findTenantMarkers, isTenantMarker } from './tenant.js'
import { decideTrust, type ReportStatus } from './trust.js'
import type {
  AnalyzeOptions,
  AuthSummary,
  DecodedHeaders,
  Evidence,
  HeaderAnalysis,
} from './types.js'
import { checkVendor } from './vendor-check.js'

/** A substring of every Safe Links marker (see safe-links.ts MARKER). */
const SAFELINK_HINT = /safelink/i

/** Caps on how many headers of each kind are decoded. */
const MAX_HOPS = 200
const MAX_OF_KIND = 20
/** Largest accepted maxBytes (64 MB). */
const MAX_BYTES_CEILING = 64 * 1024 * 1024

const AUTH_NAMES = new Set([
  'authentication-results',
  'authentication-results-original',
  'original-authentication-results',
])
const ANTISPAM_NAMES = new Set(['x-microsoft-antispam', 'x-microsoft-antispam-untrusted'])
/** Field names of X-Forefront-Antispam-Report that a bare pasted value starts with. */
const REPORT_FIELDS = new Set([
  'CIP',
  'CTRY',
  'LANG',
  'SCL',
  'SRV',
  'IPV',
  'SFV',
  'H',
  'PTR',
  'CAT',
  'SFTY',
  'SFS',
  'DIR',
  'SFP',
  'ARC',
])

/** The domain of the last address in a header value (`Name <a@b.example>` -> `b.example`). */
function domainOfAddress(value: string): string | null {
  const v = value.slice(0, 2048)
  const at = v.lastIndexOf('@')
  if (at < 0) return null
  const m = /^[a-z0-9.-]{1,253}/i.exec(v.slice(at + 1))
  const d = m ? m[0].toLowerCase().replace(/\.$/, '') : ''
  return d.includes('.') ? d : null
}

/**
 * The strings without repeats, first occurrences in order (as `[...new Set(xs)]`): a few
 * findings are compared in place, without hashing (and so flattening) every one of them.
 */
function unique(xs: readonly string[]): string[] {
  if (xs.length > 32) return [...new Set(xs)]
  const out: string[] = []
  for (const x of xs) {
    let seen = false
    for (const y of out)
      if (y.length === x.length && y === x) {
        seen = true
        break
      }
    if (!seen) out.push(x)
  }
  return out
}

function emptyAuth(): AuthSummary {
  return {
    spf: null,
    dkim: null,
    dmarc: null,
    compauth: null,
    reason: null,
    reasonMeaning: null,
    reasonSource: null,
    dmarcAction: null,
  }
}

/**
 * Analyses a raw header block or a whole .eml (folded lines, any order, CRLF or LF, up to
 * `maxBytes`, default 8 MB): finds the recipient tenant's own Exchange Online Protection verdict,
 * decodes every Microsoft anti-spam header and Safe Links URL, and concludes where the message
 * went and why. With `options.vendor`, also says whether the vendor's configuration took effect.
 * Never throws.
 */
export function analyzeHeaders(input: string, options: AnalyzeOptions = {}): HeaderAnalysis {
  try {
    return analyze(input, options)
  } catch (e) {
    const a = analyze('', {})
    a.findings.push(
      `The headers could not be analysed (${e instanceof Error ? e.message.slice(0, 200) : 'unexpected input'}); nothing is trusted.`,
    )
    return a
  }
}

/** The header fields of each kind, topmost first, capped per kind. */
interface Routed {
  hops: ReceivedHop[]
  raws: { report: RawHeader[]; antispam: RawHeader[]; auth: RawHeader[]; md: RawHeader[] }
  efc: EnhancedFilteringHeader[]
  customSpam: string[]
  atpRaw: RawHeader | null
  /** The organisation headers and the tenant markers, in order (all the others skip them). */
  org: RawHeader[]
  tenant: RawHeader[]
}

/** Every Microsoft header, decoded. */
interface Decoded {
  hops: ReceivedHop[]
  efc: EnhancedFilteringHeader[]
  customSpam: string[]
  org: ReturnType<typeof decodeOrganization>
  tenant: ReturnType<typeof findTenantMarkers>
  reports: ForefrontReport[]
  antispam: AntispamHeader[]
  auths: AuthResults[]
  deliveries: MailboxDelivery[]
  atp: ReturnType<typeof decodeAtpProperties> | null
}

/** The stages of an analysis, in order; each adds its findings to `findings`. */
function analyze(input: string, options: AnalyzeOptions): HeaderAnalysis {
  const findings: string[] = []
  const block = readBlock(input, options, findings)
  const headers = bareReport(block.headers, findings)
  const d = decodeAll(routeHeaders(headers))
  const trust = decideTrust({
    hops: d.hops,
    reports: d.reports,
    tenant: d.tenant,
    enhancedFiltering: d.efc,
    authAs: d.org.authAs,
  })
  findings.push(...trust.findings)
  const ms = trust.microsoftDelivered
  const auth = chooseAuth(d, ms, findings)
  const ownAntispam = d.antispam.find((x) => !x.renamed) ?? null
  const conclusion = concludeTrusted(d, trust, auth, ownAntispam)
  findings.push(...conclusion.findings)
  const unconfirmed = unconfirmedVerdict(trust, auth, ownAntispam)
  if (trust.outboundOnly) conclusion.evidence.push(outboundEvidence(trust))
  const safeLinks = safeLinksOf(block, d, trust, findings)

  const analysis: HeaderAnalysis = {
    trusted: trust.trusted,
    trustBasis: trust.basis,
    tenantIds: trust.tenantIds,
    // ms-rule: hdr.trust.outbound-only
    direction: trust.outboundOnly ? 'outbound' : conclusion.direction,
    verdict: conclusion.verdict,
    verdictBasis: conclusion.verdictBasis,
    bypass: conclusion.bypass,
    bypassInferred: conclusion.bypassInferred,
    category: conclusion.category,
    scl: conclusion.scl,
    bcl: conclusion.bcl,
    auth: auth ? authSummary(auth) : emptyAuth(),
    safeLinks,
    evidence: conclusion.evidence,
    findings: unique(findings),
    decoded: decodedOf(d, trust),
    unconfirmed,
    input: {
      headerCount: block.headers.length,
      truncated: block.inputTruncated,
      headersTruncated: block.headersTruncated,
    },
  }
  if (options.vendor)
    analysis.vendorCheck = vendorCheckOf(analysis, options.vendor, block, d, trust, auth)
  return analysis
}

/** Parses the header block within `maxBytes`, noting truncation and emptiness. */
function readBlock(input: string, options: AnalyzeOptions, findings: string[]): HeaderBlock {
  const text = typeof input === 'string' ? input : ''
  const requested = options.maxBytes
  const maxBytes =
    typeof requested === 'number' && Number.isFinite(requested) && requested >= 0
      ? Math.min(Math.floor(requested), MAX_BYTES_CEILING)
      : DEFAULT_LIMITS.maxBytes
  const block = parseHeaderBlockWithin(text, maxBytes)
  if (block.inputTruncated)
    findings.push(`The input is longer than ${maxBytes} characters; only the start was read.`)
  if (block.headersTruncated)
    findings.push(`More than ${DEFAULT_LIMITS.maxHeaders} header fields; the rest were ignored.`)
  if (block.headers.length === 0) findings.push('No header fields were found in the input.')
  return block
}

// ms-rule: hdr.partial.unconfirmed
/**
 * Admins often paste only the value of X-Forefront-Antispam-Report (`CIP:...;SFV:...;`), which
 * parses as headers named CIP, SFV, ...: when the block has no report header and starts with report
 * fields, those leading lines are read back as one X-Forefront-Antispam-Report. Linear, and only
 * the leading headers are looked at.
 */
function bareReport(headers: readonly RawHeader[], findings: string[]): readonly RawHeader[] {
  const first = headers[0]
  if (!first || !REPORT_FIELDS.has(first.name.toUpperCase())) return headers
  if (headers.some((h) => h.lower.startsWith('x-forefront-antispam-report'))) return headers
  let n = 0
  while (n < headers.length && REPORT_FIELDS.has((headers[n] as RawHeader).name.toUpperCase())) n++
  const value = headers
    .slice(0, n)
    .map((h) => `${h.name}:${h.value}`)
    .join(';')
  if (!value.includes(';')) return headers
  findings.push(
    'The input starts with report fields but no header name: read as a pasted X-Forefront-Antispam-Report value.',
  )
  const report: RawHeader = {
    name: 'X-Forefront-Antispam-Report',
    lower: 'x-forefront-antispam-report',
    value,
    index: first.index,
    truncated: headers.slice(0, n).some((h) => h.truncated),
  }
  return [report, ...headers.slice(n)]
}

/** What a header is, by lower-cased name: one decoder's kind (low bits), and two marks. */
const RECEIVED = 1
const REPORT = 2
const ANTISPAM = 3
const AUTH = 4
const MAILBOX_DELIVERY = 5
const ENHANCED_FILTERING = 6
const ATP = 7
const CUSTOM_SPAM = 8
const KIND_MASK = 15
/** An X-MS-Exchange-Organization-* or CrossPremises header (decodeOrganization reads it). */
const ORGANIZATION = 16
/** A tenant marker (findTenantMarkers reads it). */
const TENANT = 32

/**
 * Kinds by lower-cased name, remembered: the lower-cased names come from the parser's name
 * cache, so the same few dozen recur and each is classified once. Bounded.
 */
const KINDS = new Map<string, number>()

/** The kind and marks of a header by its lower-cased name (the tests routeHeaders applied). */
function kindOf(n: string): number {
  let k = KINDS.get(n)
  if (k !== undefined) return k
  k =
    n === 'received'
      ? RECEIVED
      : n.startsWith('x-forefront-antispam-report')
        ? REPORT
        : ANTISPAM_NAMES.has(n)
          ? ANTISPAM
          : AUTH_NAMES.has(n)
            ? AUTH
            : n === 'x-microsoft-antispam-mailbox-delivery'
              ? MAILBOX_DELIVERY
              : EFC_HEADERS.has(n)
                ? ENHANCED_FILTERING
                : n === 'x-ms-exchange-atpmessageproperties'
                  ? ATP
                  : n === 'x-customspam'
                    ? CUSTOM_SPAM
                    : 0
  if (isOrganizationHeader(n)) k |= ORGANIZATION
  if (isTenantMarker(n)) k |= TENANT
  if (KINDS.size >= 2048) KINDS.clear()
  KINDS.set(n, k)
  return k
}

/**
 * The kind and marks of a header (kindOf of its lower-cased name), kept beside its name in the
 * parser's name cache: a header the parser found is classified by its name's slot, not looked up
 * by name. A slot that has taken another name since (tagOf gives -1), and headers from
 * elsewhere, go to kindOf.
 */
function kindOfHeader(h: RawHeader): number {
  const slot = FoldedHeader.slotOf(h)
  if (slot < 0) return kindOf(h.lower)
  const tag = tagOf(slot, h.lower)
  if (tag >= 0) return tag
  const k = kindOf(h.lower)
  setTag(slot, h.lower, k)
  return k
}

/** Routes each header to its decoder (topmost first; capped per kind). */
function routeHeaders(headers: readonly RawHeader[]): Routed {
  const r: Routed = {
    hops: [],
    raws: { report: [], antispam: [], auth: [], md: [] },
    efc: [],
    customSpam: [],
    atpRaw: null,
    org: [],
    tenant: [],
  }
  const { raws } = r
  for (const h of headers) {
    const k = kindOfHeader(h)
    if (k === 0) continue
    if (k & ORGANIZATION) r.org.push(h)
    if (k & TENANT) r.tenant.push(h)
    switch (k & KIND_MASK) {
      case RECEIVED:
        if (r.hops.length < MAX_HOPS) r.hops.push(parseReceivedHop(h.value, h.index))
        break
      case REPORT:
        if (raws.report.length < MAX_OF_KIND) raws.report.push(h)
        break
      case ANTISPAM:
        if (raws.antispam.length < MAX_OF_KIND) raws.antispam.push(h)
        break
      case AUTH:
        if (raws.auth.length < MAX_OF_KIND) raws.auth.push(h)
        break
      case MAILBOX_DELIVERY:
        if (raws.md.length < MAX_OF_KIND) raws.md.push(h)
        break
      case ENHANCED_FILTERING:
        if (r.efc.length < MAX_OF_KIND)
          r.efc.push(decodeEnhancedFiltering(h.value, h.name, h.index))
        break
      case ATP:
        r.atpRaw ??= h
        break
      case CUSTOM_SPAM:
        if (r.customSpam.length < MAX_OF_KIND) r.customSpam.push(h.value.slice(0, 512))
        break
    }
  }
  return r
}

/** Decodes the routed headers, and the organization and tenant markers of the whole block. */
function decodeAll(routed: Routed): Decoded {
  const { raws, atpRaw } = routed
  // Each reads only its own headers, so it is given only those.
  const org = decodeOrganization(routed.org)
  return {
    hops: routed.hops,
    efc: routed.efc,
    customSpam: routed.customSpam,
    org,
    tenant: findTenantMarkers(routed.tenant),
    reports: raws.report.map((h) =>
      decodeForefrontReport(h.value, h.name, h.index, { authAs: org.authAs }),
    ),
    antispam: raws.antispam.map((h) => decodeAntispam(h.value, h.name, h.index)),
    auths: raws.auth.map((h) => decodeAuthResults(h.value, h.name, h.index)),
    deliveries: raws.md.map((h) => decodeMailboxDelivery(h.value, h.index)),
    atp: atpRaw ? decodeAtpProperties(atpRaw.value, atpRaw.index) : null,
  }
}

// ms-rule: hdr.trust.no-microsoft-hop
// ms-rule: hdr.auth.recipient-results
/**
 * The tenant's own authentication result (Microsoft's first, never a renamed copy), with findings
 * on renamed results, organization headers without a trusted hop, and X-CustomSpam.
 */
function chooseAuth(d: Decoded, ms: boolean, findings: string[]): AuthResults | null {
  const own = d.auths.filter((x) => !x.renamed)
  const auth = own.find((x) => x.microsoft) ?? own[0] ?? null
  for (const x of d.auths)
    if (x.renamed)
      findings.push(
        `${x.header} (header #${x.index + 1}) is another tenant's authentication result, renamed on the way in: not used.`,
      )
  if (!ms) {
    const orgSeen = d.org.fields.length > 0
    const mdSeen = d.deliveries.length > 0
    if (orgSeen || mdSeen)
      findings.push(
        `${orgSeen ? 'X-MS-Exchange-Organization-* headers' : ''}${orgSeen && mdSeen ? ' and ' : ''}${mdSeen ? 'X-Microsoft-Antispam-Mailbox-Delivery' : ''} appear without a trustworthy Microsoft hop: Exchange strips such headers from untrusted sources, so these are forged or the headers are incomplete; not used.`,
      )
  }
  if (d.customSpam.length > 0)
    findings.push(
      `X-CustomSpam appears as its own header ("${d.customSpam[0]}"): the reference lists it as a report field, the troubleshooting page as a header; either way an Advanced Spam Filter setting fired.`,
    )
  return auth
}

/** Concludes from the trusted headers only, with the evidence of why they are trusted first. */
function concludeTrusted(
  d: Decoded,
  trust: ReturnType<typeof decideTrust>,
  auth: AuthResults | null,
  ownAntispam: AntispamHeader | null,
): Conclusion {
  const ms = trust.microsoftDelivered
  const conclusion = conclude({
    report: trust.report,
    delivery: ms ? (d.deliveries[0] ?? null) : null,
    org: ms ? d.org : null,
    antispam: ms ? ownAntispam : null,
    auth,
    fromEntity: ms ? d.tenant.fromEntity : null,
  })
  if (!trust.trusted || !trust.hop) return conclusion
  const hop = trust.hop
  const trustEvidence: Evidence[] = [
    {
      conclusion: 'trusted: the recipient tenant received it here',
      header: 'Received',
      value: `from ${hop.from ?? '?'}${hop.fromIp ? ` (${hop.fromIp})` : ''} by ${hop.by ?? '?'}`,
    },
  ]
  if (trust.report)
    trustEvidence.push({
      conclusion: "trusted: the recipient tenant's report",
      header: trust.report.header,
      value: trust.report.raw.slice(0, 500),
    })
  for (const id of trust.tenantIds.slice(0, 4))
    trustEvidence.push({
      conclusion: 'trusted: tenant marker',
      header: d.tenant.crossTenantIds.includes(id)
        ? 'X-MS-Exchange-CrossTenant-Id'
        : 'X-EOPTenantAttributedMessage',
      value: id,
    })
  conclusion.evidence.unshift(...trustEvidence)
  return conclusion
}

// ms-rule: hdr.partial.unconfirmed
/**
 * What an untrusted report (a pasted X-Forefront-Antispam-Report block, partial or forged headers)
 * would mean if genuine, kept apart from the conclusions, which stay `unknown`. Never for outbound
 * mail: the sender's own scan is not a recipient verdict, even an unconfirmed one.
 */
function unconfirmedVerdict(
  trust: ReturnType<typeof decideTrust>,
  auth: AuthResults | null,
  ownAntispam: AntispamHeader | null,
): HeaderAnalysis['unconfirmed'] {
  if (trust.trusted || trust.outboundOnly || !trust.claimed) return null
  const c = conclude({
    report: trust.claimed,
    delivery: null,
    org: null,
    antispam: ownAntispam,
    auth,
    fromEntity: null,
  })
  return { verdict: c.verdict, category: c.category, bypass: c.bypass, scl: c.scl, bcl: c.bcl }
}

/** The header line that shows the message was on its way out of the sender's Microsoft 365. */
function outboundEvidence(trust: ReturnType<typeof decideTrust>): Evidence {
  const exit = trust.exitHop
  if (exit)
    return {
      conclusion: "direction: outbound (left the sender's Microsoft 365; no recipient verdict)",
      header: 'Received',
      value: `from ${exit.from ?? '?'}${exit.fromIp ? ` (${exit.fromIp})` : ''} by ${exit.by ?? '?'}`,
    }
  const s = trust.statuses.find((x) => x.status === 'outbound')
  return {
    conclusion: "direction: outbound (the sender's scan; no recipient verdict)",
    header: s?.header ?? 'X-Forefront-Antispam-Report',
    value: 'DIR:OUT',
  }
}

/** Safe Links anywhere in the input, and what their tenants say about trust. */
function safeLinksOf(
  block: HeaderBlock,
  d: Decoded,
  trust: ReturnType<typeof decideTrust>,
  findings: string[],
): SafeLink[] {
  const ms = trust.microsoftDelivered
  // Every Safe Links marker contains "safelink": without one, the header section has no link, and
  // neither its LF copy nor the marker scan is needed.
  const safeLinks: SafeLink[] = headerTextMatches(block, SAFELINK_HINT)
    ? findSafeLinks(block.headerText, 'header')
    : []
  if (block.body.length > 0 && safeLinks.length < MAX_LINKS)
    safeLinks.push(
      ...findSafeLinks(joinSoftBreaks(block.body), 'body', MAX_LINKS - safeLinks.length),
    )
  const linkTenants =
    safeLinks.length === 0
      ? []
      : [...new Set(safeLinks.map((l) => l.tenantId).filter((t): t is string => t !== null))]
  if (linkTenants.length > 0 && trust.tenantIds.length > 0) {
    const same = linkTenants.filter((t) => trust.tenantIds.includes(t))
    if (same.length > 0)
      trust.basis.push(
        `Safe Links in the message were wrapped for the same tenant (${same.join(', ')}).`,
      )
    const other = linkTenants.filter((t) => !trust.tenantIds.includes(t))
    if (other.length > 0)
      findings.push(
        `Some Safe Links were wrapped for another tenant (${other.join(', ')}): the sender's or a forwarder's Safe Links, not the recipient's.`,
      )
  }
  if (ms && d.atp?.safeLinks && safeLinks.length === 0)
    findings.push(
      'Safe Links processed the message (AtpMessageProperties: SL) but no wrapped link was found: links may be on the do-not-rewrite list, checked through the API only, or there were none.',
    )
  if (ms && d.org.skipSafeLinksProcessing !== null && safeLinks.some((l) => l.location === 'body'))
    findings.push('SkipSafeLinksProcessing is set, yet the body has wrapped links.')
  return safeLinks
}

/** The trust status of the report at header `index` ('not-chosen' when trust gave it none). */
function statusOf(trust: ReturnType<typeof decideTrust>, index: number): ReportStatus {
  for (const s of trust.statuses) if (s.index === index) return s.status
  return 'not-chosen'
}

/**
 * The report with its status: `{ ...r, status }`, written out (an object spread plus a property
 * is a slow path in V8; the keys stay in the order decodeForefrontReport gives them).
 */
function withStatus(r: ForefrontReport, status: ReportStatus): DecodedHeaders['reports'][number] {
  return {
    header: r.header,
    index: r.index,
    raw: r.raw,
    renamed: r.renamed,
    outbound: r.outbound,
    cip: r.cip,
    ctry: r.ctry,
    lang: r.lang,
    h: r.h,
    ptr: r.ptr,
    dir: r.dir,
    scl: r.scl,
    srv: r.srv,
    ipv: r.ipv,
    sfv: r.sfv,
    cat: r.cat,
    sfty: r.sfty,
    sfs: r.sfs,
    customSpam: r.customSpam,
    sfp: r.sfp,
    fields: r.fields,
    unknown: r.unknown,
    status,
  }
}

/** Every decoded header, each report with whether trust chose it. */
function decodedOf(d: Decoded, trust: ReturnType<typeof decideTrust>): DecodedHeaders {
  return {
    received: d.hops,
    reports: d.reports.map((r) => withStatus(r, statusOf(trust, r.index))),
    antispam: d.antispam,
    authResults: d.auths,
    organization: d.org,
    enhancedFiltering: d.efc,
    atp: d.atp,
    mailboxDelivery: d.deliveries,
    tenant: d.tenant,
    customSpam: d.customSpam,
  }
}

function authSummary(auth: AuthResults): AuthSummary {
  return {
    spf: auth.spf,
    dkim: auth.dkim,
    dmarc: auth.dmarc,
    compauth: auth.compauth,
    reason: auth.reason,
    reasonMeaning: auth.reasonMeaning,
    reasonSource: auth.reasonSource,
    dmarcAction: auth.dmarcAction,
  }
}

/** Adds the domain (of an address, lower-cased) to the sender domains, at most 16. */
function addDomain(senderDomains: Set<string>, dom: string | null): void {
  if (!dom || senderDomains.size >= 16) return
  const lower = dom.toLowerCase()
  // Without an `@` there is nothing before one to strip (no regex run over a bare domain).
  senderDomains.add(lower.includes('@') ? lower.replace(/^.*@/, '') : lower)
}

/** Whether the vendor's configuration took effect, from the analysis and the raw headers. */
function vendorCheckOf(
  analysis: HeaderAnalysis,
  v: NonNullable<AnalyzeOptions['vendor']>,
  block: HeaderBlock,
  d: Decoded,
  trust: ReturnType<typeof decideTrust>,
  auth: AuthResults | null,
): HeaderAnalysis['vendorCheck'] {
  const ms = trust.microsoftDelivered
  const senderDomains = new Set<string>()
  if (auth) {
    addDomain(senderDomains, auth.mailFrom)
    addDomain(senderDomains, auth.headerFrom)
    for (const dk of auth.dkimDomains) addDomain(senderDomains, dk)
  }
  for (const h of block.headers)
    if (h.lower === 'return-path' || h.lower === 'from')
      addDomain(senderDomains, domainOfAddress(h.value))
  const r = trust.report
  return checkVendor(
    {
      trusted: analysis.trusted,
      outbound: trust.outboundOnly,
      verdict: analysis.verdict,
      bypass: analysis.bypass,
      bypassInferred: analysis.bypassInferred,
      category: analysis.category,
      sfv: r?.sfv ?? null,
      ipv: r?.ipv ?? null,
      dir: r?.dir ?? null,
      cip: r?.cip ?? trust.claimed?.cip ?? null,
      ptr: r?.ptr ?? null,
      originalIps: d.efc.map((e) => e.ip).filter((x): x is string => x !== null),
      skipListed: d.efc.some(
        (e) => e.header.toLowerCase() === 'x-ms-exchange-skiplistedinternetsender',
      ),
      senderDomains: [...senderDomains],
      dmarc: analysis.auth.dmarc,
      compauth: analysis.auth.compauth,
      reason: analysis.auth.reason,
      dest: ms ? (d.deliveries[0]?.dest ?? null) : null,
      safeLinks: analysis.safeLinks,
      skipSafeLinksProcessing: ms ? d.org.skipSafeLinksProcessing : null,
      bypassClutter: ms ? d.org.bypassClutter : null,
    },
    {
      ips: Array.isArray(v.ips) ? v.ips.filter((x) => typeof x === 'string') : [],
      domains: Array.isArray(v.domains) ? v.domains.filter((x) => typeof x === 'string') : [],
      linkDomains: Array.isArray(v.linkDomains)
        ? v.linkDomains.filter((x) => typeof x === 'string')
        : [],
    },
  )
}
