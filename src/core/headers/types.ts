/**
 * The header analyzer's result types.
 */
import type { AntispamHeader } from './antispam.js'
import type { AtpProperties } from './atp.js'
import type { AuthResults } from './auth-results.js'
import type { CompauthReasonSource } from './compauth.js'
import type { EnhancedFilteringHeader } from './enhanced-filtering.js'
import type { ForefrontReport } from './forefront.js'
import type { MailboxDelivery } from './mailbox-delivery.js'
import type { OrganizationHeaders } from './organization.js'
import type { ReceivedHop } from './received.js'
import type { SafeLink } from './safe-links.js'
import type { TenantMarkers } from './tenant.js'
import type { ReportStatus } from './trust.js'

/** Which way the message went, as the verdict's tenant saw it. */
export type Direction = 'inbound' | 'outbound' | 'internal' | 'unknown'

/** Where the message landed (or, without a Mailbox-Delivery header, would land by default). */
export type Verdict = 'inbox' | 'junk' | 'quarantine' | 'unknown'

/** Which allow let the message past filtering. */
export type Bypass =
  | 'transport-rule'
  | 'ip-allow'
  | 'anti-spam-allow'
  | 'safe-senders'
  | 'advanced-delivery'
  | 'none'
  | 'unknown'

/** A header line a conclusion rests on. */
export interface Evidence {
  /** What was concluded, e.g. `verdict: junk`. */
  conclusion: string
  /** Header name as written. */
  header: string
  /** The field or value that decided (e.g. `SFV:SKN`). */
  value: string
}

/** The authentication summary (from the recipient's Authentication-Results). */
export interface AuthSummary {
  spf: string | null
  dkim: string | null
  dmarc: string | null
  compauth: string | null
  /** compauth reason code. */
  reason: string | null
  reasonMeaning: string | null
  /**
   * Where the reason's most specific meaning comes from: `microsoft` (its table, exact or range),
   * `third-party` or `observed` (not in Microsoft's table), `unknown`; null without a code.
   */
  reasonSource: CompauthReasonSource | null
  dmarcAction: string | null
}

/** The vendor whose configuration is being checked. */
export interface VendorInput {
  /** Sending IPs or CIDR blocks. */
  ips: string[]
  /** Envelope, From and DKIM domains. */
  domains: string[]
  /** Tracking / link domains that must not be rewritten by Safe Links. */
  linkDomains: string[]
}

/** Did the vendor's Microsoft 365 configuration take effect for this message? */
export interface VendorCheck {
  /** The message came from the vendor: CIP (or original IP) or a sender domain matches. */
  matched: boolean
  /** What matched, in words. */
  matchedBy: string[]
  /** true: the allow worked; false: it didn't; 'unknown': the headers can't tell. */
  tookEffect: boolean | 'unknown'
  /** What to fix, in plain words. */
  advice: string[]
}

/** Options of analyzeHeaders. */
export interface AnalyzeOptions {
  vendor?: VendorInput
  /** Input cap (UTF-16 code units, about bytes); default 8 MB. */
  maxBytes?: number
}

/** Every decoded header, for display and for callers that want the details. */
export interface DecodedHeaders {
  received: ReceivedHop[]
  /** Every X-Forefront-Antispam-Report* header, with its trust status. */
  reports: (ForefrontReport & { status: ReportStatus })[]
  antispam: AntispamHeader[]
  authResults: AuthResults[]
  organization: OrganizationHeaders
  enhancedFiltering: EnhancedFilteringHeader[]
  atp: AtpProperties | null
  mailboxDelivery: MailboxDelivery[]
  tenant: TenantMarkers
  /** X-CustomSpam when it appears as its own header. */
  customSpam: string[]
}

/**
 * What a report that can't be tied to the recipient's own Microsoft hop would mean if it were
 * genuine (a pasted X-Forefront-Antispam-Report block, partial or forged headers). Never the
 * verdict: the analysis keeps `trusted: false` and `verdict: 'unknown'` beside it.
 */
export interface UnconfirmedConclusion {
  verdict: Verdict
  category: string
  bypass: Bypass
  scl: number | null
  bcl: number | null
}

/** @deprecated Renamed UnconfirmedConclusion. */
export type ClaimedConclusion = UnconfirmedConclusion

/** The result of analyzeHeaders. */
export interface HeaderAnalysis {
  /** The verdict comes from the recipient tenant's own Microsoft 365 (see findings otherwise). */
  trusted: boolean
  /** Why it is (or isn't) trusted. */
  trustBasis: string[]
  /** Recipient tenant IDs from the tenant markers (empty when the only markers are the sender's). */
  tenantIds: string[]
  /**
   * Which way the message went. `outbound` when the only Microsoft hops are the sender's on the way
   * out (DIR:OUT, `*.outbound.protection.outlook.com`): then nothing here is the recipient's verdict.
   */
  direction: Direction
  verdict: Verdict
  /** mailbox-delivery: read from dest:; default-policy: predicted from the filter verdict. */
  verdictBasis: 'mailbox-delivery' | 'default-policy' | 'none'
  bypass: Bypass
  /** The bypass is inferred (advanced delivery leaves no stamp), not read from a header. */
  bypassInferred: boolean
  /** CAT value (upper case) or 'none'. */
  category: string
  scl: number | null
  bcl: number | null
  auth: AuthSummary
  safeLinks: SafeLink[]
  evidence: Evidence[]
  findings: string[]
  decoded: DecodedHeaders
  /**
   * When no report is trusted: what the report that claims to be the recipient's would mean if
   * genuine (unconfirmed). Null when a report is trusted, when there is none, and for outbound mail
   * (the sender's own scan is never a recipient verdict).
   */
  unconfirmed: UnconfirmedConclusion | null
  vendorCheck?: VendorCheck
  /** Input facts: how much was read. */
  input: { headerCount: number; truncated: boolean; headersTruncated: boolean }
}
