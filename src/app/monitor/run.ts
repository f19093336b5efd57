/**
 * One monitoring pass over some tenants: for each, the vendor passage last applied there, an
 * observation through a session the caller opens, a classification, and, on a state change only,
 * an alert to every sink. The state kept per tenant and vendor (store/monitor.ts) makes the same
 * situation alert once: a new, different drift alerts again, and the way back to green alerts once
 * ("resolved"). An alert no sink took stays owed and is sent on the next pass. With `renew`, the
 * allows that lapse soon are renewed first, and each renewal run is said once in a "renewed"
 * alert (a write made unattended; not kept owed: a sink that missed it is reported in the pass's
 * outcome). Time comes from the clock passed in.
 */
import type { Store } from '../../store/index.js'
import type { MonitorRecord, MonitorStore } from '../../store/monitor.js'
import { classifyFailure } from '../fleet/item-state.js'
import type { Session } from '../session.js'
import { alertOf, renewedAlertOf, type Alert, type AlertSink } from './alert.js'
import { classify, type Classification, type Observation } from './classify.js'
import { appliedVendor, observeTenant } from './observe.js'
import { renewAllows } from './renew.js'
import type { RenewalDecision } from './renewal.js'
import { DEFAULT_EXPIRING_WITHIN_DAYS, expiringEntries } from './tabl-expiry.js'

/** A tenant to monitor, and how to reach it. */
export interface MonitorTenant {
  tenantId: string
  /** Its name as the admin knows it (alerts say it). */
  name: string
  /** Opens a session on the tenant (app-only for the fleet); closed after the pass. */
  open(): Promise<Session>
}

/** Options of runMonitorOnce. */
export interface MonitorRunOptions {
  /** The store: plans, runs and journal, and the monitor's states unless `states` is given. */
  store: Store
  /** Where the monitor's states are kept, when not in `store` (tests with their own clock). */
  states?: MonitorStore
  tenants: MonitorTenant[]
  /** The time of this pass. */
  clock: () => Date
  alerts: AlertSink[]
  /** Entries lapsing within this many days are `expiring`; default 7. */
  expiringWithinDays?: number
  /**
   * Renew the allows passage created that lapse within that window (renew.ts), journaled as a
   * renewal run, before classifying; an entry it may not renew stays expiring and says why.
   */
  renew?: boolean
}

/** What happened to one tenant in a pass. */
export interface MonitorOutcome {
  tenantId: string
  tenantName: string
  /** The vendor whose setup was classified; null when nothing is applied. */
  vendor: string | null
  /** null when the pass could not tell (nothing applied, or a failure that may pass). */
  classification: Classification | null
  /** Why there is no classification. */
  skipped?: string
  /** Whether the state changed in this pass. */
  changed: boolean
  /** The alert sent or owed, when there is one. */
  alert?: Alert
  /** Per sink, whether it took the alert. */
  deliveries: Delivery[]
  /** With `renew`: what was decided for each entry that lapses soon, and the renewal's run. */
  renewal?: RenewalOutcome
  /** The alert saying what a renewal re-created, and per sink whether it took it. */
  renewalAlert?: { alert: Alert; deliveries: Delivery[] }
}

/** Whether one sink took an alert. */
export interface Delivery {
  sink: string
  ok: boolean
  detail?: string
}

/** What a pass's renewal did in one tenant. */
export interface RenewalOutcome {
  decisions: RenewalDecision[]
  /** The renewal's apply run and how it ended (absent: nothing to renew). */
  run?: { id: number; status: string }
  /** Why the renewal could not run at all (its coded error). */
  error?: { code: string; message: string }
}

/** The result of a pass. */
export interface MonitorRunResult {
  classified: MonitorOutcome[]
  /** Alerts every sink took. */
  alertsSent: number
}

function statesOf(o: MonitorRunOptions): MonitorStore {
  return o.states ?? o.store
}

/**
 * The pass's tenants counted by state, in words: `2 green, 1 drifted`; a tenant the pass could
 * not classify is `inconclusive`, one where passage applied nothing is `nothing applied`.
 */
export function stateCounts(r: MonitorRunResult): string {
  const counts = new Map<string, number>()
  for (const o of r.classified) {
    const k = o.classification?.state ?? (o.vendor ? 'inconclusive' : 'nothing applied')
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no tenant'
}

/** One pass (see the module comment). Tenants are taken one after another. */
export async function runMonitorOnce(o: MonitorRunOptions): Promise<MonitorRunResult> {
  const states = statesOf(o)
  const classified: MonitorOutcome[] = []
  let alertsSent = 0
  for (const t of o.tenants) {
    const outcome = await monitorTenant(o, states, t)
    if (outcome.alert && outcome.deliveries.length > 0 && outcome.deliveries.every((d) => d.ok))
      alertsSent++
    const ra = outcome.renewalAlert
    if (ra && ra.deliveries.length > 0 && ra.deliveries.every((d) => d.ok)) alertsSent++
    classified.push(outcome)
  }
  return { classified, alertsSent }
}

async function monitorTenant(
  o: MonitorRunOptions,
  states: MonitorStore,
  t: MonitorTenant,
): Promise<MonitorOutcome> {
  const base = { tenantId: t.tenantId, tenantName: t.name, changed: false, deliveries: [] }
  const applied = await appliedVendor(o.store, t.tenantId)
  if (!applied)
    return { ...base, vendor: null, classification: null, skipped: 'nothing passage applied' }
  const now = o.clock()
  const within = o.expiringWithinDays ?? DEFAULT_EXPIRING_WITHIN_DAYS
  const who = {
    tenantId: t.tenantId,
    tenantName: t.name,
    vendor: applied.vendor,
    vendorName: applied.vendorName,
  }
  let observation: Observation
  let session: Session | undefined
  let renewal: RenewalOutcome | undefined
  try {
    session = await t.open()
    const open = session
    const observe = async (): Promise<Observation> => ({
      ...(await observeTenant(open, o.store, applied, now.getTime())),
      tenantName: t.name,
    })
    observation = await observe()
    if (o.renew && expiringEntries(observation.tabl, now.getTime(), within).length > 0) {
      renewal = await renewIn(open, o.store, now.getTime(), within)
      // The tenant as the renewal left it is what is classified.
      if (renewal.run) observation = await observe()
      observation.notRenewed = notRenewed(renewal)
    }
  } catch (e) {
    // Any failure is classified (a bug is PASSAGE_E_INTERNAL: inconclusive), so one tenant's
    // failure never stops the pass for the others.
    const failure = classifyFailure(e)
    observation = {
      ...who,
      nowMs: now.getTime(),
      error: { code: failure.code, message: failure.message },
      findings: [],
      tabl: [],
      lastApply: null,
      coManagers: [],
    }
  } finally {
    session?.close()
  }
  const classification = classify(observation, { expiringWithinDays: within })
  if (!classification)
    return {
      ...base,
      vendor: applied.vendor,
      classification: null,
      skipped: `inconclusive: ${observation.error?.code ?? 'unknown'}`,
      ...(renewal ? { renewal } : {}),
    }
  const previous = await states.getMonitorState(t.tenantId, applied.vendor)
  const recorded = await states.recordMonitorState(
    {
      tenantId: t.tenantId,
      vendor: applied.vendor,
      state: classification.state,
      fingerprint: classification.fingerprint,
      explanation: classification.explanation,
      fix: classification.fix,
      reasons: classification.reasons,
    },
    // Green the first time is not news: nothing was wrong before it.
    { noAlert: classification.state === 'green' && previous === undefined },
  )
  const out: MonitorOutcome = {
    ...base,
    vendor: applied.vendor,
    classification,
    changed: recorded.changed,
    ...(renewal ? { renewal } : {}),
  }
  const renewed = renewal?.decisions.filter((d) => d.action === 'renew') ?? []
  if (renewal?.run && renewed.length > 0) {
    const alert = renewedAlertOf(renewed, renewal.run, classification, who, now.toISOString())
    out.renewalAlert = { alert, deliveries: await deliver(o.alerts, alert) }
  }
  if (!owesAlert(recorded.current, classification)) return out
  const alert = alertOf(classification, who, recorded.current, now.toISOString())
  out.alert = alert
  out.deliveries.push(...(await deliver(o.alerts, alert)))
  if (out.deliveries.length > 0 && out.deliveries.every((d) => d.ok))
    await states.markMonitorAlerted(t.tenantId, applied.vendor, classification.fingerprint)
  return out
}

/** Sends an alert to every sink; a sink that throws is a failed delivery. */
async function deliver(sinks: AlertSink[], alert: Alert): Promise<Delivery[]> {
  const out: Delivery[] = []
  for (const sink of sinks) {
    try {
      const r = await sink.send(alert)
      out.push({ sink: sink.name, ok: r.ok, ...(r.detail ? { detail: r.detail } : {}) })
    } catch (e) {
      out.push({ sink: sink.name, ok: false, detail: e instanceof Error ? e.message : String(e) })
    }
  }
  return out
}

/**
 * Renews the tenant's soon-lapsing allows. A renewal that cannot run (the tenant's lease held by
 * another run, a drift refusal, a failure) is kept as its coded error: the entries stay expiring
 * and the pass goes on.
 */
async function renewIn(
  session: Session,
  store: Store,
  nowMs: number,
  withinDays: number,
): Promise<RenewalOutcome> {
  try {
    const r = await renewAllows(session, store, { nowMs, withinDays })
    return {
      decisions: r.decisions,
      ...(r.applied ? { run: { id: r.applied.runId, status: r.applied.status } } : {}),
    }
  } catch (e) {
    const failure = classifyFailure(e)
    return { decisions: [], error: { code: failure.code, message: failure.message } }
  }
}

/** The entries a renewal left expiring, each with why. */
function notRenewed(r: RenewalOutcome): { changeId: string; why: string }[] {
  if (r.error) return [{ changeId: '*', why: `the renewal failed: ${r.error.message}` }]
  return r.decisions
    .filter((d) => d.action === 'leave')
    .map((d) => ({ changeId: d.changeId, why: d.why }))
}

/** An alert is owed while the kept row for this fingerprint has not been marked alerted. */
function owesAlert(current: MonitorRecord, c: Classification): boolean {
  return current.fingerprint === c.fingerprint && current.alertedAt === null
}
