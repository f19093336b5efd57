/**
 * What combine, its allow stage (allows.ts) and its block stage (blocks.ts) share: the input, the
 * outcome and the verdicts nothing bypasses. In a module of their own so that the three stages
 * import it rather than each other (review 2026-12, finding 6: no import cycle).
 */
import type { AdvancedDeliveryMatch } from './advanced-delivery.js'
import type { ConnectionVerdict } from './connection-filter.js'
import type { PolicySet } from './policies.js'
import type { ListHit } from './sender-lists.js'
import type { TablHits } from './tabl.js'
import type { RuleOutcome } from './transport-rules.js'
import type { Action, Category, Sfv, TraceObject } from './types.js'
import type { Verdict } from './verdict.js'

/** Everything that decides the outcome for one recipient. */
export interface CombineInput {
  verdicts: Verdict[]
  advancedDelivery: AdvancedDeliveryMatch
  connection: ConnectionVerdict
  rules: RuleOutcome
  antiSpamLists: { allow: ListHit | null; block: ListHit | null }
  tabl: TablHits
  user: { safe: ListHit | null; blocked: ListHit | null }
  /** MX not at Microsoft 365: secure by default does not apply (secure-by-default.md). */
  complexRouting: boolean
  /**
   * Whether the message passes email authentication as Exchange computes it (compauth pass), for
   * allows that need it; 'unknown' when compauth cannot say (e.g. behind a gateway, reason 905).
   */
  authPassed: boolean | 'unknown'
  urls: readonly string[]
  policies: PolicySet
}

/** Which mechanism let the message through, if any. */
export type AllowKind =
  | 'secops'
  | 'phish-sim'
  | 'transport-rule'
  | 'ip-allow'
  | 'anti-spam-allow'
  | 'tabl-allow'
  | 'user-safe'

/** The outcome for one recipient, before headers are rendered. */
export interface Outcome {
  action: Action
  quarantinePolicy: string | null
  category: Category
  detected: Category
  sfv: Sfv | null
  scl: number | null
  /** The allow that decided, if the message got through because of one. */
  allowedBy: AllowKind | null
  /** True when a message-level tenant allow skipped spam filtering (SKN/SKI/SKA). */
  filteringSkipped: boolean
  /** The object behind the final placement (rule, policy, list entry), or null for a clean Inbox. */
  decidedBy: TraceObject | null
}

/** Verdicts no rule, IP allow or allowed sender can bypass (reference §4.3). */
export const NEVER_BYPASSED: readonly Category[] = ['MALW', 'HPHSH']

/** Plain words for an action. */
export function describe(action: Action): string {
  return {
    inbox: 'delivered to the Inbox',
    junk: 'delivered to Junk Email',
    quarantine: 'quarantined',
    dropped: 'dropped (not delivered)',
    rejected: 'rejected (NDR to the sender)',
  }[action]
}
