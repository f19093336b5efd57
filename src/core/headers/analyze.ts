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
import { decodeForefrontReport, type ForefrontReport } from './forefront.js'
import { decodeMailboxDelivery, type MailboxDelivery } from './mailbox-delivery.js'
import { decodeOrganization } from './organization.js'
import { DEFAULT_LIMITS, parseHeaderBlock, type RawHeader } from './parse.js'
import { parseReceived, type ReceivedHop } from './received.js'
import { findSafeLinks, joinSoftBreaks, MAX_LINKS, type SafeLink } from './safe-links.js'
import { findTenantMarkers } from './tenant.js'
import { decideTrust } from './trust.js'
import type {
  AnalyzeOptions,
  AuthSummary,
  DecodedHeaders,
  Evidence,
  HeaderAnalysis,
} from './types.js'
import { checkVendor } from './vendor-check.js'

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

/** The domain of the last address in a header value (`Name <a@b.example>` -> `b.example`). */
function domainOfAddress(value: string): string | null {
  const v = value.slice(0, 2048)
  const at = v.lastIndexOf('@')
  if (at < 0) return null
  const m = /^[a-z0-9.-]{1,253}/i.exec(v.slice(at + 1))
  const d = m ? m[0].toLowerCase().replace(/\.$/, '') : ''
  return d.includes('.') ? d : null
}

function emptyAuth(): AuthSummary {
  return {
    spf: null,
    dkim: null,
    dmarc: null,
    compauth: null,
    reason: null,
    reasonMeaning: null,
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

function analyze(input: string, options: AnalyzeOptions): HeaderAnalysis {
  const text = typeof input === 'string' ? input : ''
  const requested = options.maxBytes
  const maxBytes =
    typeof requested === 'number' && Number.isFinite(requested) && requested >= 0
      ? Math.min(Math.floor(requested), MAX_BYTES_CEILING)
      : DEFAULT_LIMITS.maxBytes
  const block = parseHeaderBlock(text, { maxBytes })
  const findings: string[] = []
  if (block.inputTruncated)
    findings.push(`The input is longer than ${maxBytes} characters; only the start was read.`)
  if (block.headersTruncated)
    findings.push(`More than ${DEFAULT_LIMITS.maxHeaders} header fields; the rest were ignored.`)
  if (block.headers.length === 0) findings.push('No header fields were found in the input.')

  // Route each header to its decoder (topmost first; capped per kind).
  const hops: ReceivedHop[] = []
  const raws: { report: RawHeader[]; antispam: RawHeader[]; auth: RawHeader[]; md: RawHeader[] } = {
    report: [],
    antispam: [],
    auth: [],
    md: [],
  }
  const efc: EnhancedFilteringHeader[] = []
  const customSpam: string[] = []
  let atpRaw: RawHeader | null = null
  for (const h of block.headers) {
    const n = h.lower
    if (n === 'received') {
      if (hops.length < MAX_HOPS) hops.push(parseReceived(h.value, h.index))
    } else if (n.startsWith('x-forefront-antispam-report')) {
      if (raws.report.length < MAX_OF_KIND) raws.report.push(h)
    } else if (ANTISPAM_NAMES.has(n)) {
      if (raws.antispam.length < MAX_OF_KIND) raws.antispam.push(h)
    } else if (AUTH_NAMES.has(n)) {
      if (raws.auth.length < MAX_OF_KIND) raws.auth.push(h)
    } else if (n === 'x-microsoft-antispam-mailbox-delivery') {
      if (raws.md.length < MAX_OF_KIND) raws.md.push(h)
    } else if (EFC_HEADERS.has(n)) {
      if (efc.length < MAX_OF_KIND) efc.push(decodeEnhancedFiltering(h.value, h.name, h.index))
    } else if (n === 'x-ms-exchange-atpmessageproperties') {
      atpRaw ??= h
    } else if (n === 'x-customspam') {
      if (customSpam.length < MAX_OF_KIND) customSpam.push(h.value.slice(0, 512))
    }
  }
  const org = decodeOrganization(block.headers)
  const tenant = findTenantMarkers(block.headers)
  const reports: ForefrontReport[] = raws.report.map((h) =>
    decodeForefrontReport(h.value, h.name, h.index, { authAs: org.authAs }),
  )
  const antispam: AntispamHeader[] = raws.antispam.map((h) =>
    decodeAntispam(h.value, h.name, h.index),
  )
  const auths: AuthResults[] = raws.auth.map((h) => decodeAuthResults(h.value, h.name, h.index))
  const deliveries: MailboxDelivery[] = raws.md.map((h) => decodeMailboxDelivery(h.value, h.index))
  const atp = atpRaw ? decodeAtpProperties(atpRaw.value, atpRaw.index) : null

  // Trust.
  const trust = decideTrust({ hops, reports, tenant, enhancedFiltering: efc, authAs: org.authAs })
  findings.push(...trust.findings)
  const ms = trust.microsoftDelivered

  const own = auths.filter((x) => !x.renamed)
  const auth = own.find((x) => x.microsoft) ?? own[0] ?? null
  for (const x of auths)
    if (x.renamed)
      findings.push(
        `${x.header} (header #${x.index + 1}) is another tenant's authentication result, renamed on the way in: not used.`,
      )
  const ownAntispam = antispam.find((x) => !x.renamed) ?? null
  if (!ms) {
    const orgSeen = org.fields.length > 0
    if (orgSeen || deliveries.length > 0)
      findings.push(
        `${orgSeen ? 'X-MS-Exchange-Organization-* headers' : ''}${orgSeen && deliveries.length > 0 ? ' and ' : ''}${deliveries.length > 0 ? 'X-Microsoft-Antispam-Mailbox-Delivery' : ''} appear without a trustworthy Microsoft hop: Exchange strips such headers from untrusted sources, so these are forged or the headers are incomplete; not used.`,
      )
  }
  if (customSpam.length > 0)
    findings.push(
      `X-CustomSpam appears as its own header ("${customSpam[0]}"): the reference lists it as a report field, the troubleshooting page as a header; either way an Advanced Spam Filter setting fired.`,
    )

  const conclusion: Conclusion = conclude({
    report: trust.report,
    delivery: ms ? (deliveries[0] ?? null) : null,
    org: ms ? org : null,
    antispam: ms ? ownAntispam : null,
    auth,
    fromEntity: ms ? tenant.fromEntity : null,
  })
  findings.push(...conclusion.findings)
  if (trust.trusted && trust.hop) {
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
        header: tenant.crossTenantIds.includes(id)
          ? 'X-MS-Exchange-CrossTenant-Id'
          : 'X-EOPTenantAttributedMessage',
        value: id,
      })
    conclusion.evidence.unshift(...trustEvidence)
  }
  let claimed: HeaderAnalysis['claimed'] = null
  if (!trust.trusted && trust.claimed) {
    const c = conclude({
      report: trust.claimed,
      delivery: null,
      org: null,
      antispam: ownAntispam,
      auth,
      fromEntity: null,
    })
    claimed = { verdict: c.verdict, bypass: c.bypass, category: c.category, scl: c.scl }
  }

  // Safe Links anywhere in the input.
  const safeLinks: SafeLink[] = findSafeLinks(block.headerText, 'header')
  if (block.body.length > 0 && safeLinks.length < MAX_LINKS)
    safeLinks.push(
      ...findSafeLinks(joinSoftBreaks(block.body), 'body', MAX_LINKS - safeLinks.length),
    )
  const linkTenants = [
    ...new Set(safeLinks.map((l) => l.tenantId).filter((t): t is string => t !== null)),
  ]
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
  if (ms && atp?.safeLinks && safeLinks.length === 0)
    findings.push(
      'Safe Links processed the message (AtpMessageProperties: SL) but no wrapped link was found: links may be on the do-not-rewrite list, checked through the API only, or there were none.',
    )
  if (ms && org.skipSafeLinksProcessing !== null && safeLinks.some((l) => l.location === 'body'))
    findings.push('SkipSafeLinksProcessing is set, yet the body has wrapped links.')

  const decoded: DecodedHeaders = {
    received: hops,
    reports: reports.map((r) => ({
      ...r,
      status: trust.statuses.find((s) => s.index === r.index)?.status ?? 'not-chosen',
    })),
    antispam,
    authResults: auths,
    organization: org,
    enhancedFiltering: efc,
    atp,
    mailboxDelivery: deliveries,
    tenant,
    customSpam,
  }

  const analysis: HeaderAnalysis = {
    trusted: trust.trusted,
    trustBasis: trust.basis,
    tenantIds: trust.tenantIds,
    direction: conclusion.direction,
    verdict: conclusion.verdict,
    verdictBasis: conclusion.verdictBasis,
    bypass: conclusion.bypass,
    bypassInferred: conclusion.bypassInferred,
    category: conclusion.category,
    scl: conclusion.scl,
    bcl: conclusion.bcl,
    auth: auth
      ? {
          spf: auth.spf,
          dkim: auth.dkim,
          dmarc: auth.dmarc,
          compauth: auth.compauth,
          reason: auth.reason,
          reasonMeaning: auth.reasonMeaning,
          dmarcAction: auth.dmarcAction,
        }
      : emptyAuth(),
    safeLinks,
    evidence: conclusion.evidence,
    findings: [...new Set(findings)],
    decoded,
    claimed,
    input: {
      headerCount: block.headers.length,
      truncated: block.inputTruncated,
      headersTruncated: block.headersTruncated,
    },
  }

  if (options.vendor) {
    const senderDomains = new Set<string>()
    const addDomain = (d: string | null): void => {
      if (d && senderDomains.size < 16) senderDomains.add(d.toLowerCase().replace(/^.*@/, ''))
    }
    if (auth) {
      addDomain(auth.mailFrom)
      addDomain(auth.headerFrom)
      for (const d of auth.dkimDomains) addDomain(d)
    }
    for (const h of block.headers)
      if (h.lower === 'return-path' || h.lower === 'from') addDomain(domainOfAddress(h.value))
    const r = trust.report
    const v = options.vendor
    analysis.vendorCheck = checkVendor(
      {
        trusted: analysis.trusted,
        verdict: analysis.verdict,
        bypass: analysis.bypass,
        bypassInferred: analysis.bypassInferred,
        category: analysis.category,
        sfv: r?.sfv ?? null,
        ipv: r?.ipv ?? null,
        dir: r?.dir ?? null,
        cip: r?.cip ?? trust.claimed?.cip ?? null,
        ptr: r?.ptr ?? null,
        originalIps: efc.map((e) => e.ip).filter((x): x is string => x !== null),
        skipListed: efc.some(
          (e) => e.header.toLowerCase() === 'x-ms-exchange-skiplistedinternetsender',
        ),
        senderDomains: [...senderDomains],
        dmarc: analysis.auth.dmarc,
        compauth: analysis.auth.compauth,
        reason: analysis.auth.reason,
        dest: ms ? (deliveries[0]?.dest ?? null) : null,
        safeLinks,
        skipSafeLinksProcessing: ms ? org.skipSafeLinksProcessing : null,
        bypassClutter: ms ? org.bypassClutter : null,
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
  return analysis
}
