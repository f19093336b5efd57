import { z } from 'zod'
import { list, PolicyRule, NotUnderstood } from './common.js'

/** A Safe Links policy (Defender for Office 365 only), reference §3.5. */
export const SafeLinksPolicy = z.object({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
  Name: z.string(),
  IsBuiltInProtection: z.boolean().default(false),
  AdminDisplayName: z.string().nullish(),
  EnableSafeLinksForEmail: z.boolean().default(true),
  DisableUrlRewrite: z.boolean().default(false),
  ScanUrls: z.boolean().default(true),
  DeliverMessageAfterScan: z.boolean().default(true),
  EnableForInternalSenders: z.boolean().default(true),
  TrackClicks: z.boolean().default(true),
  AllowClickThrough: z.boolean().default(false),
  DoNotRewriteUrls: list(),
})
export type SafeLinksPolicy = z.infer<typeof SafeLinksPolicy>

/** Rule linking a Safe Links policy to recipients (Get-SafeLinksRule). */
export const SafeLinksRule = PolicyRule.extend({ SafeLinksPolicy: z.string() })
export type SafeLinksRule = z.infer<typeof SafeLinksRule>

/** Up to three `*` per DoNotRewriteUrls entry; the entry-count limit is unconfirmed (reference §3.5). */
export const SAFE_LINKS_LIMITS = { maxWildcardsPerEntry: 3 } as const
