import type { Change, SurfaceKind } from '../change.js'
import {
  buildRules,
  mechanismOf,
  mergeDrafts,
  type Draft,
  type PlanContext,
  type RulePart,
} from '../mechanisms/index.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { baselinesFor } from '../risk/baselines.js'
import { applyChange, surfaceOf } from '../surfaces/index.js'
import { whereOf, type Refusals } from './diagnostics.js'
import { limitsFor } from './limits.js'
import type { Picks } from './select.js'

/** The order surfaces are changed in: what others depend on first, mail flow rules last. */
const SURFACE_ORDER: SurfaceKind[] = [
  'quarantine-policy',
  'phish-sim-policy',
  'phish-sim-rule',
  'inbound-connector',
  'connection-filter',
  'anti-spam',
  'anti-phish',
  'safe-links',
  'safe-attachments',
  'tabl-item',
  'tabl-spoof',
  'transport-rule',
]

/**
 * The drafts of every picked mechanism, in the order they are applied: the mechanisms' own objects
 * by surface (merged where several update one object), then the mail flow rules their parts make.
 * Records each mechanism's refusal and goes on with the others.
 */
export function buildDrafts(ctx: PlanContext, picks: Picks, refusals: Refusals): Draft[] {
  const drafts: Draft[] = []
  const parts: RulePart[] = []
  for (const [id, protections] of picks) {
    const m = mechanismOf(id)
    if (m.kind === 'rule') parts.push(m.rule(ctx, protections))
    else
      drafts.push(
        ...(refusals.attempt(() => m.build(ctx, protections), whereOf(id, protections)) ?? []),
      )
  }
  const ordered = mergeDrafts(drafts).sort(
    (a, b) => SURFACE_ORDER.indexOf(a.surface) - SURFACE_ORDER.indexOf(b.surface),
  )
  const rules = buildRules(ctx, parts)
  for (const e of rules.refusals) refusals.add(e)
  return [...ordered, ...rules.drafts]
}

/**
 * Numbers the drafts into changes, each complete when made: its calls, the Microsoft limits it
 * touches (measured against the tenant as the changes before it leave it), its baseline checks
 * and what it depends on. Records each limit overrun and goes on.
 */
export function changesOf(
  drafts: readonly Draft[],
  snapshot: TenantSnapshot,
  refusals: Refusals,
): Change[] {
  const changes: Change[] = []
  let working = snapshot
  drafts.forEach((d, i) => {
    const id = `c${String(i + 1).padStart(2, '0')}`
    const { after_targets, ...rest } = d
    const dependsOn = (after_targets ?? [])
      .map((t) => changes.find((c) => `${c.surface}:${c.target}` === t)?.id)
      .filter((x): x is string => x !== undefined)
    const prev = changes.at(-1)
    // Rule creations shift priorities: each depends on the rule created before it.
    if (d.surface === 'transport-rule' && prev?.surface === 'transport-rule')
      dependsOn.push(prev.id)
    const def = mechanismOf(d.mechanism).def
    const risk = { level: def.risk, reason: def.riskReason }
    // What calls, limits and baselines are read from; the change itself is made once, complete.
    const basis: Change = { ...rest, id, calls: [], risk, limits: [], baselines: [], dependsOn }
    const calls = surfaceOf(d.surface).calls(basis)
    const limits =
      refusals.attempt(() => limitsFor(basis, working), whereOf(d.mechanism, d.protections)) ?? []
    const change: Change = {
      ...rest,
      id,
      calls,
      risk,
      limits,
      baselines: baselinesFor(basis),
      dependsOn,
    }
    changes.push(change)
    working = applyChange(working, change)
  })
  return changes
}
