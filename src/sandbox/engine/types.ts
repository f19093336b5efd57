import type { Caller, SandboxMailStore, SandboxTenant } from '../contracts.js'
import type { TenantSnapshot } from '../../core/model/snapshot.js'
import type { BoundParams, ParamSpec } from './params.js'

/** What a cmdlet runs against: a working copy of the tenant's state (committed only on success). */
export interface Ctx {
  /** The working copy of the configuration; writes change it in place. */
  snapshot: TenantSnapshot
  /** The working copy of the mail store. */
  mail: SandboxMailStore
  caller: Caller
  /**
   * The live tenant, for what lives beside the snapshot (Exchange RBAC for service principals,
   * service-principals.ts). Cmdlets that use it validate before they change anything: it is not
   * part of the write's copy-on-write draft.
   */
  tenant: SandboxTenant
  now: Date
  /** Warnings for `@adminapi.warnings`. */
  warnings: string[]
  /** Makes a stable id for a new object (no randomness: derived from the tenant, time and a counter). */
  newGuid(kind: string): string
}

/** Who may run a write cmdlet besides Global and Exchange Administrators (reference §2.2). */
export type WriteScope = 'exchange' | 'security'

/** One cmdlet: its parameters, whether it writes, who may write with it, and its code. */
export interface CmdletDef {
  name: string
  params: readonly ParamSpec[]
  write: boolean
  /** 'security': Security Administrators may run it too (anti-spam, anti-phish, TABL, ...). */
  scope: WriteScope
  /** Exists only with Defender for Office 365: unknown to callers in EOP-only tenants. */
  mdoOnly?: boolean
  run(ctx: Ctx, p: BoundParams): Record<string, unknown>[] | void
}
