import type { JsonObject } from '../change.js'
import { TransportRule } from '../model/transport-rule.js'
import { RULE_PARAMS } from './rule-params.js'

/** Exchange's Enabled/Disabled, whatever shape it came in (text or boolean). */
export function ruleState(v: unknown): 'Enabled' | 'Disabled' {
  return v === 'Disabled' || v === false ? 'Disabled' : 'Enabled'
}

/** Small normalisations of a rule as real Exchange returns it, before the model reads it. */
export function normaliseRule(o: JsonObject): JsonObject {
  return normaliseInPlace({ ...o })
}

/** normaliseRule's normalisations, made on `out` itself (a copy of the caller's own). */
function normaliseInPlace(out: JsonObject): JsonObject {
  if ('State' in out) out.State = ruleState(out.State)
  if (typeof out.Priority === 'string') out.Priority = Number(out.Priority)
  if (typeof out.SetSCL === 'string') out.SetSCL = Number(out.SetSCL)
  return out
}

/** Properties of a Get-TransportRule object passage's model keeps (conditions, exceptions, actions). */
const MODELLED_RULE_PROPS = new Set(RULE_PARAMS.map((n) => n.toLowerCase()))

/**
 * What of a Get-TransportRule object the state keeps: the model's properties (TransportRule's;
 * its schema leaves out every other one), and Identity, which names an object the read could
 * not understand (read-state.ts's keepWhatIsUnderstood) when it has no Name.
 */
const KEPT_RULE_PROPS = new Set([...Object.keys(TransportRule.shape), 'Identity'])

/**
 * Properties of a Get-TransportRule object that describe the rule rather than what it matches or
 * does (identity, bookkeeping, options with a value on every rule), so they never make it
 * "unmodelled". ActivationDate/ExpiryDate are not here: a dated rule may not be in force.
 */
const RULE_METADATA = new Set(
  [
    'Name',
    'Identity',
    'Guid',
    'ImmutableId',
    'DistinguishedName',
    'OrganizationId',
    'Priority',
    'State',
    'Mode',
    'Comments',
    'Description',
    'CreatedBy',
    'LastModifiedBy',
    'ManuallyModified',
    'WhenChanged',
    'IsValid',
    'IsRuleConfigurationSupported',
    'RuleConfigurationUnsupportedReason',
    'RuleErrorAction',
    'RuleSubType',
    'RuleVersion',
    'DlpPolicy',
    'DlpPolicyId',
    'Size',
    'RegexSize',
    'UseLegacyRegex',
    'RecipientAddressType',
    'Conditions',
    'Actions',
    'Exceptions',
    'Unmodelled',
    'NotUnderstood',
  ].map((n) => n.toLowerCase()),
)

/**
 * Rule classes (Conditions/Actions/Exceptions entries, namespace and Predicate/Action suffix
 * stripped) named unlike the parameter they come from, to the parameter(s).
 */
const CLASS_ALIASES: Record<string, string[]> = {
  headermatches: ['HeaderMatchesMessageHeader'],
  headercontains: ['HeaderContainsMessageHeader'],
  setscl: ['SetSCL'],
  setheader: ['SetHeaderName'],
  rightsprotectmessage: ['ApplyRightsProtectionTemplate'],
  redirectmessage: ['RedirectMessageTo'],
  rejectmessage: ['RejectMessageReasonText', 'RejectMessageEnhancedStatusCode'],
  smtprejectmessage: ['SmtpRejectMessageRejectText', 'SmtpRejectMessageRejectStatusCode'],
  applyhtmldisclaimer: ['ApplyHtmlDisclaimerText'],
  generateincidentreport: ['GenerateIncidentReport'],
}

/**
 * Get-TransportRule properties named unlike the New-TransportRule parameter behind them; the
 * unmodelled part is reported under the parameter's name (NotifySender may reject the message).
 */
const PARAMETER_OF: Record<string, string> = { sendernotificationtype: 'NotifySender' }

const isSetValue = (v: unknown) =>
  v !== undefined &&
  v !== null &&
  v !== false &&
  v !== '' &&
  !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)

/** `Microsoft.Exchange...Tasks.FromScopePredicate` -> `FromScope`. */
function className(entry: string): string {
  const last = entry.split('.').pop() ?? entry
  return last.replace(/(Predicate|Action)$/, '')
}

/**
 * Memo of a pure function of a string: a rule's property and class names repeat on every rule
 * of every read, so each is worked out once per process (bounded, for names a tenant makes up).
 */
function memo<T>(f: (s: string) => T): (s: string) => T {
  const seen = new Map<string, T>()
  return (s) => {
    let v = seen.get(s)
    if (v === undefined) {
      v = f(s)
      if (seen.size < 5000) seen.set(s, v)
    }
    return v
  }
}

const lower = memo((s) => s.toLowerCase())

/**
 * A rule property's place, worked out once per name: its lower-case form, and whether it is
 * bookkeeping, modelled, or the name its unmodelled part is reported by.
 */
interface PropertyKind {
  lower: string
  /** An annotation (`X@odata.type`): never counted. */
  annotation: boolean
  meta: boolean
  /** The name reported as unmodelled (null: modelled, or bookkeeping). */
  unmodelled: string | null
  /** Kept by transportRuleRead (KEPT_RULE_PROPS). */
  kept: boolean
}
const propertyKind = memo((k): PropertyKind => {
  const lk = k.toLowerCase()
  const annotation = k.includes('@')
  const kept = KEPT_RULE_PROPS.has(k)
  if (RULE_METADATA.has(lk)) return { lower: lk, annotation, meta: true, unmodelled: null, kept }
  return {
    lower: lk,
    annotation,
    meta: false,
    unmodelled: MODELLED_RULE_PROPS.has(lk) ? null : (PARAMETER_OF[lk] ?? k),
    kept,
  }
})

/**
 * A Conditions/Actions/Exceptions entry's class, and with each list's prefix the parameter names
 * (lower case) behind it, and whether one of them is modelled (then it is always accounted for).
 */
interface RuleClass {
  short: string
  /** Per prefix ('' for Conditions/Actions, 'ExceptIf' for Exceptions). */
  names: Record<string, { lowers: string[]; modelled: boolean }>
}
const classOf = memo((e): RuleClass => {
  const short = className(e)
  const bare = CLASS_ALIASES[short.toLowerCase()] ?? [short]
  const names: RuleClass['names'] = {}
  for (const prefix of ['', 'ExceptIf']) {
    const lowers = bare.map((name) => `${prefix}${name}`.toLowerCase())
    names[prefix] = { lowers, modelled: lowers.some((n) => MODELLED_RULE_PROPS.has(n)) }
  }
  return { short, names }
})

/** The lists of classes a rule names, and the prefix of the parameters behind each's entries. */
const CLASS_LISTS: readonly (readonly [string, string])[] = [
  ['Conditions', ''],
  ['Actions', ''],
  ['Exceptions', 'ExceptIf'],
]

/** Adds `n` to `out` unless a name equal but for case is there already. */
function addOnce(out: string[], seen: Set<string>, n: string): void {
  const ln = lower(n)
  if (!seen.has(ln)) {
    seen.add(ln)
    out.push(n)
  }
}

/**
 * The conditions, exceptions and actions of a rule as Exchange returns it that passage's model
 * does not keep (ms-rule: read.rule-unmodelled): every set property outside the model and its
 * bookkeeping (non-null, non-false, non-empty), then each Conditions/Actions/Exceptions entry not
 * accounted for by a property already seen. Annotations (`X@odata.type`) are ignored.
 * Per rule one walk over its keys with what each name means worked out once per process
 * (propertyKind, classOf): a tenant's rules repeat the same few hundred names.
 */
export function unmodelledOf(o: JsonObject): string[] {
  return walkRule(o, null)
}

/**
 * unmodelledOf's walk; with `kept`, it also copies there the properties transportRuleRead keeps
 * (KEPT_RULE_PROPS, less empty ones: null or ''), in the same walk over the rule's keys.
 */
function walkRule(o: JsonObject, kept: JsonObject | null): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  if (Array.isArray(o.Unmodelled))
    for (const n of o.Unmodelled) if (typeof n === 'string') addOnce(out, seen, n)
  const presentLower: string[] = []
  const keys = Object.keys(o)
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!
    const v = o[k]
    // Most of a rule's properties as Exchange returns it are null: nothing to keep or count.
    if (v === null) continue
    const kind = propertyKind(k)
    if (kept !== null && kind.kept && v !== '') kept[k] = v as JsonObject[string]
    if (kind.annotation || !isSetValue(v)) continue
    if (kind.meta) continue
    presentLower.push(kind.lower)
    if (kind.unmodelled !== null) addOnce(out, seen, kind.unmodelled)
  }
  for (const [list, prefix] of CLASS_LISTS) {
    const v = o[list]
    const entries = Array.isArray(v) ? v : typeof v === 'string' && v ? v.split(/[,;]\s*/) : []
    for (const e of entries) {
      if (typeof e !== 'string' || !e) continue
      const cls = classOf(e)
      // Accounted for when a set property (or a modelled one) is this class's parameter or
      // starts with its name (RejectMessage -> RejectMessageReasonText).
      const { lowers, modelled } = cls.names[prefix]!
      if (!modelled && !startsAny(presentLower, lowers)) addOnce(out, seen, `${prefix}${cls.short}`)
    }
  }
  return out
}

/** True when one of `present` starts with one of `prefixes`. */
function startsAny(present: readonly string[], prefixes: readonly string[]): boolean {
  for (const n of prefixes) for (const p of present) if (p.startsWith(n)) return true
  return false
}

/**
 * The order Unmodelled lists are kept in: `a.toLowerCase().localeCompare(b.toLowerCase())`, with
 * the collator localeCompare uses (the default locale's) made once rather than per comparison.
 */
const collator = new Intl.Collator()
const byLowerName = (a: string, b: string) => collator.compare(lower(a), lower(b))

/**
 * A Get-TransportRule object (as Exchange returned it, annotations and empty properties in place:
 * the surface reads it raw, see SurfaceRead.raw; or passage's own snapshot format) mapped to
 * passage's model in one walk over its keys: the model's properties less annotations and empty
 * (null or '') ones (ms-rule: read.empty-properties), with normaliseRule's normalisations, and
 * the derived `Unmodelled` list, worked out from every property (unmodelledOf). A rule as
 * Exchange returns it has some two hundred properties, most of them empty: copying them all, as
 * a generic walk and normaliseRule would, only for the model's schema to drop them, is not done.
 */
export function transportRuleRead(o: JsonObject): JsonObject {
  const out: JsonObject = {}
  const unmodelled = walkRule(o, out)
  normaliseInPlace(out)
  // Sorted, so that the same rule reads the same whatever order Exchange lists its properties in.
  out.Unmodelled = unmodelled.sort(byLowerName)
  return out
}
