/**
 * `passage report`'s use case: for one tenant or the fleet, the changes passage applied that are
 * still in effect per its records (done steps of apply runs not undone since, less what a later
 * change removed), grouped per vendor, with each change's risk and the baseline checks it trips,
 * and the risk accepted per tripped check until a date. Reads the store only: the tenant is not
 * signed in to (`passage check` does that).
 */
import { PassageError } from '../../core/errors/index.js'
import type { Plan } from '../../core/plan-format.js'
import {
  buildReport,
  parseAcceptUntil,
  type AppliedChange,
  type PassageReport,
  type TenantInput,
} from '../../core/report/model.js'
import type { FleetTenant, RunRecord, Store } from '../../store/index.js'

/** What the report is asked for. */
export interface ReportRequest {
  /** One tenant: its GUID or *.onmicrosoft.com name (the store's or the fleet's). */
  tenant?: string
  /** Every tenant enrolled in the fleet (not removed). */
  fleet?: boolean
  /** yyyy-mm-dd: every acceptance ends then (default: per vendor, see core/report/model.ts). */
  acceptUntil?: string
  now: Date
}

/** Most runs of one tenant read (a tenant with more applies than this is reported on the newest). */
const MAX_RUNS = 10_000

/** Refuses a request that names neither or both of a tenant and the fleet, or a bad date. */
export function checkRequest(req: ReportRequest): { acceptUntil?: string } {
  const tenant = req.tenant?.trim()
  if (tenant && req.fleet)
    throw new PassageError('PASSAGE_E_INPUT', 'Give --tenant or --fleet, not both.', {
      hint: '`passage report --tenant <name|guid>` reports on one tenant, `passage report --fleet` on every enrolled tenant.',
    })
  if (!tenant && !req.fleet)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      'Say what to report on: --tenant <name|guid> or --fleet.',
      {
        hint: '`passage report --tenant <name|guid>` reports on one tenant, `passage report --fleet` on every enrolled tenant.',
      },
    )
  if (req.acceptUntil === undefined) return {}
  const parsed = parseAcceptUntil(req.acceptUntil, req.now)
  if (!parsed.ok)
    throw new PassageError('PASSAGE_E_INPUT', `--accept-until: ${parsed.reason}.`, {
      hint: 'Give the last day the risk is accepted, after today, as yyyy-mm-dd (e.g. --accept-until 2027-03-31).',
    })
  return { acceptUntil: parsed.day }
}

/** The tenants to report on, with their names and fleet state. */
async function tenantsOf(
  store: Store,
  req: ReportRequest,
): Promise<Omit<TenantInput, 'applied'>[]> {
  const fleetInfo = (f: FleetTenant | null | undefined) =>
    f ? { state: f.state, tags: [...f.tags] } : null
  if (req.fleet) {
    const fleet = await store.listFleetTenants()
    return fleet.map((f) => ({
      id: f.tenantId,
      name: f.name,
      displayName: null,
      fleet: fleetInfo(f),
    }))
  }
  const wanted = req.tenant!.trim().toLowerCase()
  let record = await store.getTenant(wanted)
  if (!record) record = (await store.listTenants()).find((t) => t.name.toLowerCase() === wanted)
  const fleet =
    (await store.getFleetTenant(record?.id ?? wanted)) ??
    (record
      ? null
      : ((
          await store.listFleetTenants({
            states: ['consent-pending', 'enrolled', 'no-access', 'removed'],
          })
        ).find((f) => f.name.toLowerCase() === wanted) ?? null))
  if (!record && !fleet)
    throw new PassageError(
      'PASSAGE_E_TENANT_UNKNOWN',
      `passage knows no tenant ${req.tenant!.trim()}: it has never connected to it, planned for it or enrolled it.`,
      {
        hint: 'Give the tenant’s *.onmicrosoft.com name or GUID as `passage runs` or `passage fleet list` show them.',
      },
    )
  return [
    {
      id: record?.id ?? fleet!.tenantId,
      name: record?.name ?? fleet!.name,
      displayName: record?.displayName ?? null,
      fleet: fleetInfo(fleet),
    },
  ]
}

/**
 * The changes of a tenant's applies still recorded in effect, oldest first: the done steps of
 * every apply run not marked rolled-back (a step a partial rollback undid is `rolled-back`), renewals
 * aside.
 */
async function appliedChanges(
  store: Store,
  tenantId: string,
  plans: Map<string, Plan | undefined>,
): Promise<AppliedChange[]> {
  const runs = (await store.listRuns(tenantId, MAX_RUNS))
    .filter(
      (r): r is RunRecord & { planHash: string } =>
        // A renewal re-creates entries an apply made: they are listed once, with that apply.
        r.kind === 'apply' && !r.purpose && r.status !== 'rolled-back' && r.planHash !== null,
    )
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id - b.id)
  const out: AppliedChange[] = []
  for (const run of runs) {
    if (!plans.has(run.planHash)) plans.set(run.planHash, await store.getPlan(run.planHash))
    const plan = plans.get(run.planHash)
    if (!plan) continue
    const done = new Map(
      (await store.listSteps(run.id))
        .filter((s) => s.status === 'done')
        .map((s) => [s.changeId, s]),
    )
    for (const change of plan.changes) {
      const step = done.get(change.id)
      if (!step) continue
      out.push({
        change,
        vendor: { id: plan.vendor.id, name: plan.vendor.name },
        runId: run.id,
        planHash: plan.hash,
        actor: run.actor,
        appliedAt: step.finishedAt ?? run.finishedAt ?? run.startedAt,
      })
    }
  }
  return out
}

/** The report for one tenant or the fleet (see the module comment). */
export async function collectReport(store: Store, req: ReportRequest): Promise<PassageReport> {
  const { acceptUntil } = checkRequest(req)
  const plans = new Map<string, Plan | undefined>()
  const tenants: TenantInput[] = []
  for (const t of await tenantsOf(store, req))
    tenants.push({ ...t, applied: await appliedChanges(store, t.id, plans) })
  return buildReport({
    scope: req.fleet ? 'fleet' : 'tenant',
    now: req.now,
    ...(acceptUntil ? { acceptUntil } : {}),
    tenants,
  })
}
