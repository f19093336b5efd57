/** Helpers shared by the policy families: applying parameters to fields, and policy rules. */
import type { PolicyRule } from '../../core/model/common.js'
import { alreadyExists, invalidValue, notAllowedOnObject } from './errors.js'
import { findOne, present, selectByIdentity } from './objects.js'
import { applyMvp, P, type BoundParams, type ParamSpec } from './params.js'
import { byPriority, insertAt, moveTo } from './priority.js'
import type { CmdletDef, Ctx, WriteScope } from './types.js'
import { checkGroups, checkLength, checkRecipientDomains, checkSentTo } from './validate.js'

/**
 * Sets each given parameter on the object's field of the same name: scalars replace, lists
 * (MultiValuedProperty) replace, clear or Add/Remove.
 */
export function applyFields(target: object, p: BoundParams, specs: readonly ParamSpec[]): void {
  const o = target as Record<string, unknown>
  for (const s of specs) {
    if (s.name === 'Identity' || s.name === 'Name' || !p.has(s.name)) continue
    if (s.type === 'mvp') {
      const cur = Array.isArray(o[s.name]) ? (o[s.name] as string[]) : []
      o[s.name] = applyMvp(cur, p.mvp(s.name))
    } else if (s.type === 'string[]') o[s.name] = p.strs(s.name) ?? []
    else if (s.type === 'string') o[s.name] = p.str(s.name) ?? null
    else if (s.type === 'int') o[s.name] = p.int(s.name)
    else if (s.type === 'bool' || s.type === 'switch') o[s.name] = p.bool(s.name) ?? p.sw(s.name)
  }
}

/** Refuses changes to the built-in protection policy, which cannot be modified. */
export function refuseBuiltIn(policy: { Name: string; IsBuiltInProtection?: boolean }): void {
  if (policy.IsBuiltInProtection)
    throw notAllowedOnObject(
      `The policy '${policy.Name}' is the Built-in protection policy and can't be modified.`,
    )
}

const SCOPE_PARAMS = [
  'SentTo',
  'SentToMemberOf',
  'RecipientDomainIs',
  'ExceptIfSentTo',
  'ExceptIfSentToMemberOf',
  'ExceptIfRecipientDomainIs',
] as const

/** What a family of policy rules (anti-spam, anti-phish, Safe Links, Safe Attachments) needs. */
export interface RuleFamily<R extends PolicyRule> {
  /** The cmdlet noun, e.g. `HostedContentFilterRule`. */
  noun: string
  /** The rule's link to its policy, e.g. `HostedContentFilterPolicy`. */
  policyField: keyof R & string
  scope: WriteScope
  mdoOnly?: boolean
  rules(ctx: Ctx): R[]
  /** Policies a rule may link to, with whether each is the default one (never linkable). */
  policies(ctx: Ctx): { Name: string; IsDefault?: boolean; IsBuiltInProtection?: boolean }[]
}

function validateRule<R extends PolicyRule>(ctx: Ctx, f: RuleFamily<R>, rule: R): void {
  const all = f.rules(ctx)
  checkLength(rule.Name, 64)
  checkLength(rule.Comments, 1024)
  if (all.some((r) => r !== rule && r.Name.toLowerCase() === rule.Name.toLowerCase()))
    throw alreadyExists('rule', rule.Name)
  const policyName = String(rule[f.policyField])
  const policy = findOne(f.policies(ctx), policyName)
  if (policy.IsDefault || policy.IsBuiltInProtection)
    throw invalidValue(
      `The policy '${policy.Name}' is a default policy and can't be linked to a rule.`,
    )
  rule[f.policyField] = policy.Name as R[keyof R & string]
  if (
    all.some(
      (r) => r !== rule && String(r[f.policyField]).toLowerCase() === policy.Name.toLowerCase(),
    )
  )
    throw invalidValue(
      `The policy '${policy.Name}' is already used by another rule. A policy can belong to one rule only.`,
    )
  if (!rule.SentTo.length && !rule.SentToMemberOf.length && !rule.RecipientDomainIs.length)
    throw invalidValue(
      'At least one recipient condition (SentTo, SentToMemberOf or RecipientDomainIs) is required.',
    )
  checkSentTo(ctx.snapshot, [...rule.SentTo, ...rule.ExceptIfSentTo])
  checkGroups(ctx.snapshot, [...rule.SentToMemberOf, ...rule.ExceptIfSentToMemberOf])
  checkRecipientDomains(ctx.snapshot, [
    ...rule.RecipientDomainIs,
    ...rule.ExceptIfRecipientDomainIs,
  ])
}

function applyScope(rule: PolicyRule, p: BoundParams): void {
  for (const f of SCOPE_PARAMS) if (p.has(f)) rule[f] = p.strs(f) ?? []
  if (p.has('Comments')) rule.Comments = p.str('Comments') ?? null
}

/** Get-<noun>: all rules by priority, or the one named. */
export function getRuleCmdlet<R extends PolicyRule>(f: RuleFamily<R>): CmdletDef {
  return {
    name: `Get-${f.noun}`,
    write: false,
    scope: f.scope,
    ...(f.mdoOnly ? { mdoOnly: true } : {}),
    params: [
      P.identity(false),
      P.enum('State', 'Microsoft.Exchange.Management.Tasks.RuleState', ['Enabled', 'Disabled']),
    ],
    run(ctx, p) {
      return byPriority(selectByIdentity(f.rules(ctx), p.str('Identity')))
        .filter((r) => !p.has('State') || r.State === p.str('State'))
        .map((r) => present(r, r.Name))
    },
  }
}

/** New-<noun> and Set-<noun>: link a policy to recipients, with priorities shifting. */
export function writeRuleCmdlets<R extends PolicyRule>(f: RuleFamily<R>): CmdletDef[] {
  const scope = SCOPE_PARAMS.map((n) => P.strs(n))
  const common = [P.int('Priority', { min: 0 }), P.str('Comments'), ...scope]
  return [
    {
      name: `New-${f.noun}`,
      write: true,
      scope: f.scope,
      ...(f.mdoOnly ? { mdoOnly: true } : {}),
      params: [
        P.str('Name', { mandatory: true }),
        P.str(f.policyField, { mandatory: true }),
        P.bool('Enabled'),
        ...common,
      ],
      run(ctx, p) {
        const list = f.rules(ctx)
        const rule = {
          Name: p.req('Name'),
          Priority: list.length,
          State: p.bool('Enabled') === false ? 'Disabled' : 'Enabled',
          Comments: null,
          SentTo: [],
          SentToMemberOf: [],
          RecipientDomainIs: [],
          ExceptIfSentTo: [],
          ExceptIfSentToMemberOf: [],
          ExceptIfRecipientDomainIs: [],
          [f.policyField]: p.req(f.policyField),
        } as unknown as R
        applyScope(rule, p)
        insertAt(list, rule, p.int('Priority'))
        validateRule(ctx, f, rule)
        return [present(rule, rule.Name)]
      },
    },
    {
      name: `Set-${f.noun}`,
      write: true,
      scope: f.scope,
      ...(f.mdoOnly ? { mdoOnly: true } : {}),
      params: [P.identity(), P.str(f.policyField), ...common],
      run(ctx, p) {
        const list = f.rules(ctx)
        const rule = findOne(list, p.req('Identity'))
        applyScope(rule, p)
        if (p.has(f.policyField)) rule[f.policyField] = p.req(f.policyField) as R[keyof R & string]
        const priority = p.int('Priority')
        if (priority !== undefined) moveTo(list, rule, priority)
        validateRule(ctx, f, rule)
      },
    },
  ]
}
