/**
 * The serialization layer between the sandbox's internal objects (passage's model, which the
 * engine keeps) and what Exchange Online's admin API really returns for a Get-* cmdlet: the full
 * property set of the cmdlet's output object, `null` for empty multi-valued or unset properties,
 * `false` for unset booleans, the OData type annotations real responses carry, and nothing else.
 * Each cmdlet's property list lives in its own file beside this one, with its source.
 */
import { deterministicGuid } from '../../seed/guid.js'

/**
 * How Exchange types one property of an output object.
 * - `string`, `bool`, `int`: scalars (`int` carries `@data.type: System.Int32`);
 * - `text`: a nullable scalar (string or enum) that is null when unset;
 * - `list`: a multi-valued property, null when empty, `#Collection(String)` when set;
 * - `guid`, `datetime`: strings with their `@data.type` / `@odata.type` annotations.
 */
export type PropType = 'string' | 'bool' | 'int' | 'text' | 'list' | 'guid' | 'datetime'

/** A cmdlet's output object: property name to its type, in Exchange's order. */
export type PropSet = Readonly<Record<string, PropType>>

/** Where a serialized object lives: the tenant's names, the clock. */
export interface ShapeContext {
  /** The tenant's *.onmicrosoft.com name. */
  tenantName: string
  tenantId: string
  now: Date
}

/** Options of serialize. */
export interface SerializeOptions {
  /**
   * Whether a null multi-valued property still carries its `#Collection(String)` annotation (the
   * Defender policy cmdlets do; Get-TransportRule annotates only set ones).
   */
  annotateNullLists?: boolean
  /** Values computed for this object (Identity, DistinguishedName, ...); they win over the model. */
  computed?: Record<string, unknown>
}

/** One property of a set with the names of its annotations, worked out once per set. */
interface Prop {
  name: string
  type: PropType
  odataType: string
  dataType: string
  /** `"Name":`, `"Name@odata.type":`, `"Name@data.type":` as JSON text (serializeJson). */
  nameKey: string
  odataKey: string
  dataKey: string
}
const PLANS = new WeakMap<PropSet, readonly Prop[]>()
/** A property set's properties in order (each read serializes many objects with one set). */
function propsOf(props: PropSet): readonly Prop[] {
  let plan = PLANS.get(props)
  if (!plan)
    PLANS.set(
      props,
      (plan = Object.entries(props).map(([name, type]) => ({
        name,
        type,
        odataType: `${name}@odata.type`,
        dataType: `${name}@data.type`,
        nameKey: `${JSON.stringify(name)}:`,
        odataKey: `${JSON.stringify(`${name}@odata.type`)}:`,
        dataKey: `${JSON.stringify(`${name}@data.type`)}:`,
      }))),
    )
  return plan
}

const isEmpty = (v: unknown) =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0) || v === ''

/**
 * One internal object in the real property set: every property of `props`, in order, from the
 * model when it has a value and from the type's empty value otherwise. Properties the model has
 * and Exchange does not (passage's derived fields) are dropped.
 */
export function serialize(
  source: Record<string, unknown>,
  props: PropSet,
  opts: SerializeOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  // The computed values win over the model's: one spread per object rather than a look-up in
  // them per property (a read of 250 mail flow rules serializes some 50,000 properties).
  const from = opts.computed ? { ...source, ...opts.computed } : source
  const plan = propsOf(props)
  for (let i = 0; i < plan.length; i++) {
    const { name, type, odataType, dataType } = plan[i]!
    const raw = from[name]
    switch (type) {
      case 'bool':
        out[name] = raw === true
        break
      case 'list': {
        const v = isEmpty(raw) ? null : Array.isArray(raw) ? raw : [raw]
        if (v !== null || opts.annotateNullLists) out[odataType] = '#Collection(String)'
        out[name] = v
        break
      }
      case 'int':
        out[dataType] = 'System.Int32'
        out[name] = typeof raw === 'number' ? raw : null
        break
      case 'guid':
        out[dataType] = 'System.Guid'
        out[odataType] = '#Guid'
        out[name] = typeof raw === 'string' ? raw : null
        break
      case 'datetime':
        out[dataType] = 'System.DateTime'
        out[name] = typeof raw === 'string' ? raw : null
        break
      case 'string':
      case 'text':
        out[name] = isEmpty(raw) ? (type === 'string' ? '' : null) : raw
        break
    }
  }
  return out
}

/**
 * `JSON.stringify(serialize(source, props, opts))`, byte for byte, without building the object:
 * the JSON text written property by property (ms-rule: shape.get-transportrule and the other
 * shape.* rows are unchanged; only how the sandbox spends its time is). A read of 250 mail flow
 * rules built 250 objects of some 210 properties each only for Fastify to turn them into text;
 * the sandbox's time is inside the latency a client sees, so the emulator writes the text at
 * once, and only the properties an object has from their values (the rest are the empty texts
 * of their set, made once). http/json-answers.test.ts checks this against JSON.stringify of
 * serialize for every shaped cmdlet and for odd values.
 *
 * `layers` stand for `{ ...layers[0], ...layers[1], ... }` (later ones win), merged as the
 * callers' spreads and serialize's `{ ...source, ...opts.computed }` merged them.
 */
export function serializeJson(
  layers: readonly Record<string, unknown>[],
  props: PropSet,
  opts: Omit<SerializeOptions, 'computed'> = {},
): string {
  const plan = propsOf(props)
  const t = textPlanOf(props, plan, opts.annotateNullLists === true)
  // One merged object (a few dozen properties) rather than a look-up in each layer per property.
  // (Spreads, as the callers' were: a layer's own `__proto__` key stays a plain property.)
  let from: Record<string, unknown> = layers[0] ?? {}
  for (let i = 1; i < layers.length; i++) from = { ...from, ...layers[i] }
  // Only the properties the object has are written from their values; the runs of the others
  // (most of Get-TransportRule's two hundred) are their empty texts, worked out once per set.
  const written = new Map<number, string>()
  const keys = Object.keys(from)
  for (let k = 0; k < keys.length; k++) {
    const i = t.index.get(keys[k]!)
    if (i === undefined) continue
    const text = propText(plan[i]!, from[keys[k]!], t.annotate)
    if (text !== t.empty[i]) written.set(i, text)
  }
  // Names a plain object inherits (none in the recorded sets) are read as serialize reads them.
  for (const i of t.inherited) {
    const text = propText(plan[i]!, from[plan[i]!.name], t.annotate)
    if (text !== t.empty[i]) written.set(i, text)
  }
  const at = [...written.keys()].sort((a, b) => a - b)
  let out = ''
  let next = 0
  for (const i of at) {
    out += t.emptyRun(next, i) + written.get(i)!
    next = i + 1
  }
  out += t.emptyRun(next, plan.length)
  return out === '' ? '{}' : `{${out.slice(1)}}`
}

/** What serializeJson works out once per property set (and annotateNullLists). */
interface TextPlan {
  annotate: boolean
  /** Property name to its position. */
  index: Map<string, number>
  /** Each property's text when the object has no value for it. */
  empty: string[]
  /** The empty texts of the properties from..to-1, one after another. */
  emptyRun(from: number, to: number): string
  /** Positions of names every plain object inherits (constructor, toString, ...). */
  inherited: number[]
}
const TEXT_PLANS = new WeakMap<PropSet, [TextPlan | undefined, TextPlan | undefined]>()

function textPlanOf(props: PropSet, plan: readonly Prop[], annotate: boolean): TextPlan {
  let pair = TEXT_PLANS.get(props)
  if (!pair) TEXT_PLANS.set(props, (pair = [undefined, undefined]))
  const known = pair[annotate ? 1 : 0]
  if (known) return known
  const empty = plan.map((p) => propText(p, undefined, annotate))
  const all = empty.join('')
  const start: number[] = [0]
  for (const e of empty) start.push(start[start.length - 1]! + e.length)
  const made: TextPlan = {
    annotate,
    index: new Map(plan.map((p, i) => [p.name, i])),
    empty,
    emptyRun: (from, to) => (from >= to ? '' : all.slice(start[from], start[to])),
    inherited: plan.flatMap((p, i) => (p.name in Object.prototype ? [i] : [])),
  }
  pair[annotate ? 1 : 0] = made
  return made
}

/** `,"Name":value` (with its annotations) as serialize gives one property and JSON.stringify writes it. */
function propText(p: Prop, raw: unknown, annotateNullLists: boolean): string {
  switch (p.type) {
    case 'bool':
      return `,${p.nameKey}${raw === true ? 'true' : 'false'}`
    case 'list': {
      const v = isEmpty(raw) ? null : Array.isArray(raw) ? raw : [raw]
      return (
        (v !== null || annotateNullLists ? `,${p.odataKey}"#Collection(String)"` : '') +
        member(p.nameKey, v)
      )
    }
    case 'int':
      return `,${p.dataKey}"System.Int32"${member(p.nameKey, typeof raw === 'number' ? raw : null)}`
    case 'guid':
      return `,${p.dataKey}"System.Guid",${p.odataKey}"#Guid"${member(p.nameKey, typeof raw === 'string' ? raw : null)}`
    case 'datetime':
      return `,${p.dataKey}"System.DateTime"${member(p.nameKey, typeof raw === 'string' ? raw : null)}`
    case 'string':
    case 'text':
      return member(p.nameKey, isEmpty(raw) ? (p.type === 'string' ? '' : null) : raw)
  }
}

/**
 * `,"Name":value` as JSON.stringify writes a property, or nothing for a value it leaves out
 * (undefined, a function, a symbol).
 */
function member(key: string, v: unknown): string {
  if (v === null) return `,${key}null`
  const text = typeof v === 'boolean' ? String(v) : (JSON.stringify(v) as string | undefined)
  return text === undefined ? '' : `,${key}${text}`
}

/** The directory object properties every Get-*Policy output carries (ADObject). */
export const AD_OBJECT: PropSet = {
  Identity: 'string',
  Id: 'string',
  Name: 'string',
  DistinguishedName: 'string',
  Guid: 'guid',
  ExchangeObjectId: 'guid',
  ExchangeVersion: 'string',
  IsValid: 'bool',
  ObjectCategory: 'string',
  ObjectClass: 'list',
  OrganizationId: 'string',
  OrganizationalUnitRoot: 'string',
  OriginatingServer: 'string',
  WhenChanged: 'datetime',
  WhenChangedUTC: 'datetime',
  WhenCreated: 'datetime',
  WhenCreatedUTC: 'datetime',
}

/** Values of the AD_OBJECT properties for one object of a kind (its container and class). */
export function adObject(
  ctx: ShapeContext,
  name: string,
  kind: { container: string; objectClass: string; guid?: string | null },
): Record<string, unknown> {
  const guid = kind.guid ?? deterministicGuid(ctx.tenantId, kind.objectClass, name.toLowerCase())
  const ou = `OU=${ctx.tenantName},OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=PROD,DC=OUTLOOK,DC=COM`
  const when = ctx.now.toISOString()
  return {
    Identity: name,
    Id: name,
    Name: name,
    DistinguishedName: `CN=${name},CN=${kind.container},CN=Transport Settings,CN=Configuration,${ou}`,
    Guid: guid,
    ExchangeObjectId: guid,
    ExchangeVersion: '0.20 (15.0.0.0)',
    IsValid: true,
    ObjectCategory: `EURPR01A001.PROD.OUTLOOK.COM/Configuration/Schema/${kind.objectClass}`,
    ObjectClass: ['top', kind.objectClass],
    OrganizationId: `EURPR01A001.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/${ctx.tenantName} - EURPR01A001.PROD.OUTLOOK.COM/ConfigurationUnits/${ctx.tenantName}/Configuration`,
    OrganizationalUnitRoot: ctx.tenantName,
    OriginatingServer: 'AM0PR01A001DC01.EURPR01A001.PROD.OUTLOOK.COM',
    WhenChanged: when,
    WhenChangedUTC: when,
    WhenCreated: when,
    WhenCreatedUTC: when,
  }
}
