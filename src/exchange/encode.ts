/**
 * CmdletCall (src/core/cmdlet.ts) to the InvokeCommand body (reference §1.3): scalars as JSON
 * scalars, lists as arrays, switches as `true`, Add/Remove hashtables tagged
 * `#Exchange.GenericHashTable`, dates as UTC ISO-8601 text.
 */
import type { CmdletCall, CmdletValue } from '../core/cmdlet.js'
import { PassageError } from '../core/errors/index.js'

/** The JSON body of an InvokeCommand request. */
export interface InvokeBody {
  CmdletInput: { CmdletName: string; Parameters: Record<string, unknown> }
}

/** One parameter value as the admin API takes it. */
export function encodeValue(value: CmdletValue): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return [...value]
  switch (value.kind) {
    case 'switch':
      return true
    case 'hashtable':
      return {
        '@odata.type': '#Exchange.GenericHashTable',
        ...(value.Add?.length ? { Add: [...value.Add] } : {}),
        ...(value.Remove?.length ? { Remove: [...value.Remove] } : {}),
      }
    case 'date':
      return utcText(value.iso)
  }
}

/**
 * UTC `yyyy-MM-ddTHH:mm:ssZ`. CIPP sends `yyyy-MM-ddTHH:mm:ss` (§1.3); the `Z` keeps Exchange
 * from reading it in the server's time zone.
 */
export function utcText(iso: string): string {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) throw new PassageError('PASSAGE_E_INTERNAL', `'${iso}' is not a date.`)
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The InvokeCommand body of a call. */
export function invokeBody(call: CmdletCall): InvokeBody {
  if (!/^[A-Za-z]+-[A-Za-z0-9]+$/.test(call.cmdlet))
    throw new PassageError('PASSAGE_E_INTERNAL', `'${call.cmdlet}' is not a cmdlet name.`)
  const Parameters: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(call.params)) Parameters[k] = encodeValue(v)
  return { CmdletInput: { CmdletName: call.cmdlet, Parameters } }
}
