import { PassageError } from '../core/errors/index.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import { plan } from '../core/planner/plan.js'
import { parsePresetNames } from '../core/planner/presets.js'
import type { Choices, Plan } from '../core/planner/types.js'
import { ProtectionId } from '../core/protections/ids.js'
import { simulationOf } from './plan-options.js'
import { nothingToPlan } from './plan-verdict.js'
import { loadSnapshot } from './snapshot-file.js'
import { chooseVendor } from './vendor-choice.js'

/** What `passage plan` is asked for. */
export interface PlanRequest {
  vendor: string
  vendorFile?: string
  params: Record<string, string>
  snapshotPath: string
  protections?: string[]
  mode: string
  now: string
  /** Presets to take their covered recipients out of (`standard`, `strict`): an explicit choice. */
  presetExceptions?: string[]
}

/** Parses a comma-separated --protect list into protection ids (unknown ones are user errors). */
export function parseProtections(items: readonly string[]): ProtectionId[] {
  return items.map((raw) => {
    const r = ProtectionId.safeParse(raw.trim())
    if (!r.success)
      throw new PassageError('PASSAGE_E_PROTECTION_UNKNOWN', `Unknown protection '${raw}'.`, {
        hint: `Protections: ${ProtectionId.options.join(', ')}.`,
      })
    return r.data
  })
}

/** Loads the snapshot and vendor, then plans: the `plan` use case against a snapshot file. */
export function planFromSnapshot(req: PlanRequest): Plan {
  return planForSnapshot(loadSnapshot(req.snapshotPath), req)
}

/** Plans against a snapshot at hand (a fresh discovery of the connected tenant, or a file's). */
export function planForSnapshot(
  snapshot: TenantSnapshot,
  req: Omit<PlanRequest, 'snapshotPath'>,
): Plan {
  if (req.mode !== 'recommended' && req.mode !== 'recipe')
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `--mechanism takes recommended or recipe, got '${req.mode}'.`,
    )
  const vendor = chooseVendor(req.vendor, req.params, req.vendorFile)
  const choices: Choices = {
    mode: req.mode,
    ...(req.protections ? { protections: parseProtections(req.protections) } : {}),
    ...(req.presetExceptions?.length
      ? { presetExceptions: parsePresetNames(req.presetExceptions) }
      : {}),
  }
  const p = plan(vendor, choices, snapshot, { now: req.now })
  // "No changes" only when the vendor's mail already lands in the inbox; else say why not.
  if (!p.changes.length) {
    const refusal = nothingToPlan(p, simulationOf(snapshot, vendor, p, req.now))
    if (refusal) throw refusal
  }
  return p
}
