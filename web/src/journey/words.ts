import type { Journey, JourneyStage, Placement } from '../types'

/** The short name of each stage under its box in the picture. */
export const SHORT_TITLES: Record<JourneyStage['id'], [string, string?]> = {
  'connection-filter': ['Connection', 'filter'],
  'anti-malware': ['Anti-malware'],
  'mail-flow-rules': ['Mail flow', 'rules'],
  'anti-spam': ['Anti-spam'],
  'anti-phishing': ['Anti-phishing,', 'spoof'],
  'safe-attachments': ['Safe', 'Attachments'],
  'safe-links': ['Safe Links'],
  delivery: ['Delivery'],
  zap: ['ZAP', '(afterwards)'],
}

/** How each status reads. */
export const STATUS_WORDS: Record<JourneyStage['status'], string> = {
  decided: 'decided',
  acted: 'acted',
  passed: 'passed',
  skipped: 'skipped',
}

/** The mark drawn on each status (readable without colour). */
export const STATUS_MARKS: Record<JourneyStage['status'], string> = {
  decided: '▶',
  acted: '•',
  passed: '✓',
  skipped: '–',
}

/** Placements in words, for the chart. */
export const PLACEMENT_WORDS: Record<Placement, string> = {
  inbox: 'Inbox',
  junk: 'Junk Email',
  quarantine: 'Quarantine',
  dropped: 'Dropped',
  rejected: 'Rejected',
  unknown: 'Not known',
}

/** A stage's detail with its rule, policy or entry named. */
export function stageText(s: JourneyStage): string {
  const o = s.object
  const named = o && o.name && s.status !== 'skipped' && !s.detail.includes(o.name)
  const text = named ? `${s.detail} (${o.kind} '${o.name}')` : s.detail
  return s.uncertain ? `${text} (not certain)` : text
}

/** Who a journey's copy is for, with the preset that covers them. */
export function recipientWords(j: Journey): string {
  if (!j.recipient) return 'the recipient'
  return j.preset ? `${j.recipient} (covered by ${j.preset})` : j.recipient
}
