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
