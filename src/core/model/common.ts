import { z } from 'zod'

/** A list-valued Exchange property (MultiValuedProperty); absent or null reads as empty. */
export const list = () =>
  z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? [])

/** Why an object was read as "not understood" (absent on every object read normally). */
export const NotUnderstood = z.string().optional()

/** Enabled/Disabled state of a rule as Get-*Rule reports it. */
export const RuleState = z.enum(['Enabled', 'Disabled'])
export type RuleState = z.infer<typeof RuleState>

/** The marker passage writes into the Comments/Notes/AdminDisplayName of objects it creates. */
export const PASSAGE_MARKER = 'managed-by=passage'

/** Name prefix of every object passage creates. */
export const PASSAGE_PREFIX = 'passage'

/** True when a Comments/Notes text carries passage's marker. */
export function hasMarker(text: string | null | undefined): boolean {
  return typeof text === 'string' && text.includes(PASSAGE_MARKER)
}

/**
 * Recipient scope of a policy rule (anti-spam, anti-phish, Safe Links, Safe Attachments, presets).
 * Empty include lists mean "everyone" only for the default policy; a rule needs at least one.
 */
export const RecipientScope = z.object({
  SentTo: list(),
  SentToMemberOf: list(),
  RecipientDomainIs: list(),
  ExceptIfSentTo: list(),
  ExceptIfSentToMemberOf: list(),
  ExceptIfRecipientDomainIs: list(),
})
export type RecipientScope = z.infer<typeof RecipientScope>

/** The rule that links a custom policy to its recipients, as Get-<Kind>Rule returns it. */
export const PolicyRule = RecipientScope.extend({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
  Name: z.string(),
  Priority: z.number().int().min(0),
  State: RuleState.default('Enabled'),
  Comments: z.string().nullish(),
})
export type PolicyRule = z.infer<typeof PolicyRule>
