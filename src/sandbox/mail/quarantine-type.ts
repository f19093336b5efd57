import type { Category, RecipientEvaluation } from '../../core/evaluator/index.js'

/** Get-QuarantineMessage's QuarantineTypes values (reference §3.12). */
export const QUARANTINE_TYPES = [
  'Bulk',
  'DataLossPrevention',
  'FileTypeBlock',
  'HighConfPhish',
  'Malware',
  'Phish',
  'Spam',
  'SPOMalware',
  'TransportRule',
] as const
export type QuarantineType = (typeof QUARANTINE_TYPES)[number]

const BY_CATEGORY: Record<Category, QuarantineType> = {
  MALW: 'Malware',
  HPHSH: 'HighConfPhish',
  PHSH: 'Phish',
  HSPM: 'Spam',
  SPOOF: 'Phish',
  UIMP: 'Phish',
  DIMP: 'Phish',
  GIMP: 'Phish',
  SPM: 'Spam',
  BULK: 'Bulk',
  NONE: 'Spam',
}

/** Which quarantine a quarantined copy lands in, from the verdict and the object that decided it. */
export function quarantineTypeOf(r: RecipientEvaluation): QuarantineType {
  if (r.decidedBy?.kind === 'transport-rule') return 'TransportRule'
  // A Tenant Allow/Block List file block is treated as malware (reference §3.4).
  if (r.decidedBy?.kind === 'tabl-entry' && /filehash/i.test(r.decidedBy.name)) return 'Malware'
  // The common attachments filter of an anti-malware policy quarantines as FileTypeBlock
  // (Get-QuarantineMessage -QuarantineTypes, office-docs-powershell).
  if (r.category === 'MALW' && r.trace.some(isFileTypeBlock)) return 'FileTypeBlock'
  return BY_CATEGORY[r.category]
}

function isFileTypeBlock(s: RecipientEvaluation['trace'][number]): boolean {
  return (
    s.stage === 'filter-verdict' &&
    /^Common attachments filter: .* is a blocked file type/.test(s.decision)
  )
}
