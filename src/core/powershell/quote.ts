import type { CmdletValue } from '../cmdlet.js'

/** A PowerShell single-quoted string: nothing inside is expanded; single quotes are doubled. */
export function psString(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`
}

/** A PowerShell array literal of strings. */
export function psArray(items: readonly string[]): string {
  return `@(${items.map(psString).join(',')})`
}

/**
 * The PowerShell text of one parameter, or null for a switch that is off. Switches render as
 * `-Name`, booleans as `-Name $true`, arrays as `@('a','b')`, hashtables as `@{Add=...; Remove=...}`.
 */
export function psParam(name: string, value: CmdletValue): string | null {
  if (value === null) return `-${name} $null`
  if (typeof value === 'boolean') return `-${name} ${value ? '$true' : '$false'}`
  if (typeof value === 'number')
    return `-${name} ${Number.isFinite(value) ? String(value) : '$null'}`
  if (typeof value === 'string') return `-${name} ${psString(value)}`
  if (Array.isArray(value)) return `-${name} ${psArray(value)}`
  switch (value.kind) {
    case 'switch':
      return `-${name}`
    case 'date':
      return `-${name} ${psString(value.iso)}`
    case 'hashtable': {
      const parts: string[] = []
      if (value.Add?.length) parts.push(`Add=${psArray(value.Add)}`)
      if (value.Remove?.length) parts.push(`Remove=${psArray(value.Remove)}`)
      return `-${name} @{${parts.join('; ')}}`
    }
  }
}
