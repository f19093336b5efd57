import type { DirectoryRoleName, SandboxAdmin } from '../contracts.js'
import type { TenantSnapshot } from '../../core/model/snapshot.js'
import { deterministicGuid } from './guid.js'

interface AdminSeed {
  local: string
  displayName: string
  roles: DirectoryRoleName[]
  exchangeApiEnabled: boolean
}

/** The six people every seeded tenant has: one per role the tests need, plus two refusals. */
const ADMIN_SEEDS: readonly AdminSeed[] = [
  {
    local: 'admin',
    displayName: 'Global Administrator',
    roles: ['Global Administrator'],
    exchangeApiEnabled: true,
  },
  {
    local: 'exchange',
    displayName: 'Exchange Administrator',
    roles: ['Exchange Administrator'],
    exchangeApiEnabled: true,
  },
  {
    local: 'security',
    displayName: 'Security Administrator',
    roles: ['Security Administrator'],
    exchangeApiEnabled: true,
  },
  {
    local: 'reader',
    displayName: 'Security Reader',
    roles: ['Security Reader'],
    exchangeApiEnabled: true,
  },
  { local: 'user', displayName: 'Ordinary User', roles: [], exchangeApiEnabled: true },
  {
    // Set-User -EXOModuleEnabled $false: the role is there, the API is not (reference §1.8 (5)).
    local: 'blocked',
    displayName: 'Exchange Administrator (API access disabled)',
    roles: ['Exchange Administrator'],
    exchangeApiEnabled: false,
  },
]

/**
 * The seeded admins of a tenant, with GUIDs derived from the tenant id (stable across runs).
 * `objectIdOf` replaces the derivation (the generated fleet's cheaper one, fleet/generate.ts).
 */
export function seedAdmins(
  snapshot: TenantSnapshot,
  objectIdOf: (local: string, i: number) => string = (local) =>
    deterministicGuid('sandbox-admin', snapshot.tenant.id, local),
): SandboxAdmin[] {
  return ADMIN_SEEDS.map((a, i) => ({
    upn: `${a.local}@${snapshot.tenant.name}`,
    displayName: a.displayName,
    objectId: objectIdOf(a.local, i),
    roles: [...a.roles],
    exchangeApiEnabled: a.exchangeApiEnabled,
  }))
}
