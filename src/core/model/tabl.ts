import { z } from 'zod'
import { NotUnderstood } from './common.js'
import type { Licence } from './licence.js'

/** Tenant Allow/Block List list types (reference §3.4). */
export const TablListType = z.enum(['Sender', 'Url', 'FileHash', 'IP'])
export type TablListType = z.infer<typeof TablListType>

/** One Tenant Allow/Block List entry as Get-TenantAllowBlockListItems returns it. */
export const TablItem = z.object({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
  Identity: z.string().nullish(),
  ListType: TablListType,
  ListSubType: z.enum(['Tenant', 'AdvancedDelivery']).default('Tenant'),
  Action: z.enum(['Allow', 'Block']),
  Value: z.string().min(1),
  /** UTC ISO date; null means it never expires. */
  ExpirationDate: z.string().nullish(),
  /** 45 when the entry was created with -RemoveAfter 45 (kept until 45 days after last use). */
  RemoveAfter: z.number().int().nullish(),
  LastUsedDate: z.string().nullish(),
  Notes: z.string().nullish(),
})
export type TablItem = z.infer<typeof TablItem>

/** A spoofed-sender entry (New-TenantAllowBlockListSpoofItems). */
export const TablSpoofItem = z.object({
  Identity: z.string().nullish(),
  Action: z.enum(['Allow', 'Block']),
  SpoofType: z.enum(['External', 'Internal']),
  SpoofedUser: z.string().min(1),
  SendingInfrastructure: z.string().min(1),
})
export type TablSpoofItem = z.infer<typeof TablSpoofItem>

/** Entry limits per list subtype (Sender, Url, FileHash, IP counted apart), by licence. */
export const TABL_LIMITS: Record<Licence, { allow: number; block: number }> = {
  eop: { allow: 500, block: 500 },
  'mdo-p1': { allow: 1000, block: 1000 },
  'mdo-p2': { allow: 5000, block: 10000 },
}

/** Other Tenant Allow/Block List limits and rules (reference §3.4). */
export const TABL_RULES = {
  maxSpoofEntries: 1024,
  maxUrlLength: 250,
  maxAllowDays: 30,
  maxBlockDays: 90,
  removeAfterDays: 45,
} as const
