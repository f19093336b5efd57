import type { Change } from '../change.js'
import { hashtable, type CmdletValue } from '../cmdlet.js'

/**
 * The parameters of an update: scalar fields as they are set, list fields as Add/Remove hashtables
 * (so that entries other tools or admins added stay untouched).
 */
export function updateParams(
  change: Change,
  skip: readonly string[] = [],
): Record<string, CmdletValue> {
  const params: Record<string, CmdletValue> = {}
  for (const [field, value] of Object.entries(change.set ?? {})) {
    if (skip.includes(field)) continue
    params[field] = Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : (value as CmdletValue)
  }
  const fields = new Set([...Object.keys(change.add ?? {}), ...Object.keys(change.remove ?? {})])
  for (const field of fields)
    params[field] = hashtable(change.add?.[field] ?? [], change.remove?.[field] ?? [])
  return params
}
