import { z } from 'zod'

/** A quarantine policy (Get-QuarantinePolicy), reference §3.9. */
export const QuarantinePolicy = z.object({
  Name: z.string(),
  AdminDisplayName: z.string().nullish(),
  EndUserQuarantinePermissionsValue: z.number().int().min(0).max(255),
  ESNEnabled: z.boolean().default(false),
  QuarantineRetentionDays: z.number().int().min(1).max(30).nullish(),
})
export type QuarantinePolicy = z.infer<typeof QuarantinePolicy>

/** End-user quarantine permission bits, high to low (reference §3.9). */
export const QuarantinePermission = {
  ViewHeader: 128,
  Download: 64,
  AllowSender: 32,
  BlockSender: 16,
  RequestRelease: 8,
  Release: 4,
  Preview: 2,
  Delete: 1,
} as const

/** The built-in permission presets. */
export const QUARANTINE_PRESETS = { NoAccess: 0, LimitedAccess: 43, FullAccess: 39 } as const

/** Built-in quarantine policies every tenant has. */
export const BUILT_IN_QUARANTINE_POLICIES = [
  'AdminOnlyAccessPolicy',
  'DefaultFullAccessPolicy',
  'DefaultFullAccessWithNotificationPolicy',
  'NotificationEnabledPolicy',
] as const

/** True when the bitmask sets both Release and RequestRelease, which Exchange forbids. */
export function hasConflictingReleaseBits(value: number): boolean {
  return (
    (value & QuarantinePermission.Release) !== 0 &&
    (value & QuarantinePermission.RequestRelease) !== 0
  )
}
