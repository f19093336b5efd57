/** Mail flow rules: Get/New/Set/Remove/Enable/Disable-TransportRule (reference §3.1). */
import type { TransportRule } from '../../core/model/transport-rule.js'
import { TRANSPORT_RULE } from './limits.js'
import { aboveRange, alreadyExists, invalidValue, limitReached } from './errors.js'
import { findOne, present, selectByIdentity } from './objects.js'
import { applyMvp, P, type BoundParams, type ParamSpec } from './params.js'
import { byPriority, insertAt, moveTo, removeItem } from './priority.js'
import type { CmdletDef, Ctx } from './types.js'
import { checkAddresses, checkGroups, checkIps, checkLength, checkSentTo } from './validate.js'

/** Total characters of regular expressions across all rules (reference §3.1). */
const MAX_REGEX_TOTAL = 20 * 1024

const SENDER_LOCATION = ['Header', 'Envelope', 'HeaderOrEnvelope'] as const

/** List conditions typed as plain arrays (Word[], Pattern[], RecipientIdParameter[]). */
const ARRAY_FIELDS = [
  'SenderDomainIs',
  'From',
  'HeaderMatchesPatterns',
  'HeaderContainsWords',
  'SentTo',
  'SentToMemberOf',
  'RecipientDomainIs',
  'ExceptIfSenderDomainIs',
  'ExceptIfFrom',
] as const
/** IP conditions typed MultiValuedProperty. */
const MVP_FIELDS = ['SenderIpRanges', 'ExceptIfSenderIpRanges'] as const
const STRING_FIELDS = [
  'HeaderMatchesMessageHeader',
  'HeaderContainsMessageHeader',
  'SetHeaderName',
  'SetHeaderValue',
  'Comments',
] as const

/** The parameters New- and Set-TransportRule share. */
const COMMON_PARAMS: ParamSpec[] = [
  P.int('Priority', { min: 0 }),
  P.enum('Mode', 'Microsoft.Exchange.MessagingPolicies.Rules.RuleMode', [
    'Audit',
    'AuditAndNotify',
    'Enforce',
  ]),
  ...STRING_FIELDS.map((n) => P.str(n)),
  ...MVP_FIELDS.map((n) => P.mvp(n)),
  ...ARRAY_FIELDS.map((n) => P.strs(n)),
  P.enum('FromScope', 'Microsoft.Exchange.MessagingPolicies.Rules.FromUserScope', [
    'InOrganization',
    'NotInOrganization',
  ]),
  P.enum(
    'SenderAddressLocation',
    'Microsoft.Exchange.MessagingPolicies.Rules.SenderAddressLocation',
    SENDER_LOCATION,
  ),
  P.int('SetSCL'),
  P.bool('StopRuleProcessing'),
]

function apply(rule: TransportRule, p: BoundParams): void {
  for (const f of STRING_FIELDS) if (p.has(f)) rule[f] = p.str(f) ?? null
  for (const f of MVP_FIELDS) if (p.has(f)) rule[f] = applyMvp(rule[f], p.mvp(f))
  for (const f of ARRAY_FIELDS) if (p.has(f)) rule[f] = p.strs(f) ?? []
  if (p.has('Mode')) rule.Mode = p.req('Mode') as TransportRule['Mode']
  if (p.has('FromScope'))
    rule.FromScope = (p.str('FromScope') ?? null) as TransportRule['FromScope']
  if (p.has('SenderAddressLocation'))
    rule.SenderAddressLocation = p.req(
      'SenderAddressLocation',
    ) as TransportRule['SenderAddressLocation']
  if (p.has('SetSCL')) rule.SetSCL = p.int('SetSCL') ?? null
  if (p.has('StopRuleProcessing')) rule.StopRuleProcessing = p.bool('StopRuleProcessing') ?? false
}

/** Characters in a rule's conditions, exceptions and actions: what the 8 KB limit counts. */
export function ruleSize(rule: TransportRule): number {
  const { Name: _n, Guid: _g, Priority: _p, State: _s, Mode: _m, Comments: _c, ...body } = rule
  let n = 0
  for (const v of Object.values(body)) {
    if (typeof v === 'string') n += v.length
    else if (Array.isArray(v)) n += v.reduce((a: number, s) => a + String(s).length, 0)
    else if (typeof v === 'number') n += String(v).length
  }
  return n
}

function checkPair(rule: TransportRule, a: keyof TransportRule, b: keyof TransportRule): void {
  const has = (k: keyof TransportRule) => {
    const v = rule[k]
    return Array.isArray(v) ? v.length > 0 : v !== null && v !== undefined && v !== ''
  }
  if (has(a) !== has(b)) throw invalidValue(`The ${a} and ${b} parameters must be used together.`)
}

function validate(ctx: Ctx, rule: TransportRule, all: readonly TransportRule[]): void {
  if (!rule.Name.trim()) throw invalidValue("The Name parameter can't be empty.")
  checkLength(rule.Name, TRANSPORT_RULE.maxNameLength)
  checkLength(rule.Comments, TRANSPORT_RULE.maxCommentsLength)
  if (all.some((r) => r !== rule && r.Name.toLowerCase() === rule.Name.toLowerCase()))
    throw alreadyExists('transport rule', rule.Name)
  checkIps('SenderIpRanges', rule.SenderIpRanges, { ipv6: true })
  checkIps('ExceptIfSenderIpRanges', rule.ExceptIfSenderIpRanges, { ipv6: true })
  checkAddresses('From', rule.From)
  checkAddresses('ExceptIfFrom', rule.ExceptIfFrom)
  checkSentTo(ctx.snapshot, rule.SentTo)
  checkGroups(ctx.snapshot, rule.SentToMemberOf)
  checkPair(rule, 'HeaderMatchesMessageHeader', 'HeaderMatchesPatterns')
  checkPair(rule, 'HeaderContainsMessageHeader', 'HeaderContainsWords')
  checkPair(rule, 'SetHeaderName', 'SetHeaderValue')
  for (const h of [
    rule.HeaderMatchesMessageHeader,
    rule.HeaderContainsMessageHeader,
    rule.SetHeaderName,
  ])
    if (h && !/^[\x21-\x39\x3b-\x7e]+$/.test(h))
      throw invalidValue(`'${h}' isn't a valid header name.`)
  for (const pattern of rule.HeaderMatchesPatterns) {
    try {
      new RegExp(pattern)
    } catch {
      throw invalidValue(`The regular expression '${pattern}' isn't valid.`)
    }
  }
  if (rule.SetSCL !== null && rule.SetSCL !== undefined && (rule.SetSCL < -1 || rule.SetSCL > 9))
    throw invalidValue(`The SCL value ${rule.SetSCL} isn't valid. Valid values are -1 through 9.`)
  const size = ruleSize(rule)
  if (size > TRANSPORT_RULE.maxRuleBytes)
    throw limitReached(
      `The rule '${rule.Name}' is too large: its conditions, exceptions and actions take ${size} characters, and the limit is ${TRANSPORT_RULE.maxRuleBytes}.`,
    )
  const regex = all.reduce(
    (n, r) => n + r.HeaderMatchesPatterns.reduce((a, s) => a + s.length, 0),
    0,
  )
  if (regex > MAX_REGEX_TOTAL)
    throw limitReached(
      `The regular expressions of all transport rules would take ${regex} characters; the organization limit is ${MAX_REGEX_TOTAL}.`,
    )
}

function show(r: TransportRule): Record<string, unknown> {
  return present(r, r.Name)
}

const rules = (ctx: Ctx) => ctx.snapshot.state.transportRules

const getRule: CmdletDef = {
  name: 'Get-TransportRule',
  write: false,
  scope: 'exchange',
  params: [
    P.identity(false),
    P.enum('State', 'Microsoft.Exchange.MessagingPolicies.Rules.RuleState', [
      'Enabled',
      'Disabled',
    ]),
    P.str('ResultSize'),
  ],
  run(ctx, p) {
    const size = resultSize(p.str('ResultSize'))
    return byPriority(selectByIdentity(rules(ctx), p.str('Identity')))
      .filter((r) => !p.has('State') || r.State === p.str('State'))
      .slice(0, size)
      .map(show)
  },
}

/** `-ResultSize` as Exchange takes it: a number or `Unlimited` (default 1000). */
export function resultSize(v: string | undefined): number {
  if (v === undefined) return 1000
  if (/^unlimited$/i.test(v.trim())) return Number.MAX_SAFE_INTEGER
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1)
    throw invalidValue(`'${v}' isn't a valid ResultSize. Specify a positive number or Unlimited.`)
  return n
}

const newRule: CmdletDef = {
  name: 'New-TransportRule',
  write: true,
  scope: 'exchange',
  params: [P.str('Name', { mandatory: true }), P.bool('Enabled'), ...COMMON_PARAMS],
  run(ctx, p) {
    const list = rules(ctx)
    if (list.length >= TRANSPORT_RULE.maxRules)
      throw limitReached(
        `The rule can't be created because the organization already has the maximum of ${TRANSPORT_RULE.maxRules} transport rules.`,
      )
    const priority = p.int('Priority')
    if (priority !== undefined && priority > list.length)
      throw aboveRange('Priority', priority, list.length)
    const rule = {
      Name: p.req('Name'),
      Guid: ctx.newGuid('transport-rule'),
      Priority: list.length,
      State: p.bool('Enabled') === false ? 'Disabled' : 'Enabled',
      Mode: 'Enforce',
      Comments: null,
      SenderIpRanges: [],
      FromScope: null,
      SenderDomainIs: [],
      SenderAddressLocation: 'Header',
      From: [],
      HeaderMatchesMessageHeader: null,
      HeaderMatchesPatterns: [],
      HeaderContainsMessageHeader: null,
      HeaderContainsWords: [],
      SentTo: [],
      SentToMemberOf: [],
      RecipientDomainIs: [],
      ExceptIfSenderIpRanges: [],
      ExceptIfSenderDomainIs: [],
      ExceptIfFrom: [],
      SetSCL: null,
      SetHeaderName: null,
      SetHeaderValue: null,
      StopRuleProcessing: false,
      Unmodelled: [],
    } satisfies TransportRule as TransportRule
    apply(rule, p)
    insertAt(list, rule, priority)
    validate(ctx, rule, list)
    return [show(rule)]
  },
}

const setRule: CmdletDef = {
  name: 'Set-TransportRule',
  write: true,
  scope: 'exchange',
  // No -Enabled: Set-TransportRule has none; Enable-/Disable-TransportRule switch a rule (§3.1).
  params: [P.identity(), P.str('Name'), ...COMMON_PARAMS],
  run(ctx, p) {
    const list = rules(ctx)
    const rule = findOne(list, p.req('Identity'))
    if (p.has('Name')) rule.Name = p.str('Name') ?? ''
    apply(rule, p)
    const priority = p.int('Priority')
    if (priority !== undefined) {
      if (priority > list.length - 1) throw aboveRange('Priority', priority, list.length - 1)
      moveTo(list, rule, priority)
    }
    validate(ctx, rule, list)
  },
}

const removeRule: CmdletDef = {
  name: 'Remove-TransportRule',
  write: true,
  scope: 'exchange',
  params: [P.identity()],
  run(ctx, p) {
    const list = rules(ctx)
    removeItem(list, findOne(list, p.req('Identity')))
  },
}

function switchState(name: string, state: 'Enabled' | 'Disabled'): CmdletDef {
  return {
    name,
    write: true,
    scope: 'exchange',
    params: [P.identity()],
    run(ctx, p) {
      findOne(rules(ctx), p.req('Identity')).State = state
    },
  }
}

/** The transport rule cmdlets. */
export const TRANSPORT_RULE_CMDLETS: CmdletDef[] = [
  getRule,
  newRule,
  setRule,
  removeRule,
  switchState('Enable-TransportRule', 'Enabled'),
  switchState('Disable-TransportRule', 'Disabled'),
]
