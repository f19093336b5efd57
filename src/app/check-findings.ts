/**
 * What `check` looks for in a tenant as read back, for each change of a plan: the change in
 * effect (core's verifyChange), mail flow rules enabled, enforced and in the plan's relative
 * order, allow entries present and not about to expire, and no preset policy overriding a policy
 * change for the recipients it covers. Each finding has a diagnosis and a fix. Pure.
 */
import type { Change } from '../core/change.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import type { Plan } from '../core/planner/types.js'
import { verifyChange } from '../core/surfaces/apply.js'
import { str } from '../core/surfaces/surface.js'
import { currentObject } from './drift.js'

/** One reason a change is not (or soon no longer) in effect. */
export interface CheckFinding {
  changeId: string
  target: string
  problem: string
  diagnosis: string
  fix: string
}

/** Days before expiry an allow entry is reported. */
export const EXPIRY_WARNING_DAYS = 7

const REPLAN = 'Run `passage discover`, `passage plan` and `passage apply` again to put it back.'

/** Findings for one change. */
function findingsFor(snapshot: TenantSnapshot, change: Change, nowMs: number): CheckFinding[] {
  const f = (problem: string, diagnosis: string, fix: string): CheckFinding => ({
    changeId: change.id,
    target: change.target,
    problem,
    diagnosis,
    fix,
  })
  const out: CheckFinding[] = []
  for (const v of verifyChange(snapshot, change))
    out.push(
      v.problem === 'does not exist'
        ? f(
            `${change.summary}: the object does not exist`,
            'It was removed after apply, by an admin or another tool that manages this tenant (see the co-managers `passage discover` lists).',
            REPLAN,
          )
        : f(
            `${change.summary}: ${v.problem}`,
            'It was changed after apply, by an admin or another tool that manages this tenant.',
            REPLAN,
          ),
    )
  const obj = currentObject(snapshot, change)
  if (!obj || change.op === 'remove') return out
  if (change.surface === 'transport-rule') {
    if (obj.State === 'Disabled')
      out.push(
        f(
          `Mail flow rule '${str(obj, 'Name')}' is disabled`,
          'A disabled rule does nothing.',
          `Enable-TransportRule -Identity '${str(obj, 'Name')}'`,
        ),
      )
    if (typeof obj.Mode === 'string' && obj.Mode !== 'Enforce')
      out.push(
        f(
          `Mail flow rule '${str(obj, 'Name')}' is in ${obj.Mode} mode`,
          'A rule in audit mode only logs; it does not act.',
          `Set-TransportRule -Identity '${str(obj, 'Name')}' -Mode Enforce`,
        ),
      )
  }
  if (change.surface === 'tabl-item' && typeof obj.RemoveAfter !== 'number') {
    const exp = typeof obj.ExpirationDate === 'string' ? Date.parse(obj.ExpirationDate) : NaN
    if (Number.isFinite(exp) && exp - nowMs < EXPIRY_WARNING_DAYS * 86_400_000)
      out.push(
        f(
          `Allow entry ${str(obj, 'Value')} expires ${new Date(exp).toISOString().slice(0, 10)}`,
          exp <= nowMs
            ? 'It has expired: Microsoft removed the allow.'
            : `It expires within ${EXPIRY_WARNING_DAYS} days.`,
          `Extend it: Set-TenantAllowBlockListItems -ListType ${str(obj, 'ListType')} -Entries '${str(obj, 'Value')}' -ExpirationDate <date> (or re-plan: passage uses "remove 45 days after last use" where it can).`,
        ),
      )
  }
  const presetKind =
    change.surface === 'anti-spam' || change.surface === 'anti-phish'
      ? 'EOP'
      : change.surface === 'safe-links' || change.surface === 'safe-attachments'
        ? 'ATP'
        : null
  if (presetKind) {
    for (const p of snapshot.presets.filter(
      (x) => x.Kind === presetKind && x.State === 'Enabled',
    )) {
      const scope = [...p.SentTo, ...p.SentToMemberOf, ...p.RecipientDomainIs]
      out.push(
        f(
          `The ${p.Preset} preset policy overrides '${change.target}' for ${scope.length ? scope.join(', ') : 'everyone it covers'}`,
          'Preset security policies win over custom and default policies: the recipients they cover do not get this change.',
          'Use a mechanism presets do not override (a Tenant Allow/Block List entry or a scoped mail flow rule), or exclude these recipients from the preset.',
        ),
      )
    }
  }
  return out
}

/** Mail flow rules of the plan that are out of the plan's relative order. */
function orderFindings(snapshot: TenantSnapshot, plan: Plan): CheckFinding[] {
  const rules = plan.changes.filter((c) => c.surface === 'transport-rule' && c.op !== 'remove')
  const out: CheckFinding[] = []
  let last = -1
  let lastName = ''
  for (const c of rules) {
    const obj = currentObject(snapshot, c)
    if (!obj || typeof obj.Priority !== 'number') continue
    if (obj.Priority < last)
      out.push({
        changeId: c.id,
        target: c.target,
        problem: `Mail flow rule '${str(obj, 'Name')}' now runs before '${lastName}'`,
        diagnosis:
          'The rules were reordered after apply; a rule that stops processing may now hide another.',
        fix: `Set-TransportRule -Identity '${str(obj, 'Name')}' -Priority ${last + 1}`,
      })
    last = obj.Priority
    lastName = str(obj, 'Name')
  }
  return out
}

/** Every finding of a plan against the tenant as read back; empty means green. */
export function checkFindings(snapshot: TenantSnapshot, plan: Plan, nowMs: number): CheckFinding[] {
  return [
    ...plan.changes.flatMap((c) => findingsFor(snapshot, c, nowMs)),
    ...orderFindings(snapshot, plan),
  ]
}
