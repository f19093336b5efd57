import { PassageError } from '../core/errors/index.js'
import type { Plan } from '../core/planner/types.js'
import type { ResolvedVendor } from '../core/vendor/resolve.js'
import { chooseVendor } from './vendor-choice.js'

/**
 * The vendor a plan is for, resolved again from the catalog (or the given profile file) with the
 * plan's parameters: apply checks the plan's changes against what this vendor sends from.
 */
export function vendorOfPlan(plan: Plan, vendorFile?: string): ResolvedVendor {
  try {
    return chooseVendor(plan.vendor.id, plan.vendor.params, vendorFile)
  } catch (e) {
    if (!vendorFile && e instanceof PassageError && e.code === 'PASSAGE_E_VENDOR_UNKNOWN')
      throw new PassageError(
        'PASSAGE_E_VENDOR_UNKNOWN',
        `The plan is for ${plan.vendor.name} (${plan.vendor.id}), which is not in the catalog.`,
        { hint: 'Give the vendor profile the plan was made from with --vendor-file.' },
      )
    throw e
  }
}
