// The fleet dashboard API's answers (src/server/routes/fleet.ts). Written here by hand for now:
// src/server/api-types.ts (not this view's file) does not export them yet; see the report.
import type { ApiErrorBody } from '../types'

export type TenantState = 'consent-pending' | 'enrolled' | 'no-access' | 'removed'
export type Verdict = 'green' | 'red' | 'unknown'

export interface FleetRow {
  tenantId: string
  name: string
  tags: string[]
  state: TenantState
  access: 'read' | 'change'
  vendor: string | null
  lastFleetPlan: { id: string; vendor: string | null; createdAt: string } | null
  planned: string | null
  applied: string | null
  check: Verdict
  soonestExpiry: string | null
  lastError: string | null
}

export interface TenantsPage {
  offset: number
  limit: number
  total: number
  tenants: FleetRow[]
}

export interface Counts {
  total: number
  byState: Partial<Record<TenantState, number>>
  byCheck: Partial<Record<Verdict, number>>
  vendors: string[]
  tags: string[]
}

export interface Expiry {
  now: string
  weeks: { start: string; count: number }[]
  expired: number
  later: number
}

export interface TenantDetail {
  tenant: FleetRow
  lastPlan: {
    fleetPlanId: string
    vendor: string | null
    createdAt: string
    state: string
    changes: {
      id: string
      op: string
      surface: string
      target: string
      summary: string
      risk: string
    }[]
  } | null
  check: {
    state: string
    verdict: Verdict
    at: string
    findings: number
    problems: string[]
    soonestExpiry: string | null
  } | null
  history: {
    fleetPlanId: string
    vendor: string | null
    planCreatedAt: string
    action: string
    state: string
    runId: number | null
    runStatus: string | null
    error: string | null
    updatedAt: string
  }[]
}

export interface FleetPlanSummary {
  id: string
  vendor: string
  selector: string
  tenants: number
  createdAt: string
  /** An action of it is running: its items are still queued or running (the store says so). */
  running: boolean
  /** The action its progress is about (null: no item yet). */
  action: Action | null
}

export type Action = 'plan' | 'apply' | 'check' | 'rollback'

export interface Progress {
  fleetPlanId: string
  vendor: string
  tenants: number
  /** The action shown: this server's own wave, else what the workers wrote last. */
  action: Action | null
  counts: Record<Action, Partial<Record<string, number>>>
  pending: number
  lastUpdate: string | null
  run: {
    action: Action
    status: 'running' | 'done' | 'stopped' | 'failed'
    stopped: string | null
    /** The waves it sent so far (an apply: the canary, then the rest). */
    waves: { kind: string; action: Action; tenants: number }[]
    error: ApiErrorBody | null
  } | null
  finished: boolean
}

export interface Filters {
  vendor: string
  tag: string
  state: string
  check: string
  q: string
}
