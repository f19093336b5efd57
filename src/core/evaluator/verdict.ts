import type { Action, Category, TraceObject } from './types.js'
import { CATEGORY_ORDER } from './types.js'

/** Where a verdict came from. */
export type VerdictSource =
  | 'filter'
  | 'spoof-intelligence'
  | 'dmarc'
  | 'tabl-block'
  | 'spoof-block'
  | 'rule-block'
  | 'anti-spam-block'

/** What can override a verdict (reference §4.3, §4.5). */
export interface Overridable {
  /** Transport rule SCL -1, IP Allow List, anti-spam allowed senders, TABL allows. */
  tenantAllow: boolean
  /**
   * When the MX does not point to Microsoft 365, secure by default does not apply and an SCL -1
   * rule, Tenant Allow/Block List allows, anti-spam allowed senders/domains and Outlook Safe
   * Senders can deliver it (HC phish; secure-by-default.md, ms-rule: eval.allow.hcphish-mx-elsewhere).
   * The IP Allow List is not among them.
   */
  ifMxElsewhere: boolean
  /** The recipient's Outlook Safe Senders. */
  userSafe: boolean
}

/** One verdict with the action its policy gives it. */
export interface Verdict {
  cat: Category
  action: Action
  /** The quarantine policy when the action is quarantine. */
  quarantineTag: string | null
  /** The policy setting that chose the action, e.g. `SpamAction=MoveToJmf`. */
  setting: string
  object: TraceObject
  source: VerdictSource
  overridable: Overridable
}

/** Overridable by nothing (malware). */
export const NEVER: Overridable = {
  tenantAllow: false,
  ifMxElsewhere: false,
  userSafe: false,
}
/** Overridable by tenant allows and the user's Safe Senders. */
export const TENANT_AND_USER: Overridable = {
  tenantAllow: true,
  ifMxElsewhere: false,
  userSafe: true,
}

/** The placement a policy action name gives. */
export function actionOf(name: string): Action {
  switch (name) {
    case 'MoveToJmf':
      return 'junk'
    case 'Quarantine':
      return 'quarantine'
    case 'Delete':
    case 'Redirect':
      return 'dropped'
    case 'Reject':
      return 'rejected'
    default:
      // NoAction, AddXHeader, ModifySubject, BccMessage: delivered to the Inbox
      return 'inbox'
  }
}

/** A verdict with its placement from a policy action. */
export function verdict(
  cat: Category,
  setting: string,
  actionName: string,
  tag: string,
  object: TraceObject,
  source: VerdictSource,
  overridable: Overridable,
): Verdict {
  const action = actionOf(actionName)
  return {
    cat,
    action,
    quarantineTag: action === 'quarantine' ? tag : null,
    setting: `${setting}=${actionName}`,
    object,
    source,
    overridable,
  }
}

/**
 * Sorts verdicts by the fixed verdict order (how-policies-and-protections-are-combined.md); stable
 * for equal categories. ms-rule: eval.verdict.order
 */
export function byVerdictOrder(verdicts: Verdict[]): Verdict[] {
  return [...verdicts].sort((a, b) => CATEGORY_ORDER.indexOf(a.cat) - CATEGORY_ORDER.indexOf(b.cat))
}
