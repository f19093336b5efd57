// The monitor (issue 16): classify a tenant's vendor setup over time and alert on state changes.
// `runMonitorOnce` is what a schedule calls; the rest is its parts.
export {
  alertOf,
  alertSubject,
  alertText,
  type Alert,
  type AlertKind,
  type AlertSink,
} from './alert.js'
export {
  classify,
  isBrokenCode,
  type Classification,
  type ClassifyOptions,
  type Observation,
  type ObservedFinding,
} from './classify.js'
export { emailSink, type EmailOptions } from './email.js'
export { fleetMonitorTenants } from './fleet-tenants.js'
export { appliedVendor, observeTenant } from './observe.js'
export {
  runMonitorOnce,
  type MonitorOutcome,
  type MonitorRunOptions,
  type MonitorRunResult,
  type MonitorTenant,
} from './run.js'
export { readSecret, type SecretSource } from './secret-source.js'
export {
  DEFAULT_EXPIRING_WITHIN_DAYS,
  expiringEntries,
  lapseOf,
  REMOVE_AFTER_DAYS,
  type Expiring,
  type Lapse,
  type PassageTablEntry,
} from './tabl-expiry.js'
export {
  postSigned,
  retryAfterMs,
  signature,
  verifySignature,
  webhookSink,
  type WebhookOptions,
  type WebhookResult,
} from './webhook.js'
