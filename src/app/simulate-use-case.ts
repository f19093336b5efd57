import { PassageError } from '../core/errors/index.js'
import { DetectionKind } from '../core/evaluator/message.js'
import { plan } from '../core/planner/plan.js'
import { parsePresetNames } from '../core/planner/presets.js'
import type { Choices } from '../core/planner/types.js'
import {
  afterChanges,
  simulate,
  typicalMessages,
  type DetectionInput,
  type Simulation,
  type TypicalMessage,
} from '../core/simulate/index.js'
import { readJson } from './files.js'
import { checkPlanFits, loadPlan } from './plan-file.js'
import { parseProtections } from './plan-use-case.js'
import { loadSnapshot } from './snapshot-file.js'
import { chooseVendor } from './vendor-choice.js'

/** What `passage simulate` is asked for. */
export interface SimulateRequest {
  vendor: string
  vendorFile?: string
  params: Record<string, string>
  snapshotPath: string
  /** A plan file to simulate; without it, the plan passage would make now (not saved). */
  planPath?: string
  /** Without a plan file: the protections and mode to plan with. */
  protections?: string[]
  mode: string
  /** Without a plan file: presets to take their covered recipients out of (an explicit choice). */
  presetExceptions?: string[]
  /** A test message file (one message or an array) instead of the vendor's typical messages. */
  messagePath?: string
  /** `kind` or `bulk:<bcl>`: what the filters find, instead of the category's default. */
  detections?: string[]
  recipients?: string[]
  now: string
}

/** The answer: where each message lands before and after the plan. */
export interface SimulateResult {
  vendor: { id: string; name: string }
  tenant: { id: string; name: string }
  plan: { hash: string; source: 'file' | 'planned'; changes: number; notices: string[] }
  simulation: Simulation
}

/** Parses `--detection` values: a detection kind, or `bulk:<0-9>`. */
export function parseDetections(items: readonly string[]): DetectionInput[] {
  return items.map((raw) => {
    const [kind = '', bcl] = raw.trim().split(':')
    const k = DetectionKind.safeParse(kind)
    if (!k.success)
      throw new PassageError('PASSAGE_E_INPUT', `Unknown detection '${raw}'.`, {
        hint: `Detections: ${DetectionKind.options.join(', ')}; bulk takes a level, e.g. bulk:7.`,
      })
    if (k.data !== 'bulk') {
      if (bcl !== undefined)
        throw new PassageError('PASSAGE_E_INPUT', `Only bulk takes a level, got '${raw}'.`)
      return k.data
    }
    const level = Number(bcl ?? '7')
    if (!Number.isInteger(level) || level < 0 || level > 9)
      throw new PassageError('PASSAGE_E_INPUT', `Bulk level must be 0 to 9, got '${raw}'.`)
    return { kind: 'bulk', bcl: level }
  })
}

function messagesFromFile(path: string): TypicalMessage[] {
  const data = readJson(path, 'PASSAGE_E_INPUT')
  const list = Array.isArray(data) ? data : [data]
  if (!list.length) throw new PassageError('PASSAGE_E_INPUT', `${path} holds no messages.`)
  return list.map((m, i) => ({
    label: list.length > 1 ? `${path} #${i + 1}` : path,
    source: String((m as { connectingIp?: unknown } | null)?.connectingIp ?? ''),
    message: m as TypicalMessage['message'],
  }))
}

/**
 * The `simulate` use case: the vendor's typical messages (or the given ones) evaluated against
 * the tenant snapshot as it is and as the plan would leave it. Reads files; changes nothing.
 */
export function simulateFromSnapshot(req: SimulateRequest): SimulateResult {
  const vendor = chooseVendor(req.vendor, req.params, req.vendorFile)
  const snapshot = loadSnapshot(req.snapshotPath)
  let chosen
  let source: 'file' | 'planned'
  if (req.planPath) {
    chosen = loadPlan(req.planPath)
    checkPlanFits(chosen, snapshot, vendor.id)
    source = 'file'
  } else {
    if (req.mode !== 'recommended' && req.mode !== 'recipe')
      throw new PassageError(
        'PASSAGE_E_INPUT',
        `--mechanism takes recommended or recipe, got '${req.mode}'.`,
      )
    const choices: Choices = {
      mode: req.mode,
      ...(req.protections ? { protections: parseProtections(req.protections) } : {}),
      ...(req.presetExceptions?.length
        ? { presetExceptions: parsePresetNames(req.presetExceptions) }
        : {}),
    }
    chosen = plan(vendor, choices, snapshot, { now: req.now })
    source = 'planned'
  }
  const detections = req.detections?.length ? parseDetections(req.detections) : undefined
  const messages = req.messagePath
    ? messagesFromFile(req.messagePath)
    : typicalMessages(vendor, snapshot, {
        ...(detections ? { detections } : {}),
        ...(req.recipients?.length ? { recipients: req.recipients } : {}),
      })
  if (!messages.length)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `${vendor.name} has no sending addresses to simulate from in ${snapshot.tenant.name}.`,
      {
        hint:
          vendor.category === 'gateway-mx'
            ? 'The tenant’s MX does not point at this gateway.'
            : 'Give its IPs as parameters, or a test message with --message.',
      },
    )
  const after = afterChanges(snapshot, chosen.changes)
  return {
    vendor: { id: vendor.id, name: vendor.name },
    tenant: { id: snapshot.tenant.id, name: snapshot.tenant.name },
    plan: {
      hash: chosen.hash,
      source,
      changes: chosen.changes.length,
      notices: chosen.notices,
    },
    simulation: simulate(snapshot, after, messages, req.now),
  }
}
