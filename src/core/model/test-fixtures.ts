import { TenantSnapshot, type TenantSnapshotInput } from './snapshot.js'
import type { TransportRuleInput } from './transport-rule.js'

/** The fixed "now" of core tests. */
export const NOW = '2026-11-20T09:00:00Z'

type StateInput = NonNullable<TenantSnapshotInput['state']>

/** Options of the snapshot builder: top-level overrides, a partial state and rules. */
export type SnapshotOptions = Omit<Partial<TenantSnapshotInput>, 'state'> & {
  state?: Partial<StateInput>
  rules?: TransportRuleInput[]
}

/** A valid EOP-only tenant snapshot (parsed, so defaults apply), overridable per test. */
export function makeSnapshot(over: SnapshotOptions = {}): TenantSnapshot {
  const { rules, state, ...rest } = over
  return TenantSnapshot.parse({
    version: 1,
    capturedAt: NOW,
    tenant: {
      id: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
      name: 'fabrikam.onmicrosoft.com',
      displayName: 'Fabrikam',
    },
    licence: 'eop',
    acceptedDomains: [
      { DomainName: 'fabrikam.com', Default: true },
      { DomainName: 'fabrikam.onmicrosoft.com' },
    ],
    mx: { route: 'microsoft', hosts: ['fabrikam-com.mail.protection.outlook.com'] },
    ...rest,
    state: {
      antiSpam: { policies: [{ Name: 'Default', IsDefault: true }] },
      antiPhish: { policies: [{ Name: 'Office365 AntiPhish Default', IsDefault: true }] },
      quarantinePolicies: [
        { Name: 'AdminOnlyAccessPolicy', EndUserQuarantinePermissionsValue: 0 },
        { Name: 'DefaultFullAccessPolicy', EndUserQuarantinePermissionsValue: 39 },
      ],
      ...(rules ? { transportRules: rules } : {}),
      ...(state ?? {}),
    },
  })
}
