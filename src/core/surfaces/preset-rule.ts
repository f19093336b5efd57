/**
 * The Standard and Strict preset security policies' rules (Get-EOPProtectionPolicyRule /
 * Get-ATPProtectionPolicyRule): who each preset covers. passage changes one thing on them, and only
 * when the admin asks for it by name: it adds a preset's own recipients to its exceptions, so that
 * the custom and default policies the plan changes reach them (plan.preset.exception).
 *
 * Microsoft: Set-EOPProtectionPolicyRule and Set-ATPProtectionPolicyRule take -ExceptIfSentTo,
 * -ExceptIfSentToMemberOf and -ExceptIfRecipientDomainIs; a value is the whole list (Example 2 of
 * either page clears a list with $null; no Add/Remove form is documented), different kinds of
 * exception are OR'ed (office-docs-powershell Set-EOPProtectionPolicyRule.md, "DESCRIPTION" and
 * "EXAMPLES"; Set-ATPProtectionPolicyRule.md). So a change sets each list it edits whole: the
 * exceptions the rule had, plus the new ones.
 *
 * The rules live in the snapshot's tenant context (`presets`), which the evaluator and planner read;
 * `inSnapshot` says so to the snapshot edits.
 */
// ms-rule: plan.preset.exception
import type { Change, JsonObject } from '../change.js'
import type { CmdletCall } from '../cmdlet.js'
import { canonicalJson } from '../hash.js'
import { PresetRule } from '../model/preset.js'
import { defineSurface } from './define.js'
import { str, strs, type DriftField, type Finding } from './surface.js'

/** The exception lists passage may set on a preset rule. */
export const PRESET_EXCEPTION_FIELDS = [
  'ExceptIfSentTo',
  'ExceptIfSentToMemberOf',
  'ExceptIfRecipientDomainIs',
] as const

/** Every recipient field of a preset rule: its conditions and its exceptions. */
const SCOPE_FIELDS = [
  'SentTo',
  'SentToMemberOf',
  'RecipientDomainIs',
  ...PRESET_EXCEPTION_FIELDS,
] as const

/** The key of a preset rule: its kind and name (the EOP and ATP rules share their names). */
export function presetRuleKey(o: { Kind?: unknown; Name?: unknown }): string {
  return `${String(o.Kind ?? '')}:${String(o.Name ?? '')}`
}

/** The cmdlet that changes a preset rule of a kind. */
export function presetRuleCmdlet(kind: string): string {
  return kind === 'ATP' ? 'Set-ATPProtectionPolicyRule' : 'Set-EOPProtectionPolicyRule'
}

/** A recipient list compared the way Exchange matches recipients: without case or order. */
const norm = (xs: readonly string[]) =>
  canonicalJson([...new Set(xs.map((x) => x.toLowerCase()))].sort())

/**
 * Drift of a preset exception: every recipient condition and exception of the rule, and its state,
 * must be what the plan was made against. The change replaces whole lists, so an exception someone
 * added since would be dropped, and a condition changed since would make the planned exception
 * miss (or overshoot) who the preset covers: apply refuses either.
 */
function presetDrift(
  recorded: JsonObject | null,
  current: JsonObject | null,
  change: Change,
): DriftField[] {
  const d = (field: string, planned: JsonObject[string], actual: JsonObject[string]) => ({
    changeId: change.id,
    target: change.target,
    field,
    planned,
    actual,
  })
  if (!current) return [d('(object)', 'exists', null)]
  const before = recorded ?? {}
  const out: DriftField[] = []
  for (const f of SCOPE_FIELDS)
    if (norm(strs(before, f)) !== norm(strs(current, f)))
      out.push(d(f, before[f] ?? null, current[f] ?? null))
  if (str(before, 'State') && str(before, 'State') !== str(current, 'State'))
    out.push(d('State', before.State ?? null, current.State ?? null))
  return out
}

/** A preset whose rule was turned off since: the exception is moot, say so. */
function disabledFinding(current: JsonObject, change: Change): Finding[] {
  if (str(current, 'State') !== 'Disabled') return []
  return [
    {
      changeId: change.id,
      target: change.target,
      problem: `The preset rule '${str(current, 'Name')}' is turned off`,
      diagnosis:
        'Nobody gets this preset now, so the exception passage added changes nothing until it is turned on again.',
      fix: 'Nothing to do unless the preset is turned on again; then check again.',
    },
  ]
}

/** Standard and Strict preset security policy rules (their recipient exceptions). */
export const presetRuleSurface = defineSurface({
  kind: 'preset-rule',
  title: 'Preset security policy rule',
  mdoOnly: false,
  // The same reads (and names) as the tenant context, so that reading this surface alone (apply,
  // rollback) fills the snapshot's `presets`.
  reads: [
    { name: 'eopPresets', call: { cmdlet: 'Get-EOPProtectionPolicyRule', params: {} } },
    {
      name: 'atpPresets',
      call: { cmdlet: 'Get-ATPProtectionPolicyRule', params: {} },
      defender: true,
    },
  ],
  // Nothing in the surface state: the read path puts preset rules in the snapshot's `presets`.
  load: () => ({}),
  objects: () => [],
  withObjects: (state) => state,
  inSnapshot: {
    objects: (s) => s.presets as unknown as JsonObject[],
    withObjects: (s, objects) => ({
      ...s,
      presets: objects.map((o) => PresetRule.parse(o)),
    }),
  },
  key: presetRuleKey,
  ordered: false,
  ops: ['update'],
  fields: PRESET_EXCEPTION_FIELDS,
  calls(change: Change): CmdletCall[] {
    if (change.op !== 'update')
      throw new Error('Preset security policy rule: passage only edits its exceptions')
    const obj = change.before ?? change.after
    const params: CmdletCall['params'] = { Identity: str(obj, 'Name') || change.target }
    for (const f of PRESET_EXCEPTION_FIELDS) {
      if (!change.set || !(f in change.set)) continue
      const list = strs(change.set, f)
      // An empty list is cleared with $null, as Microsoft's examples do.
      params[f] = list.length ? list : null
    }
    return [{ cmdlet: presetRuleCmdlet(str(obj, 'Kind')), params }]
  },
  drift: presetDrift,
  extraFindings: disabledFinding,
})
