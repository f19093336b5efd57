import { z } from 'zod'
import { list, NotUnderstood } from './common.js'

/** The phishing simulation override policy; Exchange forces its name (reference §3.8). */
export const PHISH_SIM_POLICY_NAME = 'PhishSimOverridePolicy'

/** The SecOps mailbox override policy name. */
export const SECOPS_POLICY_NAME = 'SecOpsOverridePolicy'

export const PhishSimOverridePolicy = z.object({
  Name: z.literal(PHISH_SIM_POLICY_NAME).default(PHISH_SIM_POLICY_NAME),
  Enabled: z.boolean().default(true),
})

/** The rule of the phishing simulation override; its name is `_Exe:PhishSimOverr:<GUID>`. */
export const PhishSimOverrideRule = z.object({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
  Name: z.string(),
  Policy: z.string().default(PHISH_SIM_POLICY_NAME),
  Domains: list(),
  SenderIpRanges: list(),
})

export const SecOpsOverridePolicy = z.object({
  Name: z.string().default(SECOPS_POLICY_NAME),
  Enabled: z.boolean().default(true),
  SentTo: list(),
})

/** Advanced delivery: the phishing simulation and SecOps overrides. */
export const AdvancedDelivery = z.object({
  phishSimPolicy: PhishSimOverridePolicy.nullish().transform((v) => v ?? null),
  phishSimRule: PhishSimOverrideRule.nullish().transform((v) => v ?? null),
  secOpsPolicy: SecOpsOverridePolicy.nullish().transform((v) => v ?? null),
})
export type AdvancedDelivery = z.infer<typeof AdvancedDelivery>
export type PhishSimOverrideRule = z.infer<typeof PhishSimOverrideRule>

/** Limits of the phishing simulation override rule (reference §3.8). */
export const ADVANCED_DELIVERY_LIMITS = { maxDomains: 20, maxSenderIpRanges: 10 } as const
