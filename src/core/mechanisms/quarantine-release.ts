import { yes } from './helpers.js'
import { buildQuarantine, QUARANTINE_NOTICE } from './quarantine.js'
import type { ObjectMechanism } from './types.js'

/** A quarantine policy with notifications, where users may release their own spam and bulk. */
export const quarantineRelease: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'quarantine-release',
    needs: 'any licence; no preset covering users',
    title: 'Quarantine policy with notifications and self-release (full access)',
    risk: 'medium',
    riskReason:
      'Users can release their own spam and bulk (never high-confidence phish or malware).',
    needsDefender: false,
  },
  presetKind: 'EOP',
  availability: () => yes,
  notices: () => [QUARANTINE_NOTICE],
  build: (ctx, protections) => buildQuarantine(ctx, protections, 'FullAccess'),
}
