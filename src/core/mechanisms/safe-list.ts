import { setFields } from './draft.js'
import { asJson, drafts, yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

/** The connection filter safe list (a Microsoft-run list of third-party senders). */
export const safeList: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'safe-list',
    needs: 'any licence',
    title: 'Turn on the connection filter safe list',
    risk: 'high',
    riskReason: 'Trusts a Microsoft-run list of third-party senders tenant-wide (CIS 2.1.13).',
    needsDefender: false,
  },
  availability: () => yes,
  build(ctx, protections) {
    return drafts([
      setFields(
        'connection-filter',
        asJson(ctx.snapshot.state.connectionFilter),
        { EnableSafeList: true },
        { protections, mechanism: 'safe-list' },
        'Turn on the connection filter safe list',
      ),
    ])
  },
}
