// Shared by the report's unit tests: changes and applied changes built by hand.
import type { BaselineHit, Change, JsonObject } from '../change.js'
import type { AppliedChange } from './model.js'

export const NOW = new Date('2026-12-01T10:00:00Z')

export const SCL_HIT: BaselineHit = {
  scanner: 'Maester',
  check: 'MT.1043',
  title: 'Mail flow rules must not set SCL -1',
}
export const IP_ALLOW_HITS: BaselineHit[] = [
  { scanner: 'ORCA', check: '114', title: 'IP Allow List in the connection filter' },
  { scanner: 'CIS', check: '2.1.12', title: 'Connection filter IP allow list is not used' },
  { scanner: 'CISA', check: 'MS.SECURITYSUITE.8.1', title: 'IP allow lists should not be created' },
]

/** A change with the given fields (a mail flow rule creation by default). */
export function change(over: Partial<Change> & { after?: JsonObject | null } = {}): Change {
  return {
    id: 'c01',
    surface: 'transport-rule',
    op: 'create',
    target: 'passage: vendor bypass spam filtering',
    protections: [],
    mechanism: 'scl-bypass-rule' as Change['mechanism'],
    summary: 'Create mail flow rule passage: vendor bypass spam filtering',
    before: null,
    after: {},
    calls: [],
    risk: { level: 'medium', reason: 'skips spam filtering for the vendor’s IPs' },
    limits: [],
    baselines: [SCL_HIT],
    dependsOn: [],
    ...over,
  }
}

/** A change as applied by run `runId` of plan `planHash`, for a vendor. */
export function applied(
  c: Change,
  vendor: { id: string; name: string } = { id: 'contactmonkey', name: 'ContactMonkey' },
  over: Partial<Omit<AppliedChange, 'change' | 'vendor'>> = {},
): AppliedChange {
  return {
    change: c,
    vendor,
    runId: 1,
    planHash: 'a'.repeat(64),
    actor: 'admin@contoso.onmicrosoft.com',
    appliedAt: '2026-11-20T09:00:00.000Z',
    ...over,
  }
}
