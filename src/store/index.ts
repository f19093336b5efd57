// The store's public face: open it, and the types of what it holds. The per-concern factories
// stay internal; the app talks to the Store interface only.
export {
  defaultFleetDataDir,
  embeddedPostgresStatus,
  ensureEmbeddedPostgres,
  resolveFleetDatabase,
  stopEmbeddedPostgres,
  type EmbeddedPostgres,
} from './embedded-postgres.js'
export {
  FLEET_ACCESS,
  FLEET_ACTIONS,
  FLEET_ITEM_STATES,
  FLEET_TENANT_STATES,
  type FleetAccess,
  type FleetAction,
  type FleetApp,
  type FleetItem,
  type FleetItemState,
  type FleetPlanRecord,
  type FleetPlanRequest,
  type FleetStore,
  type FleetTenant,
  type FleetTenantState,
} from './fleet.js'
export { leaseHeldError } from './lease.js'
export { defaultStoreLocation, isPostgresUrl } from './location.js'
export { openStore, type OpenStoreOptions } from './open.js'
export {
  DEAD_LETTER_QUEUE,
  isDatabaseLoss,
  openQueue,
  QUEUE_NAMES,
  QUEUE_SCHEMA,
  type FleetJob,
  type FleetJobRun,
  type JobQueue,
  type QueueOptions,
  type QueueSchedule,
} from './queue.js'
export * from './records.js'
export { assertNoSecrets, findSecret, redactSecrets } from './secrets.js'
export type { AuditStore } from './audit.js'
export type { ConnectionStore } from './connections.js'
export type { JournalStore } from './journal.js'
export type { LeaseStore } from './lease.js'
export type { PlanStore } from './plans.js'
export type { RunStore } from './runs.js'
export type { DialectName } from './schema.js'
export type { StepStore } from './steps.js'
export type { Store } from './store.js'
export type { TenantStore } from './tenants.js'
