/**
 * The journey of one message to one recipient through Defender's stages: what each stage did
 * (passed, acted, skipped and why, or decided), which rule, policy or entry it used, and where the
 * message landed. Built from the evaluator's trace (a modelled message) or from a delivered
 * message's headers; drawn by the wizard and printed by the CLI.
 */

/** A stage of Defender's processing, in Microsoft's documented order (see stages.ts). */
export type StageId =
  | 'connection-filter'
  | 'anti-malware'
  | 'mail-flow-rules'
  | 'anti-spam'
  | 'anti-phishing'
  | 'safe-attachments'
  | 'safe-links'
  | 'delivery'
  | 'zap'

/**
 * What a stage did: `passed` (looked, let it go on unchanged), `acted` (did something that does
 * not decide where it lands: a rule matched, links wrapped, a verdict found and then overridden),
 * `skipped` (did not run for this message, with the reason), `decided` (chose where it lands).
 */
export type StageStatus = 'passed' | 'acted' | 'skipped' | 'decided'

/** Where the message ends up; `unknown` when headers cannot tell. */
export type Placement = 'inbox' | 'junk' | 'quarantine' | 'dropped' | 'rejected' | 'unknown'

/** The rule, policy or list entry a stage used, in words an admin recognises. */
export interface JourneyObject {
  /** What kind of thing it is, e.g. `mail flow rule`, `anti-spam policy`, `preset policy`. */
  kind: string
  /** Its name as the tenant shows it (empty when headers do not name it). */
  name: string
}

/** One stage of the journey. */
export interface JourneyStage {
  id: StageId
  /** The stage's name, e.g. `Anti-spam`. */
  title: string
  status: StageStatus
  /** One plain sentence: what happened here (for a skipped stage, why). */
  detail: string
  /** The rule, policy or entry behind it, when there is one. */
  object: JourneyObject | null
  /** Microsoft's documentation is silent, or the headers cannot tell: shown as a guess. */
  uncertain: boolean
}

/** One message to one recipient, stage by stage. */
export interface Journey {
  /** `model`: passage's model of the tenant; `headers`: what a delivered message's headers say. */
  basis: 'model' | 'headers'
  recipient: string | null
  /** The preset security policy that covers the recipient, if one does. */
  preset: string | null
  placement: Placement
  /** The placement in words, e.g. `Inbox`, `quarantine (AdminOnlyAccessPolicy)`. */
  landing: string
  /** The stage that decided where it lands (null when headers cannot tell). */
  decidedBy: StageId | null
  /** One sentence: where it lands, and which stage and object decided. */
  summary: string
  /** Every stage, in Microsoft's order. */
  stages: JourneyStage[]
  /** Points where Microsoft's documentation is silent, in words. */
  uncertain: string[]
}

/** A message's journey today and, when a plan is given, after the plan. */
export interface JourneyPair {
  before: Journey
  after: Journey | null
}
