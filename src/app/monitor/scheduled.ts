/**
 * A monitor schedule's job (issue 16): what `passage schedule check` keeps in pg-boss's schedule
 * (what to watch, how soon an entry counts as expiring, where alerts go: no secret, only where
 * each secret is) and the pass a worker runs when the schedule fires. The job's data is read back
 * from the database, so it is parsed at this trust boundary, not assumed.
 */
import { z } from 'zod'
import { PassageError } from '../../core/errors/index.js'
import type { Store } from '../../store/index.js'
import { loadProfile, openSession } from '../session.js'
import { AlertSpec, sinksOf } from './alert-spec.js'
import { fleetMonitorTenants } from './fleet-tenants.js'
import { runMonitorOnce, type MonitorRunResult, type MonitorTenant } from './run.js'

/** A scheduled monitor pass, as kept in its schedule. */
export const MonitorJob = z
  .object({
    kind: z.literal('monitor'),
    version: z.literal(1),
    target: z.enum(['tenant', 'fleet']),
    /** The tenant (GUID or name) of a `tenant` pass. */
    tenant: z.string().min(1).optional(),
    /** Only the fleet tenants carrying this tag. */
    tag: z.string().min(1).optional(),
    /** The single-tenant store (a SQLite file) of a `tenant` pass; default passage's own. */
    store: z.string().min(1).optional(),
    withinDays: z.number().int().min(1).max(60),
    /** Renew the allows passage created that lapse within withinDays (absent: only report). */
    renew: z.boolean().optional(),
    alerts: AlertSpec,
  })
  .strict()
  .refine((j) => (j.target === 'tenant') === Boolean(j.tenant), 'a tenant pass names its tenant')
export type MonitorJob = z.infer<typeof MonitorJob>

/** What a scheduled pass needs from the worker that runs it. */
export interface ScheduledMonitorDeps {
  /** The fleet's store (the worker's). */
  fleetStore: Store
  /** The fleet app's private key, for a `fleet` pass. */
  keyPem?: string
  /** The sandbox CA of the fleet app, if any. */
  caPem?: string
  /** Opens the single-tenant store of a `tenant` pass. */
  openStore(location?: string): Promise<Store>
  env: NodeJS.ProcessEnv
  clock?: () => Date
}

/** The job's data, parsed; PASSAGE_E_INPUT naming the first problem otherwise. */
export function parseMonitorJob(data: unknown): MonitorJob {
  const r = MonitorJob.safeParse(data)
  if (!r.success)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `The schedule's job is not a monitor pass passage can run: ${r.error.issues[0]?.message ?? 'invalid'}.`,
    )
  return r.data
}

/** Runs the pass a schedule fired (see the module comment). */
export async function runScheduledMonitor(
  data: unknown,
  deps: ScheduledMonitorDeps,
): Promise<MonitorRunResult> {
  const job = parseMonitorJob(data)
  const alerts = sinksOf(job.alerts, deps.env)
  const clock = deps.clock ?? (() => new Date())
  if (job.target === 'fleet') {
    if (!deps.keyPem)
      throw new PassageError(
        'PASSAGE_E_INPUT',
        "A fleet schedule needs the app certificate's private key: run the worker with --key, PASSAGE_FLEET_KEY_FILE or PASSAGE_FLEET_KEY.",
      )
    const tenants = await fleetMonitorTenants(deps.fleetStore, {
      keyPem: deps.keyPem,
      ...(deps.caPem ? { caPem: deps.caPem } : {}),
      ...(job.tag ? { tag: job.tag } : {}),
    })
    return runMonitorOnce({
      store: deps.fleetStore,
      tenants,
      clock,
      alerts,
      expiringWithinDays: job.withinDays,
      ...(job.renew ? { renew: true } : {}),
    })
  }
  const store = await deps.openStore(job.store)
  try {
    const profile = await loadProfile(store, job.tenant)
    const tenantId = profile.tenantId ?? profile.tenant
    const name = profile.tenantName ?? profile.tenant
    const tenant: MonitorTenant = {
      tenantId,
      name,
      open: () =>
        openSession(profile, {
          // Nobody is at a scheduled pass to type a device code: the saved sign-in must do.
          onCode: () => {
            // Not PASSAGE_E_SIGNIN: that says the tenant refused the app (broken); this is a
            // lapsed sign-in of this machine, which the pass reports as inconclusive.
            throw new PassageError(
              'PASSAGE_E_NOT_CONNECTED',
              `The saved sign-in to ${name} has lapsed and a scheduled check cannot show a device code: run \`passage connect --tenant ${profile.tenant}\` again.`,
            )
          },
          env: deps.env,
        }),
    }
    return await runMonitorOnce({
      store,
      tenants: [tenant],
      clock,
      alerts,
      expiringWithinDays: job.withinDays,
      ...(job.renew ? { renew: true } : {}),
    })
  } finally {
    await store.close()
  }
}
