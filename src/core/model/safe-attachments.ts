import { z } from 'zod'
import { PolicyRule, NotUnderstood } from './common.js'

/** A Safe Attachments policy (Defender for Office 365 only), reference §3.6. */
export const SafeAttachmentPolicy = z.object({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
  Name: z.string(),
  IsBuiltInProtection: z.boolean().default(false),
  AdminDisplayName: z.string().nullish(),
  Enable: z.boolean().default(false),
  Action: z.enum(['Block', 'Allow', 'DynamicDelivery']).default('Block'),
  QuarantineTag: z.string().default('AdminOnlyAccessPolicy'),
  Redirect: z.boolean().default(false),
  RedirectAddress: z.string().nullish(),
})
export type SafeAttachmentPolicy = z.infer<typeof SafeAttachmentPolicy>

/** Rule linking a Safe Attachments policy to recipients (Get-SafeAttachmentRule). */
export const SafeAttachmentRule = PolicyRule.extend({ SafeAttachmentPolicy: z.string() })
export type SafeAttachmentRule = z.infer<typeof SafeAttachmentRule>
