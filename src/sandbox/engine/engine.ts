/**
 * The Exchange engine: binds parameters, checks licence and roles, runs a cmdlet on a working copy
 * of the tenant, validates the result with the snapshot schema and commits only on success.
 */
import { TenantSnapshot } from '../../core/model/snapshot.js'
import { zodIssues } from '../../core/errors/validation.js'
import type {
  Caller,
  CmdletOutcome,
  ExchangeEngine,
  ModuleCmdlet,
  SandboxMailStore,
  SandboxTenant,
} from '../contracts.js'
import { deterministicGuid } from '../seed/guid.js'
import {
  apiDisabled,
  CmdletError,
  commandNotFound,
  internalFailure,
  notAllowed,
  stateInvalid,
} from './errors.js'
import { bindParams } from './params.js'
import { mayRun } from './rbac.js'
import { availableIn, CMDLETS, lookup, paramsIn } from './registry.js'
import type { Ctx } from './types.js'

function commit(tenant: SandboxTenant, snapshot: TenantSnapshot, mail: SandboxMailStore): void {
  // In place, so that every holder of tenant.snapshot sees the change.
  const target = tenant.snapshot as Record<string, unknown>
  for (const key of Object.keys(target)) delete target[key]
  Object.assign(target, snapshot)
  tenant.mail.messages.splice(0, tenant.mail.messages.length, ...mail.messages)
}

function run(
  tenant: SandboxTenant,
  caller: Caller,
  cmdlet: string,
  raw: Record<string, unknown>,
  now: Date,
): CmdletOutcome {
  if (caller.kind === 'user' && !caller.exchangeApiEnabled) return apiDisabled(caller.name)
  const def = lookup(cmdlet)
  // A Defender-only cmdlet does not exist in an EOP-only tenant's session (reference §2.1).
  if (!def || !availableIn(def, tenant.snapshot.licence)) throw commandNotFound(cmdlet.trim())
  if (!mayRun(caller, def)) return notAllowed(def.name)
  const given = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}
  const params = bindParams(paramsIn(def, tenant.snapshot.licence), given)
  // Writes work on a copy committed only when valid; reads see the live state (the result is copied
  // below), which keeps large tenants and mail stores cheap to query.
  const snapshot = def.write ? structuredClone(tenant.snapshot) : tenant.snapshot
  const mail = def.write ? structuredClone(tenant.mail) : tenant.mail
  let counter = 0
  const ctx: Ctx = {
    snapshot,
    mail,
    caller,
    now,
    warnings: [],
    newGuid: (kind) =>
      deterministicGuid(
        tenant.snapshot.tenant.id,
        kind,
        now.toISOString(),
        counter++,
        JSON.stringify(raw),
      ),
  }
  const out = def.run(ctx, params) ?? []
  // A read's result must never alias the live state it was read from.
  const value = def.write ? out : structuredClone(out)
  if (def.write) {
    const parsed = TenantSnapshot.safeParse(snapshot)
    if (!parsed.success)
      throw stateInvalid(
        zodIssues(parsed.error)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; '),
      )
    commit(tenant, parsed.data, mail)
  }
  return { ok: true, value, warnings: ctx.warnings }
}

/** Creates the engine (stateless: all state lives in the tenants it is given). */
export function createEngine(): ExchangeEngine {
  return {
    invoke(tenant, caller, cmdlet, params, now) {
      try {
        return run(tenant, caller, cmdlet, params, now)
      } catch (e) {
        if (e instanceof CmdletError) return e.toOutcome()
        return internalFailure(e instanceof Error ? e.message : String(e))
      }
    },
    isWrite(cmdlet) {
      return lookup(cmdlet)?.write ?? false
    },
    moduleFile(tenant, caller): ModuleCmdlet[] {
      if (caller.kind === 'user' && !caller.exchangeApiEnabled) return []
      return CMDLETS.filter(
        (d) => availableIn(d, tenant.snapshot.licence) && mayRun(caller, d),
      ).map((d) => ({
        name: d.name,
        parameters: paramsIn(d, tenant.snapshot.licence).map((s) => s.name),
      }))
    },
  }
}
