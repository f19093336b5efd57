import { z } from 'zod'
import { list, PolicyRule, NotUnderstood } from './common.js'

const SpamAction = z.enum([
  'MoveToJmf',
  'AddXHeader',
  'ModifySubject',
  'Redirect',
  'Delete',
  'Quarantine',
  'NoAction',
])

/** An anti-spam (hosted content filter) policy, reference §3.3. */
export const AntiSpamPolicy = z.object({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
  Name: z.string(),
  IsDefault: z.boolean().default(false),
  AdminDisplayName: z.string().nullish(),
  AllowedSenders: list(),
  AllowedSenderDomains: list(),
  BlockedSenders: list(),
  BlockedSenderDomains: list(),
  BulkThreshold: z.number().int().min(1).max(9).default(7),
  MarkAsSpamBulkMail: z.enum(['On', 'Off']).default('On'),
  BulkSpamAction: SpamAction.default('MoveToJmf'),
  SpamAction: SpamAction.default('MoveToJmf'),
  HighConfidenceSpamAction: SpamAction.default('MoveToJmf'),
  PhishSpamAction: SpamAction.default('MoveToJmf'),
  HighConfidencePhishAction: z.enum(['Quarantine', 'Redirect']).default('Quarantine'),
  SpamQuarantineTag: z.string().default('DefaultFullAccessPolicy'),
  HighConfidenceSpamQuarantineTag: z.string().default('DefaultFullAccessPolicy'),
  PhishQuarantineTag: z.string().default('DefaultFullAccessPolicy'),
  HighConfidencePhishQuarantineTag: z.string().default('AdminOnlyAccessPolicy'),
  BulkQuarantineTag: z.string().default('DefaultFullAccessPolicy'),
  SpamZapEnabled: z.boolean().default(true),
  PhishZapEnabled: z.boolean().default(true),
})
export type AntiSpamPolicy = z.infer<typeof AntiSpamPolicy>

/** Rule linking an anti-spam policy to recipients (Get-HostedContentFilterRule). */
export const AntiSpamRule = PolicyRule.extend({ HostedContentFilterPolicy: z.string() })
export type AntiSpamRule = z.infer<typeof AntiSpamRule>

/** Limits of anti-spam allow/block lists (reference §3.3). */
export const ANTI_SPAM_LIMITS = { maxListEntries: 1000, maxAdminDisplayName: 256 } as const
