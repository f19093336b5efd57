import { yes } from './helpers.js'
import { buildQuarantine, QUARANTINE_NOTICE } from './quarantine.js'
import type { ObjectMechanism } from './types.js'

/** A quarantine policy with notifications, where users may ask an admin to release. */
export const quarantineNotify: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'quarantine-notify',
    needs: 'any licence; no preset covering users',
    title: 'Quarantine policy with notifications and request-release (limited access)',
    risk: 'low',
    riskReason:
      'Users are told about held spam and bulk and can ask an admin to release it; nothing is released without review.',
    needsDefender: false,
  },
  presetKind: 'EOP',
  availability: () => yes,
  notices: () => [QUARANTINE_NOTICE],
  build: (ctx, protections) => buildQuarantine(ctx, protections, 'LimitedAccess'),
}
