import { z } from 'zod'
import { list, RuleState, NotUnderstood } from './common.js'

/**
 * A mail flow (transport) rule, with the predicates and actions passage reads or writes, named as
 * Get-TransportRule returns them (reference §3.1).
 */
export const TransportRule = z.object({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
  Name: z.string().min(1),
  Guid: z.string().nullish(),
  Priority: z.number().int().min(0),
  State: RuleState.default('Enabled'),
  Mode: z.enum(['Enforce', 'Audit', 'AuditAndNotify']).default('Enforce'),
  Comments: z.string().nullish(),
  // Conditions
  SenderIpRanges: list(),
  FromScope: z.enum(['InOrganization', 'NotInOrganization']).nullish(),
  SenderDomainIs: list(),
  SenderAddressLocation: z.enum(['Header', 'Envelope', 'HeaderOrEnvelope']).default('Header'),
  From: list(),
  HeaderMatchesMessageHeader: z.string().nullish(),
  HeaderMatchesPatterns: list(),
  HeaderContainsMessageHeader: z.string().nullish(),
  HeaderContainsWords: list(),
  SentTo: list(),
  SentToMemberOf: list(),
  RecipientDomainIs: list(),
  // Exceptions
  ExceptIfSenderIpRanges: list(),
  ExceptIfSenderDomainIs: list(),
  ExceptIfFrom: list(),
  // Actions
  SetSCL: z.number().int().min(-1).max(9).nullish(),
  SetHeaderName: z.string().nullish(),
  SetHeaderValue: z.string().nullish(),
  StopRuleProcessing: z.boolean().default(false),
  /**
   * Names of predicates or actions the rule has that passage does not model (e.g.
   * AttachmentHasExecutableContent). The evaluator treats such a rule as uncertain, never as a match.
   */
  Unmodelled: list(),
})
export type TransportRule = z.infer<typeof TransportRule>
export type TransportRuleInput = z.input<typeof TransportRule>

/** Exchange's organisation limits for transport rules (reference §3.1). */
export const TRANSPORT_RULE_LIMITS = {
  maxRules: 300,
  maxNameLength: 64,
  maxRuleBytes: 8 * 1024,
  maxCommentsLength: 1024,
} as const
