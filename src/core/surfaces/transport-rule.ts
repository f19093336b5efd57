import type { Change, JsonObject } from '../change.js'
import type { CmdletCall, CmdletValue } from '../cmdlet.js'
import type { TransportRule } from '../model/transport-rule.js'
import { defineSurface } from './define.js'
import { RULE_PARAMS } from './rule-params.js'
import { transportRuleRead } from './rule-state.js'
import { identityOf, str, type Finding } from './surface.js'

export { RULE_PARAMS }

function ruleParams(rule: JsonObject): Record<string, CmdletValue> {
  const out: Record<string, CmdletValue> = {}
  for (const p of RULE_PARAMS) {
    const v = rule[p]
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue
    if (
      p === 'SenderAddressLocation' &&
      !(Array.isArray(rule.SenderDomainIs) && rule.SenderDomainIs.length)
    )
      continue
    if (p === 'StopRuleProcessing' && v === false) continue
    out[p] = Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string')
      : (v as CmdletValue)
  }
  return out
}

function createCalls(rule: JsonObject): CmdletCall[] {
  return [
    {
      cmdlet: 'New-TransportRule',
      params: {
        Name: str(rule, 'Name'),
        Priority: typeof rule.Priority === 'number' ? rule.Priority : 0,
        Mode: str(rule, 'Mode') || 'Enforce',
        ...(str(rule, 'Comments') ? { Comments: str(rule, 'Comments') } : {}),
        ...ruleParams(rule),
        Enabled: rule.State !== 'Disabled',
      },
    },
  ]
}

function updateCalls(change: Change): CmdletCall[] {
  const identity = identityOf(change)
  const calls: CmdletCall[] = []
  const params: Record<string, CmdletValue> = {}
  const after = change.after ?? {}
  for (const [field, value] of Object.entries(change.set ?? {})) {
    if (field === 'State') continue
    params[field] = Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : (value as CmdletValue)
  }
  // Set-TransportRule replaces a list parameter whole: send the full list the rule should have.
  for (const field of new Set([
    ...Object.keys(change.add ?? {}),
    ...Object.keys(change.remove ?? {}),
  ])) {
    const v = after[field]
    params[field] = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
  }
  if (Object.keys(params).length)
    calls.push({ cmdlet: 'Set-TransportRule', params: { Identity: identity, ...params } })
  const state = change.set?.State
  if (state === 'Enabled')
    calls.push({ cmdlet: 'Enable-TransportRule', params: { Identity: identity } })
  if (state === 'Disabled')
    calls.push({ cmdlet: 'Disable-TransportRule', params: { Identity: identity } })
  return calls
}

/** Mail flow rules (reference §3.1). Passage creates its own, and changes or removes only those. */
export const transportRuleSurface = defineSurface({
  kind: 'transport-rule',
  title: 'Mail flow rule',
  mdoOnly: false,
  reads: [
    {
      name: 'transportRules',
      call: { cmdlet: 'Get-TransportRule', params: { ResultSize: 'Unlimited' } },
      raw: true,
    },
  ],
  // Unmodelled is derived from the real properties (ms-rule: read.rule-unmodelled); each rule is
  // read raw, in one walk (transportRuleRead).
  load: (got) => ({ transportRules: got('transportRules').map(transportRuleRead) }),
  objects: (s) => s.transportRules as unknown as JsonObject[],
  withObjects: (s, objects) => ({ ...s, transportRules: objects as unknown as TransportRule[] }),
  key: (o) => str(o, 'Name').toLowerCase(),
  ordered: true,
  ops: ['create', 'update', 'remove'],
  owned: true,
  fields: [...RULE_PARAMS, 'Priority', 'Mode', 'Comments', 'State'],
  calls(change) {
    if (change.op === 'create') return createCalls(change.after ?? {})
    if (change.op === 'remove')
      return [{ cmdlet: 'Remove-TransportRule', params: { Identity: identityOf(change) } }]
    return updateCalls(change)
  },
  extraFindings(obj, change) {
    const f = (problem: string, diagnosis: string, fix: string): Finding => ({
      changeId: change.id,
      target: change.target,
      problem,
      diagnosis,
      fix,
    })
    const out: Finding[] = []
    const name = str(obj, 'Name')
    if (obj.State === 'Disabled')
      out.push(
        f(
          `Mail flow rule '${name}' is disabled`,
          'A disabled rule does nothing.',
          `Enable-TransportRule -Identity '${name}'`,
        ),
      )
    if (typeof obj.Mode === 'string' && obj.Mode !== 'Enforce')
      out.push(
        f(
          `Mail flow rule '${name}' is in ${obj.Mode} mode`,
          'A rule in audit mode only logs; it does not act.',
          `Set-TransportRule -Identity '${name}' -Mode Enforce`,
        ),
      )
    return out
  },
})

/**
 * The mail flow rules of a plan that are no longer in the plan's relative order (rules run by
 * priority, and one that stops processing may hide the next): `current` finds each rule now.
 */
export function ruleOrderFindings(
  changes: readonly Change[],
  current: (c: Change) => JsonObject | null,
): Finding[] {
  const out: Finding[] = []
  let last = -1
  let lastName = ''
  for (const c of changes) {
    if (c.surface !== 'transport-rule' || c.op === 'remove') continue
    const obj = current(c)
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
