/** The plain words the journey uses for the evaluator's kinds, verdicts and placements. */
import type { Action, Category, TraceObject } from '../evaluator/types.js'
import type { JourneyObject, Placement } from './types.js'

/** How each kind of tenant object reads in a sentence. */
const OBJECT_WORDS: Record<TraceObject['kind'], string> = {
  mx: 'MX record',
  'inbound-connector': 'inbound connector',
  'connection-filter': 'connection filter policy',
  'transport-rule': 'mail flow rule',
  preset: 'preset policy',
  'anti-spam-policy': 'anti-spam policy',
  'anti-phish-policy': 'anti-phishing policy',
  'anti-malware-policy': 'anti-malware policy',
  'safe-links-policy': 'Safe Links policy',
  'safe-attachments-policy': 'Safe Attachments policy',
  'tabl-entry': 'Tenant Allow/Block List entry',
  'tabl-spoof-entry': 'spoofed-sender entry',
  'advanced-delivery': 'advanced delivery policy',
  'quarantine-policy': 'quarantine policy',
  'user-list': 'recipient’s list',
  message: 'message',
}

/** An evaluator object in words. */
export function objectOf(o: TraceObject | null): JourneyObject | null {
  return o ? { kind: OBJECT_WORDS[o.kind], name: o.name } : null
}

/** `mail flow rule 'X'`, or the kind alone when unnamed. */
export function named(o: JourneyObject | null): string {
  if (!o) return ''
  return o.name ? `${o.kind} '${o.name}'` : `a ${o.kind}`
}

/** What each verdict is, in words. */
export const CATEGORY_WORDS: Record<Category, string> = {
  MALW: 'malware',
  HPHSH: 'high-confidence phishing',
  PHSH: 'phishing',
  HSPM: 'high-confidence spam',
  SPOOF: 'spoofing',
  UIMP: 'user impersonation',
  DIMP: 'domain impersonation',
  GIMP: 'mailbox intelligence impersonation',
  SPM: 'spam',
  BULK: 'bulk mail',
  NONE: 'nothing',
}

/** Where a placement puts the message, in words. */
export const PLACEMENT_WORDS: Record<Placement, string> = {
  inbox: 'Inbox',
  junk: 'Junk Email',
  quarantine: 'quarantine',
  dropped: 'dropped (not delivered)',
  rejected: 'rejected (returned to the sender)',
  unknown: 'not known',
}

/** The placement in words, with the quarantine policy when there is one. */
export function landingOf(action: Action | Placement, quarantinePolicy: string | null): string {
  return action === 'quarantine' && quarantinePolicy
    ? `quarantine (${quarantinePolicy})`
    : PLACEMENT_WORDS[action]
}

/** A list in words: `a`, `a and b`, `a, b and c`. */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}
