/**
 * A co-manager: another tool managing the same tenant that puts the connection filter's IP Allow
 * List back the way it wants it. This is the sandbox's model of CIPP-style standards that empty or
 * reset the IP allow list on a schedule (CIPP's "EmptyFilterIPAllowList"-like standard): after any
 * write to that policy that changes the IP allow list (by an app or an admin), the next call in
 * the tenant finds the list as it was before the write, and Get-HostedConnectionFilterPolicy's
 * WhenChanged is the time of the revert. Only generated fleet tenants flagged `coManager` have
 * one (fleet/generate.ts). Microsoft documents nothing here: it is a test fixture for passage's
 * drift checks, not an emulation of a Microsoft behaviour.
 */
import type { SandboxTenant } from '../contracts.js'

const SET_CONNECTION_FILTER = 'set-hostedconnectionfilterpolicy'

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v.toLowerCase() === b[i]?.toLowerCase())

/** Before any cmdlet runs: the co-manager's pending revert, if there is one, takes effect. */
export function coManagerBefore(tenant: SandboxTenant, now: Date): void {
  const state = tenant.fleet?.coManagerState
  if (state?.pendingIpAllowList === undefined) return
  // Copy-on-write, as the engine's own writes: generated tenants share untouched objects.
  const live = tenant.snapshot.state
  tenant.snapshot.state = {
    ...live,
    connectionFilter: { ...live.connectionFilter, IPAllowList: [...state.pendingIpAllowList] },
  }
  delete state.pendingIpAllowList
  state.revertedAt = now.toISOString()
}

/** After a committed write: a changed IP allow list is queued for the co-manager to revert. */
export function coManagerAfter(
  tenant: SandboxTenant,
  cmdlet: string,
  before: readonly string[],
): void {
  if (tenant.fleet?.coManager !== true) return
  if (cmdlet.toLowerCase() !== SET_CONNECTION_FILTER) return
  const after = tenant.snapshot.state.connectionFilter.IPAllowList
  if (sameList(before, after)) return
  tenant.fleet.coManagerState ??= {}
  tenant.fleet.coManagerState.pendingIpAllowList = [...before]
}

/** WhenChanged of the connection filter policy when the co-manager last reverted it, or null. */
export function coManagerChangedAt(tenant: SandboxTenant): string | null {
  return tenant.fleet?.coManagerState?.revertedAt ?? null
}
