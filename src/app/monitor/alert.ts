/**
 * An alert: one state change of one tenant's vendor setup, with its plain explanation and fix, as
 * the webhook sends it (JSON) and the e-mail says it (plain text). Pure.
 */
import type { MonitorRecord, MonitorState } from '../../store/monitor.js'
import type { Classification } from './classify.js'

/**
 * What an alert announces: a new state, the way back to green, or allows passage renewed (a
 * write made without anyone at the keyboard is always said, once per renewal run).
 */
export type AlertKind = Exclude<MonitorState, 'green'> | 'resolved' | 'renewed'

/** One alert. */
export interface Alert {
  kind: AlertKind
  tenantId: string
  tenantName: string
  vendor: string
  vendorName: string
  state: MonitorState
  /** The state before (null the first time). */
  previousState: MonitorState | null
  explanation: string
  fix: string
  reasons: string[]
  fingerprint: string
  /** When it was classified (ISO, from the clock passed in). */
  at: string
}

/** Where alerts go (a webhook, e-mail, or a test's list). */
export interface AlertSink {
  /** Named in results, never with a secret ("webhook https://host/path", "email ops@..."). */
  readonly name: string
  send(alert: Alert): Promise<{ ok: boolean; detail?: string }>
}

/** The alert a classification makes, given the kept row (its state before the change). */
export function alertOf(
  c: Classification,
  who: { tenantId: string; tenantName: string; vendor: string; vendorName: string },
  previous: Pick<MonitorRecord, 'previousState'> | undefined,
  at: string,
): Alert {
  const before = previous?.previousState ?? null
  return {
    kind: c.state === 'green' ? 'resolved' : c.state,
    ...who,
    state: c.state,
    previousState: before,
    explanation:
      c.state === 'green' && before
        ? `Resolved: ${c.explanation} (it was ${before}.)`
        : c.explanation,
    fix: c.fix,
    reasons: c.reasons,
    fingerprint: c.fingerprint,
    at,
  }
}

/**
 * The alert of a renewal run that re-created some allows: what was renewed, how, and from when
 * their 45 days count again; its fingerprint is the run's.
 */
export function renewedAlertOf(
  renewed: { value: string; listType: string }[],
  run: { id: number; status: string },
  c: Classification,
  who: { tenantId: string; tenantName: string; vendor: string; vendorName: string },
  at: string,
): Alert {
  const n = renewed.length
  const entries = n === 1 ? 'allow' : 'allows'
  return {
    kind: 'renewed',
    ...who,
    state: c.state,
    previousState: null,
    explanation:
      `Passage renewed ${n} ${entries} it created for ${who.vendorName} in ${who.tenantName} before ` +
      `${n === 1 ? 'it' : 'they'} lapsed (run ${run.id}): each was removed and created again as it ` +
      `was, so its 45 days count again from ${at.slice(0, 10)}.` +
      (run.status === 'done' ? '' : ` The run ended ${run.status}: see the tenant's state.`),
    fix:
      run.status === 'done'
        ? 'Nothing to do.'
        : `An allow removed but not created again is put back by \`passage rollback --run ${run.id}\`.`,
    reasons: renewed.map((r) => `${r.listType} ${r.value}`),
    fingerprint: `renewal-run-${run.id}`,
    at,
  }
}

const TITLE: Record<AlertKind, string> = {
  drifted: 'drifted',
  expiring: 'allow entries expiring',
  broken: 'cannot be checked',
  resolved: 'resolved',
  renewed: 'allow entries renewed',
}

/** The one-line subject of an alert. */
export function alertSubject(a: Alert): string {
  return `[passage] ${a.vendorName} in ${a.tenantName}: ${TITLE[a.kind]}`
}

/** The plain-text body of an alert. */
export function alertText(a: Alert): string {
  return [
    a.explanation,
    '',
    `What to do: ${a.fix}`,
    ...(a.reasons.length ? ['', 'Details:', ...a.reasons.map((r) => `- ${r}`)] : []),
    '',
    `Tenant: ${a.tenantName} (${a.tenantId})`,
    `Vendor: ${a.vendorName}`,
    `State: ${a.previousState ?? 'new'} -> ${a.state}, at ${a.at}`,
  ].join('\n')
}
