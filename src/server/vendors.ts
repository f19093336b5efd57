/** Vendor helpers shared by the routes: resolving a choice, and views of profiles. */
import { getVendor } from '../catalog/index.js'
import type { ResolvedVendor } from '../core/vendor/resolve.js'
import { chooseVendor } from '../app/vendor-choice.js'
import type { VendorProfile } from '../core/vendor/profile.js'
import type { VendorChoice } from './schemas.js'

/** Resolves a vendor choice (empty parameter values count as not given). */
export function resolveChoice(choice: VendorChoice): ResolvedVendor {
  const params: Record<string, string> = {}
  for (const [k, v] of Object.entries(choice.params)) if (v.trim() !== '') params[k] = v.trim()
  return chooseVendor(choice.id, params)
}

/** Human labels of vendor categories. */
export const CATEGORY_LABELS: Record<string, string> = {
  'phishing-simulation': 'Phishing simulation',
  'inbound-relay': 'Inbound relay',
  'gateway-mx': 'Email gateway (MX)',
  'internal-comms': 'Internal communications',
  marketing: 'Marketing',
  'api-only': 'API-only security',
}

/** What the wizard shows of a profile. */
export function vendorView(v: VendorProfile) {
  return {
    id: v.id,
    name: v.id === 'custom' ? 'Custom service' : v.name,
    category: v.id === 'custom' ? 'custom' : v.category,
    categoryLabel:
      v.id === 'custom' ? 'Not in the catalog' : (CATEGORY_LABELS[v.category] ?? v.category),
    summary: v.summary,
    asOf: v.asOf,
    params: v.params,
    asks: v.asks,
    symptoms: v.symptoms,
    notes: v.notes,
    recommended: v.recommended,
    recipe: v.recipe,
    sources: v.sources,
    sending: v.id === 'custom' ? null : v.sending,
  }
}

export { getVendor }
