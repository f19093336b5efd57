/** Vendor helpers shared by the routes: resolving a choice, and views of profiles (views.ts). */
import { getVendor } from '../catalog/index.js'
import type { ResolvedVendor } from '../core/vendor/resolve.js'
import { chooseVendor } from '../app/vendor-choice.js'
import type { VendorChoice } from './schemas.js'

/** Resolves a vendor choice (empty parameter values count as not given). */
export function resolveChoice(choice: VendorChoice): ResolvedVendor {
  const params: Record<string, string> = {}
  for (const [k, v] of Object.entries(choice.params)) if (v.trim() !== '') params[k] = v.trim()
  return chooseVendor(choice.id, params)
}

/** A recorded run's vendor in words: a catalog id's name, a custom service's own name. */
export function vendorNameOf(id: string | null): string | null {
  if (id === null) return null
  if (id.startsWith('custom:')) return id.slice('custom:'.length)
  try {
    return getVendor(id).name
  } catch {
    return id
  }
}

export { CATEGORY_LABELS, vendorView } from './views.js'
export { getVendor }
