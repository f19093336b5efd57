import type { Generated } from 'kysely'

/** Which SQL engine a store runs on. */
export type DialectName = 'sqlite' | 'postgres'

/** Row of `tenants`: one Microsoft 365 tenant passage has seen. */
export interface TenantsTable {
  id: string
  name: string
  display_name: string
  licence: string
  last_discovered_at: string | null
  snapshot_json: string | null
}

/** Row of `plans`: a frozen plan, keyed by its content hash. */
export interface PlansTable {
  hash: string
  tenant_id: string
  vendor_id: string
  created_at: string
  plan_json: string
}

/** Row of `runs`: one apply, rollback, check or test against a tenant. */
export interface RunsTable {
  id: Generated<number>
  tenant_id: string
  plan_hash: string | null
  kind: string
  status: string
  started_at: string
  finished_at: string | null
  actor: string
  error_code: string | null
  error_message: string | null
  /** The vendor the run was for (migration 4; older runs: null, their plan says). */
  vendor_id: string | null
  /** One line on the outcome (migration 4), e.g. a test run's "3 message copies". */
  summary: string | null
  /** Why the run was made (migration 8): `renewal`, or null for an ordinary run. */
  purpose: string | null
}

/** Row of `steps`: the result of one change of a run. */
export interface StepsTable {
  run_id: number
  change_id: string
  status: string
  error_code: string | null
  error_message: string | null
  started_at: string | null
  finished_at: string | null
}

/** Row of `journal`: an object's state before a run changed it (null: it did not exist). */
export interface JournalTable {
  id: Generated<number>
  run_id: number
  change_id: string
  surface: string
  target: string
  prior_json: string | null
  recorded_at: string
}

/** Row of `audit_events`: who did what, when (never secrets). */
export interface AuditEventsTable {
  id: Generated<number>
  at: string
  actor: string
  tenant_id: string | null
  action: string
  details_json: string
}

/** Row of `leases`: which process may run against a tenant, until when. */
export interface LeasesTable {
  tenant_id: string
  holder: string
  run_id: number | null
  expires_at: string
}

/** Row of `connections`: how to reach and sign in to a tenant (paths and ids, never secrets). */
export interface ConnectionsTable {
  tenant_id: string
  tenant_name: string
  profile_json: string
  last_used_at: string
}

/**
 * Row of `local_keys`: keys this installation made for itself (the plan-signing key). They sign
 * passage's own files; they are no credential to any service.
 */
export interface LocalKeysTable {
  name: string
  key_hex: string
  created_at: string
}

/** Row of `fleet_app`: the operator's multi-tenant app registration (one row; never its key). */
export interface FleetAppTable {
  /** Always 'app': the table holds one row. */
  id: string
  app_id: string
  thumbprint_sha256: string
  certificate_file: string
  endpoints_json: string
  ca_file: string | null
  created_at: string
}

/** Row of `fleet_tenants`: a tenant enrolled in the fleet. */
export interface FleetTenantsTable {
  tenant_id: string
  name: string
  tags_json: string
  state: string
  access: string
  enrolled_at: string | null
  last_error_code: string | null
  last_error_message: string | null
  updated_at: string
}

/** Row of `fleet_plans`: one plan request over many tenants. */
export interface FleetPlansTable {
  id: string
  request_json: string
  selector: string
  tenant_ids_json: string
  actor: string
  created_at: string
}

/** Row of `fleet_items`: one action of a fleet plan on one tenant. */
export interface FleetItemsTable {
  fleet_plan_id: string
  tenant_id: string
  action: string
  state: string
  plan_hash: string | null
  change_key: string | null
  run_id: number | null
  error_code: string | null
  error_message: string | null
  detail_json: string | null
  attempts: number
  updated_at: string
}

/** Row of `monitor_states`: the monitor's last classified state of a tenant's vendor setup. */
export interface MonitorStatesTable {
  tenant_id: string
  vendor: string
  state: string
  previous_state: string | null
  fingerprint: string
  explanation: string
  fix: string
  reasons_json: string
  classified_at: string
  changed_at: string
  alerted_at: string | null
}

/**
 * Row of `fleet_request_budget` (migration 6): one app's shared token bucket. On PostgreSQL
 * updated_at is a timestamptz (the database's clock); on SQLite, text (unused there).
 */
export interface FleetRequestBudgetTable {
  app_id: string
  tokens: number
  rate: number
  burst: number
  updated_at: Date | string
  /** Tokens the last lease handed out. */
  last_lease: Generated<number>
}

/** The database as Kysely sees it. */
export interface Database {
  tenants: TenantsTable
  plans: PlansTable
  runs: RunsTable
  steps: StepsTable
  journal: JournalTable
  audit_events: AuditEventsTable
  leases: LeasesTable
  connections: ConnectionsTable
  local_keys: LocalKeysTable
  fleet_app: FleetAppTable
  fleet_tenants: FleetTenantsTable
  fleet_plans: FleetPlansTable
  fleet_items: FleetItemsTable
  fleet_request_budget: FleetRequestBudgetTable
  monitor_states: MonitorStatesTable
}
