import type { JsonObject } from '../core/change.js'
import type { ErrorCode } from '../core/errors/index.js'
import type { Licence } from '../core/model/licence.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'

/** What a run does. */
export const RUN_KINDS = ['apply', 'rollback', 'check', 'test'] as const
export type RunKind = (typeof RUN_KINDS)[number]

/** Why a run was made, beside its kind (migration 8). */
export const RUN_PURPOSES = ['renewal'] as const
export type RunPurpose = (typeof RUN_PURPOSES)[number]

/** Where a run stands; `rolled-back` marks an apply that a later rollback undid. */
export const RUN_STATUSES = ['running', 'done', 'failed', 'interrupted', 'rolled-back'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** The outcome of one change of a run. */
export const STEP_STATUSES = ['done', 'failed', 'not-run', 'rolled-back'] as const
export type StepStatus = (typeof STEP_STATUSES)[number]

/** A tenant passage has seen, with its last discovered snapshot. */
export interface TenantRecord {
  /** The tenant's GUID. */
  id: string
  /** Its `*.onmicrosoft.com` name. */
  name: string
  displayName: string
  licence: Licence
  lastDiscoveredAt: string | null
  snapshot: TenantSnapshot | null
}

/** What upsertTenant takes; a missing snapshot keeps the one stored. */
export interface TenantInput {
  id: string
  name: string
  displayName: string
  licence: Licence
  snapshot?: TenantSnapshot
  /** When the snapshot was read; defaults to now when a snapshot is given. */
  discoveredAt?: string
}

/** A stored plan's summary columns. */
export interface PlanRecordSummary {
  hash: string
  tenantId: string
  vendorId: string
  createdAt: string
}

/** What createRun takes. */
export interface RunInput {
  tenantId: string
  /**
   * The plan the run applies, checks or undoes (saved first with savePlan); null for runs without
   * one (e.g. test).
   */
  planHash: string | null
  kind: RunKind
  /** Who started it: the signed-in admin's UPN, or the app id for app-only runs. */
  actor: string
  /** The vendor it was for; absent: its plan's (a test run has no plan, so it gives it here). */
  vendorId?: string | null
  /**
   * `renewal`: an apply that re-created allows an earlier apply made, before they lapsed (not
   * the tenant's last applied plan for check, monitor and rollback). Absent: an ordinary run.
   */
  purpose?: RunPurpose | null
}

/** One run against a tenant. */
export interface RunRecord extends RunInput {
  id: number
  status: RunStatus
  startedAt: string
  finishedAt: string | null
  errorCode: string | null
  errorMessage: string | null
  /** The vendor: the run's own, else its plan's; null when neither says. */
  vendorId: string | null
  /** One line on the outcome, when the run recorded one ("3 message copies, 2 released"). */
  summary: string | null
}

/** An error as a run or step records it. */
export interface RecordedError {
  code: ErrorCode
  message: string
}

/** What recordStep takes. */
export interface StepInput {
  changeId: string
  status: StepStatus
  error?: RecordedError | null
  startedAt?: string | null
  finishedAt?: string | null
}

/** The recorded result of one change of a run. */
export interface StepRecord {
  runId: number
  changeId: string
  status: StepStatus
  errorCode: string | null
  errorMessage: string | null
  startedAt: string | null
  finishedAt: string | null
}

/** The state of one object before a run changed it. */
export interface JournalEntry {
  /** Order of recording (increasing across the whole store). */
  seq: number
  runId: number
  changeId: string
  surface: string
  target: string
  /** The object's state before the change; null when it did not exist. */
  prior: JsonObject | null
  recordedAt: string
}

/** What audit takes: who did what (details never hold secrets). */
export interface AuditInput {
  actor: string
  action: string
  tenantId?: string | null
  details?: JsonObject
}

/** A recorded audit event. */
export interface AuditEvent {
  id: number
  at: string
  actor: string
  tenantId: string | null
  action: string
  details: JsonObject
}

/** The outcome of acquireLease. */
export type LeaseResult =
  | { ok: true; expiresAt: string }
  | { ok: false; heldBy: string; runId: number | null; expiresAt: string }

/** A saved connection profile (what `passage connect` stored for a tenant). */
export interface ConnectionRecord {
  tenantId: string
  tenantName: string
  /** The profile as the app saved it (endpoints, auth kind, file paths; never secrets). */
  profile: JsonObject
  lastUsedAt: string
}
