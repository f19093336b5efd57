/**
 * Microsoft's limits as the sandbox enforces them. The sandbox keeps its own copy, taken from
 * Microsoft's pages (reference §3), instead of importing core/model's tables: the planner checks
 * its plans against those, and a wrong number there must make the sandbox refuse the change, not
 * agree with it.
 */
import type { Licence } from '../../core/model/licence.js'

/**
 * Mail flow rules: 300 per organization, 8 KB of conditions, exceptions and actions per rule
 * ("Exchange Online limits", journal, transport and inbox rule limits); a name of at most 64 and
 * Comments of at most 1024 characters (New-TransportRule, office-docs-powershell; reference §3.1).
 */
export const TRANSPORT_RULE = {
  maxRules: 300,
  maxNameLength: 64,
  maxRuleBytes: 8 * 1024,
  maxCommentsLength: 1024,
} as const

/**
 * Connection filter IP Allow/Block Lists: at most 1273 entries each; a single IPv4 address, a
 * range of at most 256 addresses, or a CIDR block /24 to /32 (defender-docs
 * connection-filter-policies-configure.md; reference §3.2).
 */
export const CONNECTION_FILTER = {
  maxEntries: 1273,
  widestPrefix: 24,
  maxRangeAddresses: 256,
} as const

/**
 * Anti-spam allowed/blocked senders and domains: about 1,000 entries each (defender-docs
 * create-safe-sender-lists-in-office-365.md); AdminDisplayName at most 256 characters
 * (Set-HostedContentFilterPolicy, office-docs-powershell; reference §3.3).
 */
export const ANTI_SPAM = { maxListEntries: 1000, maxAdminDisplayName: 256 } as const

/**
 * Anti-phishing ExcludedSenders / ExcludedDomains: about 1000 entries each (Set-AntiPhishPolicy,
 * office-docs-powershell; reference §3.7).
 */
export const ANTI_PHISH = { maxExcludedEntries: 1000 } as const

/**
 * Phishing simulation override rule: up to 20 domains and 10 sender IP ranges (defender-docs
 * advanced-delivery-policy-configure.md; New-ExoPhishSimOverrideRule; reference §3.8).
 */
export const ADVANCED_DELIVERY = { maxDomains: 20, maxSenderIpRanges: 10 } as const

/**
 * Tenant Allow/Block List entries per list subtype (Sender, URL, file, IP counted apart), by
 * licence: 500/500 without Defender, 1000/1000 with Plan 1, 5000 allows and 10000 blocks with
 * Plan 2 (defender-docs tenant-allow-block-list-about.md; reference §3.4).
 */
export const TABL_ENTRIES: Record<Licence, { allow: number; block: number }> = {
  eop: { allow: 500, block: 500 },
  'mdo-p1': { allow: 1000, block: 1000 },
  'mdo-p2': { allow: 5000, block: 10000 },
}

/**
 * Other Tenant Allow/Block List rules: at most 1024 spoofed-sender entries, URL entries of at most
 * 250 characters, allow dates at most 30 days out, block dates at most 90, and RemoveAfter only
 * 45 days (New-TenantAllowBlockListItems, New-TenantAllowBlockListSpoofItems, office-docs-powershell;
 * defender-docs tenant-allow-block-list-about.md; reference §3.4).
 */
export const TABL = {
  maxSpoofEntries: 1024,
  maxUrlLength: 250,
  maxAllowDays: 30,
  maxBlockDays: 90,
  removeAfterDays: 45,
} as const
