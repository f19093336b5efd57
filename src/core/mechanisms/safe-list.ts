import type { ObjectMechanism } from './types.js'

/**
 * The connection filter safe list. Set-HostedConnectionFilterPolicy.md reserves `EnableSafeList`
 * for internal Microsoft use, so passage never sets it: the mechanism stays in the registry only so
 * that the wizard and `vendors` can say why it is refused.
 */
// ms-rule: plan.safe-list.reserved
export const safeList: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'safe-list',
    needs: 'never planned',
    title: 'Turn on the connection filter safe list',
    risk: 'high',
    riskReason: 'Trusts a Microsoft-run list of third-party senders tenant-wide (CIS 2.1.13).',
    needsDefender: false,
    refused:
      'Microsoft reserves the connection filter safe list setting (EnableSafeList) for its own internal use, so passage does not set it',
  },
  availability: () => ({
    ok: false,
    reason: 'EnableSafeList is reserved for internal Microsoft use',
    refusal: 'PASSAGE_E_REFUSED_UNSAFE',
  }),
  // Refused before building (registry.availability); building it is never reached.
  build: () => [],
}
