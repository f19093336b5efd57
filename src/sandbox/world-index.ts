/**
 * Tenant look-up by GUID, `*.onmicrosoft.com` name or accepted domain in O(1): a Map per world,
 * built on first use and rebuilt when the tenant list changes (another array or length) or a key
 * is missed that a scan finds (a domain added since). A generated fleet holds 1,000 tenants and
 * every request names one, so a linear search per request is what this replaces.
 */
import type { SandboxTenant, SandboxWorld } from './contracts.js'

interface Index {
  list: SandboxTenant[]
  size: number
  map: Map<string, SandboxTenant>
}

const indexes = new WeakMap<SandboxWorld, Index>()

function build(world: SandboxWorld): Index {
  const map = new Map<string, SandboxTenant>()
  for (const t of world.tenants) {
    // The first tenant holding a key wins, as the linear search did.
    const keys = [
      t.snapshot.tenant.id,
      t.snapshot.tenant.name,
      ...t.snapshot.acceptedDomains.map((d) => d.DomainName),
    ]
    for (const k of keys) {
      const key = k.toLowerCase()
      if (!map.has(key)) map.set(key, t)
    }
  }
  const index = { list: world.tenants, size: world.tenants.length, map }
  indexes.set(world, index)
  return index
}

/** How a key may name a tenant: its id only, id or name, or also any accepted domain. */
export type TenantKeyKind = 'id' | 'name' | 'domain'

function names(t: SandboxTenant, key: string, kind: TenantKeyKind): boolean {
  if (t.snapshot.tenant.id.toLowerCase() === key) return true
  if (kind === 'id') return false
  if (t.snapshot.tenant.name.toLowerCase() === key) return true
  if (kind === 'name') return false
  return t.snapshot.acceptedDomains.some((d) => d.DomainName.toLowerCase() === key)
}

/** The tenant `key` names (case-insensitive), or null. */
export function lookupTenant(
  world: SandboxWorld,
  key: string,
  kind: TenantKeyKind = 'domain',
): SandboxTenant | null {
  const k = key.trim().toLowerCase()
  if (k === '') return null
  let index = indexes.get(world)
  if (index === undefined || index.list !== world.tenants || index.size !== world.tenants.length)
    index = build(world)
  const hit = index.map.get(k)
  if (hit !== undefined && names(hit, k, kind)) return hit
  // A miss (or a stale hit): scan, and rebuild when the scan finds what the index did not.
  const found = world.tenants.find((t) => names(t, k, kind)) ?? null
  if (found !== null) build(world)
  return found
}
