import { z } from 'zod'
import { list, PolicyRule, NotUnderstood } from './common.js'

/** An anti-phishing policy, reference §3.7. MDO-only settings are ignored on EOP-only tenants. */
export const AntiPhishPolicy = z.object({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
  Name: z.string(),
  IsDefault: z.boolean().default(false),
  AdminDisplayName: z.string().nullish(),
  EnableSpoofIntelligence: z.boolean().default(true),
  AuthenticationFailAction: z.enum(['MoveToJmf', 'Quarantine']).default('MoveToJmf'),
  HonorDmarcPolicy: z.boolean().default(true),
  DmarcQuarantineAction: z.enum(['MoveToJmf', 'Quarantine']).default('Quarantine'),
  DmarcRejectAction: z.enum(['Quarantine', 'Reject']).default('Reject'),
  SpoofQuarantineTag: z.string().default('DefaultFullAccessPolicy'),
  PhishThresholdLevel: z.number().int().min(1).max(4).default(1),
  EnableTargetedUserProtection: z.boolean().default(false),
  TargetedUsersToProtect: list(),
  EnableTargetedDomainsProtection: z.boolean().default(false),
  TargetedDomainsToProtect: list(),
  EnableOrganizationDomainsProtection: z.boolean().default(false),
  EnableMailboxIntelligence: z.boolean().default(true),
  EnableMailboxIntelligenceProtection: z.boolean().default(false),
  TargetedUserProtectionAction: z.string().default('NoAction'),
  TargetedDomainProtectionAction: z.string().default('NoAction'),
  MailboxIntelligenceProtectionAction: z.string().default('NoAction'),
  ExcludedSenders: list(),
  ExcludedDomains: list(),
})
export type AntiPhishPolicy = z.infer<typeof AntiPhishPolicy>

/** Rule linking an anti-phishing policy to recipients (Get-AntiPhishRule). */
export const AntiPhishRule = PolicyRule.extend({ AntiPhishPolicy: z.string() })
export type AntiPhishRule = z.infer<typeof AntiPhishRule>

/** About 1000 entries each in ExcludedSenders / ExcludedDomains (reference §3.7). */
export const ANTI_PHISH_LIMITS = { maxExcludedEntries: 1000 } as const
