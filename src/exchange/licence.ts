/**
 * Which Defender for Office 365 plan a tenant has, from Graph's subscribedSkus (reference §2.1):
 * MDO-capable when any SKU carries ATP_ENTERPRISE (Plan 1) or THREAT_INTELLIGENCE (Plan 2), or
 * their _GOV forms (CIPP's rule), counting only SKUs that are in force and plans that are
 * provisioned.
 */
import type { Licence } from '../core/model/licence.js'

/** The subscribedSku fields used here. */
export interface SubscribedSku {
  skuId?: string
  skuPartNumber?: string
  capabilityStatus?: string
  servicePlans?: { servicePlanId?: string; servicePlanName?: string; provisioningStatus?: string }[]
}

/** Service plan ids and names (reference §2.1 table). */
export const DEFENDER_PLANS = {
  p1: {
    ids: ['f20fedf3-f3c3-43c3-8267-2bfdd51c0939', '493ff600-6a2b-4db6-ad37-a7d4eb214516'],
    names: ['ATP_ENTERPRISE', 'ATP_ENTERPRISE_GOV'],
  },
  p2: {
    ids: ['8e0c0a52-6a6c-4d40-8370-dd62790dcd70', '900018f1-0cdb-4ecb-94d4-90281760fdc6'],
    names: ['THREAT_INTELLIGENCE', 'THREAT_INTELLIGENCE_GOV'],
  },
} as const

/** What the licence check found. */
export interface LicenceInfo {
  licence: Licence
  /** skuPartNumbers of the SKUs in force. */
  skus: string[]
  /** Which SKUs gave the Defender plan (empty for EOP only). */
  defenderFrom: string[]
}

/** SKU states in which its plans work (Suspended, Deleted, LockedOut do not). */
const IN_FORCE = new Set(['enabled', 'warning'])
/** Plan states that count; a plan being provisioned will shortly work. */
const PROVISIONED = new Set(['success', 'pendingprovisioning', 'pendingactivation'])

/** The tenant's licence level from its subscribedSkus. */
export function detectLicence(skus: SubscribedSku[]): LicenceInfo {
  let level: 0 | 1 | 2 = 0
  const inForce: string[] = []
  const from: string[] = []
  for (const sku of skus) {
    if (sku.capabilityStatus && !IN_FORCE.has(sku.capabilityStatus.toLowerCase())) continue
    const name = sku.skuPartNumber ?? sku.skuId ?? '(unnamed SKU)'
    inForce.push(name)
    let skuLevel: 0 | 1 | 2 = 0
    for (const plan of sku.servicePlans ?? []) {
      if (plan.provisioningStatus && !PROVISIONED.has(plan.provisioningStatus.toLowerCase()))
        continue
      const id = plan.servicePlanId?.toLowerCase() ?? ''
      const pname = plan.servicePlanName?.toUpperCase() ?? ''
      const is = (p: (typeof DEFENDER_PLANS)['p1' | 'p2']) =>
        (p.ids as readonly string[]).includes(id) || (p.names as readonly string[]).includes(pname)
      if (is(DEFENDER_PLANS.p2)) skuLevel = 2
      else if (is(DEFENDER_PLANS.p1) && skuLevel < 1) skuLevel = 1
    }
    if (skuLevel > 0) from.push(name)
    if (skuLevel > level) level = skuLevel
  }
  return {
    licence: level === 2 ? 'mdo-p2' : level === 1 ? 'mdo-p1' : 'eop',
    skus: inForce,
    defenderFrom: from,
  }
}
