import type { RiskLevel } from '../change.js'
import type { VendorCategory } from '../vendor/profile.js'
import type { MechanismId, ProtectionId } from './ids.js'

/** A protection an admin can tick, with its mechanisms from least to most risky. */
export interface ProtectionDef {
  id: ProtectionId
  title: string
  /** What adjusting it does for the vendor's mail. */
  description: string
  /** Mechanisms that can serve it, least risky first. */
  mechanisms: MechanismId[]
}

/** A way of letting the vendor's mail past a protection. */
export interface MechanismDef {
  id: MechanismId
  title: string
  risk: RiskLevel
  /** Why it carries that risk. */
  riskReason: string
  /** Needs Defender for Office 365 (Plan 1 or 2). */
  needsDefender: boolean
  /** Only for these vendor categories (all when absent). */
  categories?: VendorCategory[]
  /** Never planned: why passage refuses it. */
  refused?: string
  /** The licence and routing it needs, in words. */
  needs: string
}

/** The protections, in the order the wizard shows them. */
export const PROTECTIONS: readonly ProtectionDef[] = [
  {
    id: 'advanced-delivery',
    title: 'Advanced delivery (phishing simulation override)',
    description: 'Deliver simulations unfiltered, the way Microsoft supports.',
    mechanisms: ['advanced-delivery'],
  },
  {
    id: 'enhanced-filtering',
    title: 'Enhanced filtering for connectors',
    description: 'Let Exchange see the real sender behind a gateway in front of MX.',
    mechanisms: ['enhanced-filtering'],
  },
  {
    id: 'anti-spam',
    title: 'Anti-spam filtering',
    description: 'Keep the vendor’s mail out of Junk and spam quarantine.',
    mechanisms: [
      'advanced-delivery',
      'enhanced-filtering',
      'tabl-sender-allow',
      'scoped-rule',
      'ip-allow',
      'antispam-allowed-senders',
    ],
  },
  {
    id: 'bulk',
    title: 'Bulk filtering (BCL)',
    description: 'Stop campaign sends being junked as bulk.',
    mechanisms: ['advanced-delivery', 'tabl-sender-allow', 'scoped-rule', 'bulk-threshold'],
  },
  {
    id: 'clutter',
    title: 'Clutter',
    description: 'Keep the vendor’s mail out of Clutter.',
    mechanisms: ['bypass-clutter-header'],
  },
  {
    id: 'safe-links',
    title: 'Safe Links scanning and rewriting',
    description: 'Stop tracking links being rewritten and pre-clicked.',
    mechanisms: ['advanced-delivery', 'do-not-rewrite', 'skip-safe-links-header'],
  },
  {
    id: 'safe-attachments',
    title: 'Safe Attachments',
    description: 'Skip attachment detonation for the vendor’s mail.',
    mechanisms: ['advanced-delivery', 'skip-safe-attachments-header'],
  },
  {
    id: 'zap',
    title: 'Zero-hour auto purge (ZAP)',
    description: 'Stop delivered mail being pulled back later.',
    mechanisms: ['advanced-delivery', 'disable-zap'],
  },
  {
    id: 'spoof',
    title: 'Spoof intelligence',
    description: 'Accept the vendor sending on behalf of a domain.',
    mechanisms: ['advanced-delivery', 'tabl-spoof-allow', 'disable-spoof-intelligence'],
  },
  {
    id: 'impersonation',
    title: 'Impersonation protection',
    description: 'Stop user and domain impersonation verdicts on the vendor’s mail.',
    mechanisms: ['advanced-delivery', 'impersonation-exclusion'],
  },
  {
    id: 'connection-filter',
    title: 'Connection filtering',
    description: 'Trust the vendor’s sending IPs at connection time.',
    mechanisms: ['ip-allow', 'safe-list'],
  },
  {
    id: 'quarantine',
    title: 'Quarantine policy and notifications',
    description: 'Tell users when the vendor’s mail is held, and let them act on it.',
    mechanisms: ['quarantine-notify', 'quarantine-release'],
  },
  {
    id: 'tabl',
    title: 'Tenant Allow/Block List entries',
    description: 'Allow the vendor’s link and sender domains in the Tenant Allow/Block List.',
    mechanisms: ['tabl-url-allow', 'tabl-sender-allow'],
  },
]

/** Every mechanism with its risk. */
export const MECHANISMS: Readonly<Record<MechanismId, MechanismDef>> = {
  'advanced-delivery': {
    id: 'advanced-delivery',
    needs: "any licence; MX at Microsoft 365 or enhanced filtering on the gateway's connector",
    title: 'Advanced delivery override (domain AND sending IP)',
    risk: 'low',
    riskReason:
      'Microsoft’s supported override for simulations: a message must match a vendor domain and a vendor IP; malware is still scanned.',
    needsDefender: false,
    categories: ['phishing-simulation'],
  },
  'enhanced-filtering': {
    id: 'enhanced-filtering',
    needs: 'MX at a gateway with a Partner inbound connector',
    title: 'Enhanced filtering on the gateway’s inbound connector',
    risk: 'low',
    riskReason:
      'Restores true-source SPF/DKIM/DMARC behind a gateway; it adds protection rather than removing it.',
    needsDefender: false,
  },
  'tabl-sender-allow': {
    id: 'tabl-sender-allow',
    needs: "any licence; the vendor's own sender domains",
    title: 'Tenant Allow/Block List sender allow (expires 45 days after last use)',
    risk: 'low',
    riskReason:
      'Microsoft’s preferred allow: overrides spam, bulk and phish verdicts for the vendor’s own domains only, never malware or high-confidence phish, and lapses when unused.',
    needsDefender: false,
  },
  'tabl-url-allow': {
    id: 'tabl-url-allow',
    needs: 'any licence; link domains',
    title: 'Tenant Allow/Block List URL allow (expires 45 days after last use)',
    risk: 'low',
    riskReason:
      'Allows URL verdicts for the vendor’s link domains only; links are still rewritten and checked at click.',
    needsDefender: false,
  },
  'tabl-spoof-allow': {
    id: 'tabl-spoof-allow',
    needs: 'any licence; sending IPs or a DKIM domain',
    title: 'Tenant Allow/Block List spoofed-sender allow (domain + sending infrastructure)',
    risk: 'low',
    riskReason:
      'Allows one domain from one sending infrastructure (/24 or DKIM domain) instead of switching spoof protection off.',
    needsDefender: false,
  },
  'scoped-rule': {
    id: 'scoped-rule',
    needs: 'any licence; sending IPs or sender domains with DMARC',
    title: 'Mail flow rule: SCL -1 for the vendor’s IPs and authenticated domains',
    risk: 'medium',
    riskReason:
      'Skips spam filtering for mail from the vendor’s IPs (and, for senders, only when DMARC passes); malware and high-confidence phish are still caught. Scanners flag every SCL -1 rule.',
    needsDefender: false,
  },
  'bypass-clutter-header': {
    id: 'bypass-clutter-header',
    needs: 'any licence',
    title: 'Mail flow rule: X-MS-Exchange-Organization-BypassClutter: true',
    risk: 'low',
    riskReason: 'Only keeps the vendor’s mail out of Clutter; it bypasses no filtering.',
    needsDefender: false,
  },
  'quarantine-notify': {
    id: 'quarantine-notify',
    needs: 'any licence; no preset covering users',
    title: 'Quarantine policy with notifications and request-release (limited access)',
    risk: 'low',
    riskReason:
      'Users are told about held spam and bulk and can ask an admin to release it; nothing is released without review.',
    needsDefender: false,
  },
  'quarantine-release': {
    id: 'quarantine-release',
    needs: 'any licence; no preset covering users',
    title: 'Quarantine policy with notifications and self-release (full access)',
    risk: 'medium',
    riskReason:
      'Users can release their own spam and bulk (never high-confidence phish or malware).',
    needsDefender: false,
  },
  'do-not-rewrite': {
    id: 'do-not-rewrite',
    needs: 'Defender P1 or P2; a custom Safe Links policy; no preset covering users',
    title: 'Safe Links “do not rewrite” entries for the tracking domains',
    risk: 'medium',
    riskReason:
      'Links to those domains are not wrapped at delivery (still checked at click); applies to every sender using those domains.',
    needsDefender: true,
  },
  'impersonation-exclusion': {
    id: 'impersonation-exclusion',
    needs: 'Defender P1 or P2; no preset covering users',
    title: 'Anti-phishing trusted (excluded) sender domains',
    risk: 'medium',
    riskReason: 'Impersonation checks skip those domains for every recipient of the policy.',
    needsDefender: true,
  },
  'skip-safe-links-header': {
    id: 'skip-safe-links-header',
    needs: 'Defender P1 or P2',
    title: 'Mail flow rule: X-MS-Exchange-Organization-SkipSafeLinksProcessing: 1',
    risk: 'high',
    riskReason:
      'Turns Safe Links off for the vendor’s mail; the header is undocumented by Microsoft (ORCA 189-2).',
    needsDefender: true,
  },
  'skip-safe-attachments-header': {
    id: 'skip-safe-attachments-header',
    needs: 'Defender P1 or P2',
    title: 'Mail flow rule: X-MS-Exchange-Organization-SkipSafeAttachmentProcessing: 1',
    risk: 'high',
    riskReason:
      'Turns attachment detonation off for the vendor’s mail; the header is undocumented by Microsoft (ORCA 189).',
    needsDefender: true,
  },
  'bulk-threshold': {
    id: 'bulk-threshold',
    needs: 'any licence; no preset covering users',
    title: 'Raise the anti-spam bulk threshold to 9',
    risk: 'high',
    riskReason: 'Lets nearly all bulk mail from every sender into inboxes, not just the vendor’s.',
    needsDefender: false,
  },
  'antispam-allowed-senders': {
    id: 'antispam-allowed-senders',
    needs: 'any licence; no preset covering users',
    title: 'Anti-spam policy allowed sender domains',
    risk: 'high',
    riskReason:
      'Skips spam filtering for anyone who can forge those domains; Microsoft calls these lists temporary testing only.',
    needsDefender: false,
  },
  'ip-allow': {
    id: 'ip-allow',
    needs: 'any licence; IPv4 /24 to /32',
    title: 'Connection filter IP Allow List',
    risk: 'high',
    riskReason:
      'Skips spam filtering and SPF/DKIM/DMARC for everything from those IPs, including other customers of shared infrastructure.',
    needsDefender: false,
  },
  'disable-zap': {
    id: 'disable-zap',
    needs: 'any licence; no preset covering users',
    title: 'Turn off spam ZAP in the anti-spam policies (phish ZAP stays on)',
    risk: 'high',
    riskReason:
      'Spam found after delivery is no longer pulled back for any sender covered by those policies.',
    needsDefender: false,
  },
  'disable-spoof-intelligence': {
    id: 'disable-spoof-intelligence',
    needs: 'never planned',
    title: 'Turn spoof intelligence off',
    risk: 'critical',
    riskReason: 'Anyone could spoof any domain to every user.',
    needsDefender: false,
    refused:
      'Switching spoof intelligence off lets anyone spoof any domain to every user; passage plans spoofed-sender allows for the vendor’s own domains instead, where they apply',
  },
  'safe-list': {
    id: 'safe-list',
    needs: 'any licence',
    title: 'Turn on the connection filter safe list',
    risk: 'high',
    riskReason: 'Trusts a Microsoft-run list of third-party senders tenant-wide (CIS 2.1.13).',
    needsDefender: false,
  },
}

/** The definition of a protection. */
export function protectionDef(id: ProtectionId): ProtectionDef {
  const p = PROTECTIONS.find((x) => x.id === id)
  if (!p) throw new Error(`unknown protection ${id}`)
  return p
}
