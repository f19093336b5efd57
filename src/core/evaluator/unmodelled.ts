/**
 * Mail flow rule actions that change where a message lands (or whether it lands at all). A rule
 * with one of these that passage does not model may decide the message: never applied, flagged.
 */
const PLACEMENT_ACTIONS = new Set(
  [
    'DeleteMessage',
    'Quarantine',
    'RedirectMessageTo',
    'RejectMessageReasonText',
    'RejectMessageEnhancedStatusCode',
    'SmtpRejectMessageRejectStatusCode',
    'SmtpRejectMessageRejectText',
    'RouteMessageOutboundConnector',
    'ModerateMessageByManager',
    'ModerateMessageByUser',
    'NotifySender',
  ].map((n) => n.toLowerCase()),
)

/**
 * Mail flow rule actions (and action options) that do not change where the message lands:
 * disclaimers, subject prefixes, copies, reports, encryption, logging.
 */
const OTHER_ACTIONS = new Set(
  [
    'AddManagerAsRecipientType',
    'AddToRecipients',
    'ApplyClassification',
    'ApplyHtmlDisclaimerFallbackAction',
    'ApplyHtmlDisclaimerLocation',
    'ApplyHtmlDisclaimerText',
    'ApplyOME',
    'ApplyRightsProtectionCustomizationTemplate',
    'ApplyRightsProtectionTemplate',
    'BlindCopyTo',
    'CopyTo',
    'GenerateIncidentReport',
    'GenerateNotification',
    'IncidentReportContent',
    'IncidentReportOriginalMail',
    'LogEventText',
    'PrependSubject',
    'RecipientAddressType',
    'RemoveHeader',
    'RemoveOME',
    'RemoveOMEv2',
    'RemoveRMSAttachmentEncryption',
    'RouteMessageOutboundRequireTls',
    'SenderNotificationType',
    'SetAuditSeverity',
  ].map((n) => n.toLowerCase()),
)

/** The unmodelled parts of a rule, sorted by what they can do to the evaluation. */
export interface UnmodelledParts {
  /** Conditions or exceptions (anything not a known action): the match is unknown. */
  predicates: string[]
  /** Actions that can change the placement. */
  placementActions: string[]
  /** Actions that cannot change the placement. */
  otherActions: string[]
}

/** Sorts a rule's `Unmodelled` names into predicates, placement actions and other actions. */
export function classifyUnmodelled(names: readonly string[]): UnmodelledParts {
  const out: UnmodelledParts = { predicates: [], placementActions: [], otherActions: [] }
  for (const name of names) {
    const key = name.trim().toLowerCase()
    if (PLACEMENT_ACTIONS.has(key)) out.placementActions.push(name)
    else if (OTHER_ACTIONS.has(key)) out.otherActions.push(name)
    else out.predicates.push(name)
  }
  return out
}

/**
 * classifyUnmodelled of a rule's `Unmodelled` list, worked out once per list rather than on every
 * evaluation of every message (a snapshot's rules are evaluated many times). Keyed by the list
 * itself, and checked against a copy of its names, so a list changed in place is classified again.
 * The parts are shared: callers read them, never change them.
 */
const classified = new WeakMap<
  readonly string[],
  { names: readonly string[]; parts: Readonly<UnmodelledParts> }
>()
export function unmodelledPartsOf(names: readonly string[]): Readonly<UnmodelledParts> {
  const hit = classified.get(names)
  if (hit && hit.names.length === names.length && hit.names.every((n, i) => n === names[i]))
    return hit.parts
  const parts = classifyUnmodelled(names)
  classified.set(names, { names: [...names], parts })
  return parts
}

/** True for an attachment condition (not an exception): it cannot match a message with none. */
export function isAttachmentCondition(name: string): boolean {
  return /^Attachment/i.test(name.trim())
}
