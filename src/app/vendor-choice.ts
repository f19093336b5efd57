import { getVendor, loadVendorFile } from '../catalog/index.js'
import { PassageError } from '../core/errors/index.js'
import { resolveVendor, type ResolvedVendor } from '../core/vendor/resolve.js'

/** Parses `key=value` pairs (from repeated --param flags) into a record. */
export function parseParams(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    if (at <= 0)
      throw new PassageError('PASSAGE_E_INPUT', `--param takes key=value, got '${pair}'.`)
    const key = pair.slice(0, at).trim()
    const value = pair.slice(at + 1).trim()
    out[key] = key in out ? `${out[key]},${value}` : value
  }
  return out
}

/**
 * The vendor to plan for: a catalog profile by id, or a custom one from a profile file, with its
 * parameters filled in.
 */
export function chooseVendor(
  id: string,
  params: Record<string, string>,
  file?: string,
): ResolvedVendor {
  const profile = file ? loadVendorFile(file) : getVendor(id)
  if (file && id !== 'custom' && id !== profile.id)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `--vendor-file describes '${profile.id}', not '${id}'.`,
      { hint: `Use 'custom' or '${profile.id}' as the vendor.` },
    )
  return resolveVendor(profile, params)
}
