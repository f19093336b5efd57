/**
 * Parameter specs and PowerShell-like binding: names match case-insensitively, unknown names and
 * missing mandatory parameters are refused, and each value is converted to its declared type with
 * PowerShell's error wording (errors.ts).
 */
import {
  aboveRange,
  belowRange,
  cannotConvert,
  emptyArgument,
  invalidArgument,
  missingMandatory,
  notBoolean,
  notInEnum,
  nullArgument,
  unknownParameter,
} from './errors.js'

/**
 * Parameter types: `mvp` is a MultiValuedProperty (a list that replaces, `null` that clears, or a
 * `{Add, Remove}` GenericHashTable that edits); `string[]` is a plain list.
 */
export type ParamType = 'string' | 'string[]' | 'mvp' | 'int' | 'bool' | 'switch' | 'date'

/** One parameter of a cmdlet. */
export interface ParamSpec {
  name: string
  type: ParamType
  mandatory?: boolean
  /** Allowed values (case-insensitive; bound to the canonical spelling), with the .NET type name. */
  values?: readonly string[]
  enumType?: string
  /** ValidateRange of an int parameter. */
  min?: number
  max?: number
  /** Exists only in tenants with Defender for Office 365. */
  mdoOnly?: boolean
}

/** Shorthands for building specs. */
export const P = {
  str: (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
    name,
    type: 'string',
    ...extra,
  }),
  strs: (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
    name,
    type: 'string[]',
    ...extra,
  }),
  mvp: (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
    name,
    type: 'mvp',
    ...extra,
  }),
  int: (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
    name,
    type: 'int',
    ...extra,
  }),
  bool: (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
    name,
    type: 'bool',
    ...extra,
  }),
  sw: (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
    name,
    type: 'switch',
    ...extra,
  }),
  date: (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
    name,
    type: 'date',
    ...extra,
  }),
  enum: (
    name: string,
    enumType: string,
    values: readonly string[],
    extra: Partial<ParamSpec> = {},
  ): ParamSpec => ({ name, type: 'string', enumType, values, ...extra }),
  identity: (mandatory = true): ParamSpec => ({ name: 'Identity', type: 'string', mandatory }),
}

/** A MultiValuedProperty value: a whole new list, or an Add/Remove edit. */
export type MvpValue =
  { kind: 'replace'; values: string[] } | { kind: 'edit'; add: string[]; remove: string[] }

/** PowerShell common parameters a REST client may send; accepted and ignored. */
const COMMON = ['ErrorAction', 'WarningAction', 'Verbose', 'Debug', 'Confirm']

/** Bound parameter values, by canonical name. */
export class BoundParams {
  constructor(private readonly values: Map<string, unknown>) {}

  has(name: string): boolean {
    return this.values.has(name)
  }
  /** Names given, canonical spelling. */
  names(): string[] {
    return [...this.values.keys()]
  }
  str(name: string): string | undefined {
    const v = this.values.get(name)
    return typeof v === 'string' ? v : undefined
  }
  /** A mandatory string (the binder has checked it is there). */
  req(name: string): string {
    return this.str(name) ?? ''
  }
  strs(name: string): string[] | undefined {
    const v = this.values.get(name)
    return Array.isArray(v) ? (v as string[]) : undefined
  }
  int(name: string): number | undefined {
    const v = this.values.get(name)
    return typeof v === 'number' ? v : undefined
  }
  bool(name: string): boolean | undefined {
    const v = this.values.get(name)
    return typeof v === 'boolean' ? v : undefined
  }
  /** True when a switch is present and not `false`. */
  sw(name: string): boolean {
    return this.values.get(name) === true
  }
  date(name: string): Date | undefined {
    const v = this.values.get(name)
    return v instanceof Date ? v : undefined
  }
  /** The MultiValuedProperty value; null when given as null (clear), undefined when absent. */
  mvp(name: string): MvpValue | null | undefined {
    return this.values.get(name) as MvpValue | null | undefined
  }
  /** True when the parameter was given as null (clears a string or list). */
  isNull(name: string): boolean {
    return this.values.has(name) && this.values.get(name) === null
  }
}

/** Binds raw JSON parameters to a cmdlet's specs, or throws the PowerShell binding error. */
export function bindParams(specs: readonly ParamSpec[], raw: Record<string, unknown>): BoundParams {
  const byName = new Map(specs.map((s) => [s.name.toLowerCase(), s]))
  const out = new Map<string, unknown>()
  for (const [given, value] of Object.entries(raw)) {
    if (value === undefined) continue
    const spec = byName.get(given.toLowerCase())
    if (!spec) {
      if (COMMON.some((c) => c.toLowerCase() === given.toLowerCase())) continue
      throw unknownParameter(given)
    }
    out.set(spec.name, convert(spec, value))
  }
  const missing = specs.filter((s) => s.mandatory && !out.has(s.name)).map((s) => s.name)
  if (missing.length) throw missingMandatory(missing)
  return new BoundParams(out)
}

function convert(spec: ParamSpec, value: unknown): unknown {
  const { name } = spec
  if (value === null) {
    if (spec.mandatory || ['int', 'bool', 'switch'].includes(spec.type)) throw nullArgument(name)
    return null
  }
  switch (spec.type) {
    case 'string': {
      if (typeof value === 'number' || typeof value === 'boolean') value = String(value)
      if (typeof value !== 'string')
        throw cannotConvert(name, value, 'System.String', 'Specified method is not supported.')
      if (spec.mandatory && value === '') throw emptyArgument(name)
      if (spec.values) {
        const hit = spec.values.find(
          (v) => v.toLowerCase() === (value as string).trim().toLowerCase(),
        )
        if (!hit) throw notInEnum(name, value, spec.enumType ?? 'System.String', spec.values)
        return hit
      }
      return value
    }
    case 'string[]': {
      const list = toList(name, value)
      if (spec.values)
        return list.map((item) => {
          const hit = spec.values?.find((v) => v.toLowerCase() === item.trim().toLowerCase())
          if (!hit) throw notInEnum(name, item, spec.enumType ?? 'System.String', spec.values ?? [])
          return hit
        })
      return list
    }
    case 'mvp':
      return toMvp(name, value)
    case 'int': {
      const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value
      if (typeof n !== 'number' || !Number.isInteger(n))
        throw cannotConvert(
          name,
          value,
          'System.Int32',
          'Input string was not in a correct format.',
        )
      if (spec.min !== undefined && n < spec.min) throw belowRange(name, n, spec.min)
      if (spec.max !== undefined && n > spec.max) throw aboveRange(name, n, spec.max)
      return n
    }
    case 'bool':
      if (typeof value === 'boolean') return value
      if (value === 0 || value === 1) return value === 1
      throw notBoolean(name, value)
    case 'switch':
      // Switches go as `true` on the wire; Monkey365 sends the string "true" (reference §1.3).
      if (typeof value === 'boolean') return value
      if (typeof value === 'string' && /^(true|false)$/i.test(value))
        return value.toLowerCase() === 'true'
      throw notBoolean(name, value)
    case 'date':
      return toDate(name, value)
  }
}

function toList(name: string, value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value]
  return items.map((v) => {
    if (typeof v === 'string') return v
    if (typeof v === 'number') return String(v)
    throw cannotConvert(name, v, 'System.String', 'Specified method is not supported.')
  })
}

function toMvp(name: string, value: unknown): MvpValue {
  if (Array.isArray(value) || typeof value === 'string' || typeof value === 'number')
    return { kind: 'replace', values: toList(name, value) }
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>
    let add: string[] = []
    let remove: string[] = []
    for (const [k, v] of Object.entries(o)) {
      if (k === '@odata.type') continue
      if (/^add$/i.test(k)) add = v === null ? [] : toList(name, v)
      else if (/^remove$/i.test(k)) remove = v === null ? [] : toList(name, v)
      // Exchange accepts only Add and Remove keys in a MultiValuedProperty hashtable.
      else
        throw invalidArgument(
          `The hashtable for parameter '${name}' has the key '${k}'; only 'Add' and 'Remove' are allowed.`,
        )
    }
    return { kind: 'edit', add, remove }
  }
  throw cannotConvert(
    name,
    value,
    'Microsoft.Exchange.Data.MultiValuedProperty',
    'Specified method is not supported.',
  )
}

function toDate(name: string, value: unknown): Date {
  if (typeof value === 'string') {
    let text = value.trim()
    // ISO text without a zone is taken as UTC (reference §1.3), never as the server's local time.
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += 'Z'
    const t = Date.parse(text)
    if (!Number.isNaN(t)) return new Date(t)
  }
  throw cannotConvert(
    name,
    value,
    'System.DateTime',
    'String was not recognized as a valid DateTime.',
  )
}

/** Applies a MultiValuedProperty value to a current list (Add de-duplicates, case-insensitive). */
export function applyMvp(current: readonly string[], v: MvpValue | null | undefined): string[] {
  if (v === null) return []
  if (v === undefined) return [...current]
  if (v.kind === 'replace') return dedupe(v.values)
  const removed = new Set(v.remove.map((s) => s.trim().toLowerCase()))
  const kept = current.filter((s) => !removed.has(s.trim().toLowerCase()))
  return dedupe([...kept, ...v.add.filter((s) => !removed.has(s.trim().toLowerCase()))])
}

/** The list without case-insensitive duplicates, first spelling kept. */
export function dedupe(list: readonly string[]): string[] {
  const seen = new Set<string>()
  return list.filter((s) => {
    const k = s.trim().toLowerCase()
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
