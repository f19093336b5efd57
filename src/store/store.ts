import type { AuditStore } from './audit.js'
import type { ConnectionStore } from './connections.js'
import type { FleetStore } from './fleet.js'
import type { FleetDashboardStore } from './fleet-dashboard.js'
import type { JournalStore } from './journal.js'
import type { LeaseStore } from './lease.js'
import type { LocalKeyStore } from './local-keys.js'
import type { MonitorStore } from './monitor.js'
import type { PlanStore } from './plans.js'
import type { RunStore } from './runs.js'
import type { DialectName } from './schema.js'
import type { StepStore } from './steps.js'
import type { TenantStore } from './tenants.js'

/**
 * passage's persistence: tenants, plans, runs and their steps, the journal of prior states, audit
 * events, per-tenant leases, the fleet (enrolled tenants, fleet plans and their items) and the
 * monitor's last state per tenant and vendor, on
 * SQLite or PostgreSQL. Every method throws PassageErrors only
 * (STORE_LOCKED when the database is busy, STORE_IO when it fails, STORE_CORRUPT for unreadable
 * rows, STORE_SECRET when asked to store a credential).
 */
export interface Store
  extends
    TenantStore,
    PlanStore,
    RunStore,
    StepStore,
    JournalStore,
    AuditStore,
    LeaseStore,
    ConnectionStore,
    LocalKeyStore,
    FleetStore,
    FleetDashboardStore,
    MonitorStore {
  /** The engine behind this store. */
  readonly dialect: DialectName
  /** Where the store lives: a file path, `:memory:`, or a URL without its password. */
  readonly location: string
  /** Closes the database (idempotent); the store is unusable afterwards. */
  close(): Promise<void>
}
