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

/**
 * What a mechanism is, for people: a way of letting the vendor's mail past a protection. Each
 * mechanism's definition lives in its own module beside its logic (core/mechanisms/<id>.ts).
 */
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
    description:
      'Tell users when the vendor’s mail is held, and let them act on it; for an in-and-out relay, quarantine every negative verdict as Microsoft advises.',
    mechanisms: ['quarantine-verdicts', 'quarantine-notify', 'quarantine-release'],
  },
  {
    id: 'tabl',
    title: 'Tenant Allow/Block List entries',
    description: 'Allow the vendor’s link and sender domains in the Tenant Allow/Block List.',
    mechanisms: ['tabl-url-allow', 'tabl-sender-allow'],
  },
]

/** The definition of a protection. */
export function protectionDef(id: ProtectionId): ProtectionDef {
  const p = PROTECTIONS.find((x) => x.id === id)
  if (!p) throw new Error(`unknown protection ${id}`)
  return p
}
