/**
 * A `test` (and every `--release`) as a run in the store's history: the tenant, the vendor, who
 * ran it, when, and what it found or released, like apply, check and rollback. The wizard and the
 * CLI both go through here, so neither can forget to record one.
 */
import { isPassageError } from '../core/errors/index.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import type { ResolvedVendor } from '../core/vendor/resolve.js'
import type { Store } from '../store/index.js'
import type { Session } from './session.js'
import { testDelivery, type DeliveryOptions, type DeliveryReport } from './test-delivery.js'

/** `n thing` or `n things`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** A delivery report in one line, as the run's summary ("3 message copies: 2 inbox, 1 junk"). */
export function deliverySummary(r: DeliveryReport): string {
  const fates = new Map<string, number>()
  for (const m of r.messages) fates.set(m.fate, (fates.get(m.fate) ?? 0) + 1)
  const parts = [
    plural(r.messages.length, 'message copy', 'message copies') +
      (fates.size ? `: ${[...fates].map(([fate, n]) => `${n} ${fate}`).join(', ')}` : ''),
  ]
  if (r.sent) parts.push(`${plural(r.sent, 'test message')} sent first`)
  if (r.release)
    parts.push(
      `${r.release.released.length} released, ${r.release.skipped.length} left in quarantine`,
    )
  return parts.join('; ')
}

/**
 * Runs test delivery as a recorded run of kind `test`: started before anything is read or
 * released, finished `done` with its summary, or `failed` with the error (which is rethrown).
 * The tenant is recorded by discovery under its name; this records the vendor and the actor.
 */
export async function recordedTestDelivery(
  session: Session,
  store: Store,
  vendor: ResolvedVendor,
  snapshot: TenantSnapshot,
  opts: DeliveryOptions = {},
): Promise<DeliveryReport & { runId: number }> {
  if (!(await store.hasTenant(snapshot.tenant.id)))
    await store.upsertTenant({
      id: snapshot.tenant.id,
      name: snapshot.tenant.name,
      displayName: snapshot.tenant.displayName,
      licence: snapshot.licence,
    })
  const run = await store.createRun({
    tenantId: snapshot.tenant.id,
    planHash: null,
    kind: 'test',
    actor: session.actor,
    vendorId: vendor.id === 'custom' ? `custom:${vendor.name}` : vendor.id,
  })
  try {
    const report = await testDelivery(session, vendor, snapshot, opts)
    await store.finishRun(run.id, 'done', null, deliverySummary(report))
    if (report.release)
      await store.audit({
        actor: session.actor,
        action: 'test.release',
        tenantId: snapshot.tenant.id,
        details: {
          runId: run.id,
          vendor: vendor.id,
          released: report.release.released.map((i) => i.identity),
        },
      })
    return { ...report, runId: run.id }
  } catch (e) {
    await store.finishRun(
      run.id,
      'failed',
      isPassageError(e)
        ? { code: e.code, message: e.message }
        : { code: 'PASSAGE_E_INTERNAL', message: e instanceof Error ? e.message : String(e) },
    )
    throw e
  }
}
