import { z } from 'zod'

/** What the tenant is licensed for: EOP only, Defender for Office 365 Plan 1 or Plan 2. */
export const Licence = z.enum(['eop', 'mdo-p1', 'mdo-p2'])
export type Licence = z.infer<typeof Licence>

/** True when the tenant has Defender for Office 365 (Safe Links, Safe Attachments, impersonation). */
export function hasDefender(licence: Licence): boolean {
  return licence !== 'eop'
}

/** Human name of a licence level. */
export function licenceName(licence: Licence): string {
  return {
    eop: 'Exchange Online Protection only',
    'mdo-p1': 'Defender for Office 365 Plan 1',
    'mdo-p2': 'Defender for Office 365 Plan 2',
  }[licence]
}
