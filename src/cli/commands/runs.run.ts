/** `passage runs`: the implementation, loaded when the command runs (see ./runs.ts). */
import type { Command } from 'commander'
import { getVendorFast } from '../../catalog/built.js'
import type { RunRecord, Store } from '../../store/index.js'
import { withStore } from '../connection.js'
import { printJson } from '../output.js'
import { table } from '../table.js'
import type { RunsOptions } from './runs.js'

/** What each kind of run is, in words. */
const KIND: Record<RunRecord['kind'], string> = {
  apply: 'apply',
  check: 'check',
  rollback: 'undo',
  test: 'test delivery',
}

/** A run's outcome in words, with its error or summary. */
export function resultOf(r: RunRecord): string {
  const status = r.status === 'rolled-back' ? 'done, undone since' : r.status
  const detail = r.errorMessage ?? r.summary
  return detail ? `${status}: ${detail}` : status
}

/** A recorded vendor id in words: a catalog vendor's name, a custom service's own name. */
async function vendorName(id: string | null, cache: Map<string, string>): Promise<string> {
  if (id === null) return ''
  if (id.startsWith('custom:')) return id.slice('custom:'.length)
  let name = cache.get(id)
  if (name === undefined) {
    name = await getVendorFast(id).then(
      (v) => (v.id === 'custom' ? 'custom service' : v.name),
      () => id,
    )
    cache.set(id, name)
  }
  return name
}

/**
 * Who each run was for, in words: the vendor its plan names (a custom service's own name, as
 * /api/runs does), else the vendor the run recorded (a test run has no plan).
 */
async function vendorNames(store: Store, runs: RunRecord[]): Promise<Map<number, string>> {
  const plans = new Map<string, string | null>()
  const vendors = new Map<string, string>()
  const out = new Map<number, string>()
  for (const r of runs) {
    let name: string | null = null
    if (r.planHash) {
      if (!plans.has(r.planHash))
        plans.set(r.planHash, (await store.getPlan(r.planHash))?.vendor.name ?? null)
      name = plans.get(r.planHash) ?? null
    }
    out.set(r.id, name ?? (await vendorName(r.vendorId, vendors)))
  }
  return out
}

/** Lists the runs recorded in the store: what, for which vendor and plan, by whom, when, result. */
export async function run(opts: RunsOptions, cmd: Command): Promise<void> {
  await withStore(cmd, async (store) => {
    const tenants = await store.listTenants()
    let tenantId: string | undefined
    if (opts.tenant) {
      const t = opts.tenant.toLowerCase()
      tenantId = tenants.find((x) => x.id === t || x.name === t)?.id ?? t
    }
    const runs = await store.listRuns(tenantId)
    const names = new Map(tenants.map((t) => [t.id, t.name]))
    const vendors = await vendorNames(store, runs)
    if (opts.json) {
      printJson(
        runs.map((r) => ({
          ...r,
          vendorName: vendors.get(r.id) || null,
          tenantName: names.get(r.tenantId) ?? null,
        })),
      )
      return
    }
    if (!runs.length) {
      console.log(
        opts.tenant
          ? `No runs yet for ${names.get(tenantId ?? '') ?? opts.tenant}.`
          : 'No runs yet: apply, check, test and rollback are recorded here.',
      )
      return
    }
    const rows = runs.map((r) => [
      String(r.id),
      r.startedAt.replace('T', ' ').slice(0, 16),
      names.get(r.tenantId) ?? r.tenantId,
      r.purpose === 'renewal' ? 'renewal' : KIND[r.kind],
      vendors.get(r.id) ?? '',
      r.planHash?.slice(0, 12) ?? '',
      r.actor,
      resultOf(r),
    ])
    console.log(
      table(['run', 'when (UTC)', 'tenant', 'what', 'vendor', 'plan', 'by', 'result'], rows, 40),
    )
  })
}
