/**
 * An alert: one state change of one tenant's vendor setup, with its plain explanation and fix, as
 * the webhook sends it (JSON) and the e-mail says it (plain text). Pure.
 */
import type { MonitorRecord, MonitorState } from '../../store/monitor.js'
import type { Classification } from './classify.js'

/** What an alert announces: a new state, or the way back to green. */
export type AlertKind = Exclude<MonitorState, 'green'> | 'resolved'

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

const TITLE: Record<AlertKind, string> = {
  drifted: 'drifted',
  expiring: 'allow entries expiring',
  broken: 'cannot be checked',
  resolved: 'resolved',
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
