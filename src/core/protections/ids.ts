import { z } from 'zod'

/** The protections an admin can tick (Trustifi's wizard, ContactMonkey's guide). */
export const ProtectionId = z.enum([
  'anti-spam',
  'bulk',
  'clutter',
  'safe-links',
  'safe-attachments',
  'zap',
  'spoof',
  'impersonation',
  'connection-filter',
  'quarantine',
  'tabl',
  'advanced-delivery',
  'enhanced-filtering',
])
export type ProtectionId = z.infer<typeof ProtectionId>

/** The mechanisms that can let a vendor's mail past a protection, from narrow to wide. */
export const MechanismId = z.enum([
  'advanced-delivery',
  'enhanced-filtering',
  'tabl-sender-allow',
  'tabl-url-allow',
  'tabl-spoof-allow',
  'scoped-rule',
  'bypass-clutter-header',
  'quarantine-verdicts',
  'quarantine-notify',
  'quarantine-release',
  'do-not-rewrite',
  'impersonation-exclusion',
  'skip-safe-links-header',
  'skip-safe-attachments-header',
  'bulk-threshold',
  'antispam-allowed-senders',
  'ip-allow',
  'disable-zap',
  'disable-spoof-intelligence',
  'safe-list',
])
export type MechanismId = z.infer<typeof MechanismId>
