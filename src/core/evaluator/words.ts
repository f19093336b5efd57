/**
 * The evaluator's verdicts and the kinds of tenant object it names, in plain words: one
 * vocabulary for every place that puts an evaluation into a sentence (the summary, the journey,
 * `simulate`, `test`), so that they never say the same thing two ways.
 */
import type { Category, TraceObject } from './types.js'

/** What each verdict is, in words. */
export const CATEGORY_WORDS: Readonly<Record<Category, string>> = {
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

/** How each kind of tenant object reads in a sentence. */
export const OBJECT_WORDS: Readonly<Record<TraceObject['kind'], string>> = {
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
