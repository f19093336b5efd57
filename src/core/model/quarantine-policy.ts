import { z } from 'zod'
import { NotUnderstood } from './common.js'

/** A quarantine policy (Get-QuarantinePolicy), reference §3.9. */
export const QuarantinePolicy = z.object({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
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

const PERMISSION_NAMES = Object.keys(QuarantinePermission) as (keyof typeof QuarantinePermission)[]

/**
 * The end-user permission bits of a Get-QuarantinePolicy object, from whichever form it carries
 * (ms-rule: read.quarantine-permissions): `EndUserQuarantinePermissionsValue` when present; else
 * the per-permission booleans (ViewHeader, Download, ...); else the `EndUserQuarantinePermissions`
 * text live tenants return (`[PermissionToBlockSender: False\r\nPermissionToDelete: True ...]`).
 * Null when none of them is there.
 */
export function quarantinePermissionsOf(o: Record<string, unknown>): number | null {
  const v = o.EndUserQuarantinePermissionsValue
  if (typeof v === 'number' && Number.isInteger(v)) return v
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v)
  const text = o.EndUserQuarantinePermissions
  if (typeof text === 'string' && /PermissionTo\w+\s*:/i.test(text)) {
    let bits = 0
    for (const name of PERMISSION_NAMES)
      if (new RegExp(`PermissionTo${name}\\s*:\\s*True`, 'i').test(text))
        bits |= QuarantinePermission[name]
    return bits
  }
  if (PERMISSION_NAMES.some((n) => typeof o[n] === 'boolean'))
    return PERMISSION_NAMES.reduce((b, n) => (o[n] === true ? b | QuarantinePermission[n] : b), 0)
  return null
}
