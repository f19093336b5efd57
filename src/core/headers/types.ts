/**
 * The header analyzer's result types.
 */
import type { AntispamHeader } from './antispam.js'
import type { AtpProperties } from './atp.js'
import type { AuthResults } from './auth-results.js'
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

/** What a claimed (untrusted) report would mean if it were genuine. */
export interface ClaimedConclusion {
  verdict: Verdict
  bypass: Bypass
  category: string
  scl: number | null
}

/** The result of analyzeHeaders. */
export interface HeaderAnalysis {
  /** The verdict comes from the recipient tenant's own Microsoft 365 (see findings otherwise). */
  trusted: boolean
  /** Why it is (or isn't) trusted. */
  trustBasis: string[]
  /** Recipient tenant IDs from the tenant markers. */
  tenantIds: string[]
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
  /** When no report is trusted: what the report that claims to be the recipient's would mean. */
  claimed: ClaimedConclusion | null
  vendorCheck?: VendorCheck
  /** Input facts: how much was read. */
  input: { headerCount: number; truncated: boolean; headersTruncated: boolean }
}
