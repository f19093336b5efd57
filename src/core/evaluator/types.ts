/**
 * The evaluator's result types: where a test message lands for each recipient, which headers
 * Exchange Online Protection would stamp, and the trace of the objects that decided it.
 */

/** Where the message ends up for one recipient. */
export type Action = 'inbox' | 'junk' | 'quarantine' | 'dropped' | 'rejected'

/**
 * The `CAT:` value of X-Forefront-Antispam-Report: which protection's verdict applied
 * (message-headers §1.1). NONE when nothing was detected or filtering was skipped.
 */
export type Category =
  'MALW' | 'HPHSH' | 'PHSH' | 'HSPM' | 'SPOOF' | 'UIMP' | 'DIMP' | 'GIMP' | 'SPM' | 'BULK' | 'NONE'

/** Verdict order of exchange-online-api §4.1: the first one found is the verdict. */
export const CATEGORY_ORDER: readonly Category[] = [
  'MALW',
  'HPHSH',
  'PHSH',
  'HSPM',
  'SPOOF',
  'UIMP',
  'DIMP',
  'GIMP',
  'SPM',
  'BULK',
]

/** The `SFV:` value: how the spam verdict was reached (message-headers §1.1, reference §4.6). */
export type Sfv = 'NSPM' | 'SPM' | 'SKN' | 'SKA' | 'SKI' | 'SKB' | 'SKS' | 'SFE' | 'BLK'

/** Kinds of tenant object a trace step can name. */
export type ObjectKind =
  | 'mx'
  | 'inbound-connector'
  | 'connection-filter'
  | 'transport-rule'
  | 'preset'
  | 'anti-spam-policy'
  | 'anti-phish-policy'
  | 'anti-malware-policy'
  | 'safe-links-policy'
  | 'safe-attachments-policy'
  | 'tabl-entry'
  | 'tabl-spoof-entry'
  | 'advanced-delivery'
  | 'quarantine-policy'
  | 'user-list'
  | 'message'

/** The tenant object (or list entry) that made a decision. */
export interface TraceObject {
  kind: ObjectKind
  name: string
}

/** Stages of the evaluation, in the order Exchange applies them. */
export type Stage =
  | 'message'
  | 'routing'
  | 'authentication'
  | 'connection-filter'
  | 'policy-selection'
  | 'transport-rules'
  | 'advanced-delivery'
  | 'tenant-allow-block-list'
  | 'anti-spam-lists'
  | 'filter-verdict'
  | 'allow'
  | 'block'
  | 'user-lists'
  | 'verdict'
  | 'headers'
  | 'safe-links'
  | 'safe-attachments'
  | 'zap'

/** One step of the trace: what was decided, and by which object. */
export interface TraceStep {
  stage: Stage
  decision: string
  object: TraceObject | null
  note?: string
  /** True when Microsoft's documentation is silent or contradictory about this step. */
  uncertain?: true
}

/** X-Forefront-Antispam-Report, as text and as parsed fields. */
export interface ForefrontReport {
  raw: string
  fields: Record<string, string>
}

/** Headers EOP and mail flow rules would stamp on the delivered copy. */
export interface StampedHeaders {
  /** Every stamped header, name to value (EOP's, then those set by mail flow rules). */
  all: Record<string, string>
  forefront: ForefrontReport
  /** Only the headers set by mail flow rules (SetHeaderName/SetHeaderValue). */
  setByRules: Record<string, string>
}

/** What Safe Links does to one URL at delivery. */
export interface SafeLinkResult {
  url: string
  rewritten: boolean
  reason: string
}

/** Whether zero-hour auto purge could later move the delivered message. */
export interface ZapResult {
  /** For spam/phish ZAP; 'unknown' where the documentation is silent. */
  couldMove: boolean | 'unknown'
  reason: string
}

/** The policies that applied to a recipient (the first match of each type). */
export interface AppliedPolicies {
  antiSpam: TraceObject
  antiPhish: TraceObject
  safeLinks: TraceObject | null
  safeAttachments: TraceObject | null
}

/** The outcome for one recipient. */
export interface RecipientEvaluation {
  recipient: string
  action: Action
  /** Name of the quarantine policy (tag) when the action is quarantine, else null. */
  quarantinePolicy: string | null
  /** The CAT value stamped (NONE when filtering was skipped or found nothing). */
  category: Category
  /** The highest verdict the filters found before any allow or block was applied. */
  detected: Category
  /** The object behind the final placement (rule, policy, list entry); null for a clean Inbox. */
  decidedBy: TraceObject | null
  /** null when nothing is delivered (dropped or rejected), so no header is stamped. */
  sfv: Sfv | null
  scl: number | null
  headers: StampedHeaders | null
  policies: AppliedPolicies
  safeLinks: SafeLinkResult[]
  zap: ZapResult
  /** The notes of uncertain trace steps, for quick display. */
  uncertain: string[]
  trace: TraceStep[]
}

/** How the message reached Exchange, as the evaluator worked it out. */
export interface RoutingSummary {
  /** The IP Exchange treats as the source: the CIP value. */
  cip: string
  /** True when the MX points to a gateway, not to Microsoft 365 ("complex routing"). */
  complexRouting: boolean
  /** True when Enhanced Filtering found the true source for this message. */
  enhancedFiltering: boolean
  /** The authentication results Exchange computes (degraded behind a gateway without EF). */
  auth: {
    spf: string
    dkim: string
    dmarc: string
  }
}

/** The evaluator's answer for a whole message. */
export interface Evaluation {
  now: string
  routing: RoutingSummary
  recipients: RecipientEvaluation[]
}
