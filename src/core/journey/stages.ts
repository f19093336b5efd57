import type { StageId } from './types.js'

/**
 * Defender's stages in the order Microsoft documents them, each with its name.
 *
 * The order (ms-rule: eval.journey.stage-order): connection filtering, anti-malware, mail flow
 * rules (policy filtering), then content filtering (anti-spam; anti-phishing: spoof and
 * impersonation) in "Default email protections for cloud mailboxes" (defender-docs
 * defender-office-365/eop-about.md); the verdict order within content filtering (malware, high
 * confidence phish, phish, high confidence spam, spoof, impersonation, spam, bulk) and "after the
 * filtering stack determines a verdict, only then are tenant policies evaluated" in "Order and
 * precedence of email protection" (how-policies-and-protections-are-combined.md); Safe
 * Attachments at the end of content filtering, then Safe Links and ZAP after delivery in
 * "Step-by-step threat protection in Microsoft Defender for Office 365"
 * (protection-stack-microsoft-defender-for-office365.md).
 */
export const STAGES: readonly { id: StageId; title: string }[] = [
  { id: 'connection-filter', title: 'Connection filter' },
  { id: 'anti-malware', title: 'Anti-malware' },
  { id: 'mail-flow-rules', title: 'Mail flow rules' },
  { id: 'anti-spam', title: 'Anti-spam' },
  { id: 'anti-phishing', title: 'Anti-phishing (spoof, impersonation)' },
  { id: 'safe-attachments', title: 'Safe Attachments' },
  { id: 'safe-links', title: 'Safe Links' },
  { id: 'delivery', title: 'Delivery' },
  { id: 'zap', title: 'Zero-hour auto purge (afterwards)' },
]

/** A stage's name. */
export function stageTitle(id: StageId): string {
  return STAGES.find((s) => s.id === id)?.title ?? id
}

/** A stage's position in the order (0 first). */
export function stageIndex(id: StageId): number {
  return STAGES.findIndex((s) => s.id === id)
}
