/**
 * The Exchange engine: binds parameters, checks licence and roles, runs a cmdlet on a working copy
 * of the tenant, validates the result with the snapshot schema and commits only on success.
 *
 * The working copy of a write is copy-on-write (draft.ts): only the objects the cmdlet changes are
 * copied, and only what changed is validated (commit-check.ts), so that a write costs what it
 * touches, not the size of the tenant (5,000 allow/block entries, say).
 */
import type { TenantSnapshot } from '../../core/model/snapshot.js'
import { zodIssues } from '../../core/errors/validation.js'
import type {
  Caller,
  CmdletOutcome,
  EngineInvokeOptions,
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
import { checkAfterWrite } from './commit-check.js'
import { coManagerAfter, coManagerBefore } from './co-manager.js'
import { createDraft, plainCopy } from './draft.js'
import { bindParams } from './params.js'
import { mayRun } from './rbac.js'
import { availableIn, CMDLETS, lookup, paramsIn } from './registry.js'
import type { Ctx } from './types.js'

function commit(tenant: SandboxTenant, snapshot: TenantSnapshot, mail: SandboxMailStore): void {
  // In place, so that every holder of tenant.snapshot sees the change.
  if (snapshot !== tenant.snapshot) {
    const target = tenant.snapshot as Record<string, unknown>
    for (const key of Object.keys(target)) delete target[key]
    Object.assign(target, snapshot)
  }
  if (mail.messages !== tenant.mail.messages)
    tenant.mail.messages.splice(0, tenant.mail.messages.length, ...mail.messages)
}

function run(
  tenant: SandboxTenant,
  caller: Caller,
  cmdlet: string,
  raw: Record<string, unknown>,
  now: Date,
  opts: EngineInvokeOptions = {},
): CmdletOutcome {
  if (caller.kind === 'user' && !caller.exchangeApiEnabled) return apiDisabled(caller.name)
  const def = lookup(cmdlet)
  // A Defender-only cmdlet does not exist in an EOP-only tenant's session (reference §2.1).
  if (!def || !availableIn(def, tenant.snapshot.licence)) throw commandNotFound(cmdlet.trim())
  if (!mayRun(caller, def, tenant)) return notAllowed(def.name)
  // The co-manager of some generated fleet tenants undoes IP allow changes (co-manager.ts).
  coManagerBefore(tenant, now)
  const given = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}
  const params = bindParams(paramsIn(def, tenant.snapshot.licence), given)
  // Writes work on a copy-on-write draft committed only when valid; reads see the live state (the
  // result is copied below), which keeps large tenants and mail stores cheap to query.
  const snapshot = def.write ? createDraft(tenant.snapshot) : null
  const mail = def.write ? createDraft(tenant.mail) : null
  let counter = 0
  const ctx: Ctx = {
    snapshot: snapshot?.root ?? tenant.snapshot,
    mail: mail?.root ?? tenant.mail,
    caller,
    tenant,
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
  // A result must never alias the live state it was read from (nor a write's draft). The state is
  // plain data: a plain deep copy is enough (and a third of the cost of a structured clone).
  // Unless the caller turns a read's result into text at once and keeps nothing of it
  // (shareReadResult): then the copy of, say, 5,000 allow/block entries for each page is waste.
  const value = opts.shareReadResult === true && !def.write ? out : plainCopy(out)
  if (snapshot && mail) {
    const parsed = checkAfterWrite(tenant.snapshot, snapshot.finish())
    if (!parsed.success)
      throw stateInvalid(
        zodIssues(parsed.error)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; '),
      )
    const before = tenant.snapshot.state.connectionFilter.IPAllowList
    commit(tenant, parsed.data, mail.finish())
    coManagerAfter(tenant, def.name, before)
  }
  return { ok: true, value, warnings: ctx.warnings }
}

/** Creates the engine (stateless: all state lives in the tenants it is given). */
export function createEngine(): ExchangeEngine {
  return {
    invoke(tenant, caller, cmdlet, params, now, opts) {
      try {
        return run(tenant, caller, cmdlet, params, now, opts)
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
        (d) => availableIn(d, tenant.snapshot.licence) && mayRun(caller, d, tenant),
      ).map((d) => ({
        name: d.name,
        parameters: paramsIn(d, tenant.snapshot.licence).map((s) => s.name),
      }))
    },
  }
}
