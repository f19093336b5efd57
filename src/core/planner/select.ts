import { PassageError, type ErrorCode } from '../errors/index.js'
import {
  availability,
  availabilityFor,
  mechanismOf,
  presetPartial,
  unchangedWords,
  type PlanContext,
} from '../mechanisms/index.js'
import type { Choices, Plan, PlannedProtection } from '../plan-format.js'
import { PROTECTIONS, type ProtectionDef } from '../protections/definitions.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import type { Refusals } from './diagnostics.js'

/** A mechanism as people read it: its title, never its id (plain words, issue 14). */
function named(m: MechanismId): string {
  return mechanismOf(m).def.title
}

/** The protections the plan covers, those it skips, and what to tell the admin about the choice. */
export interface Selection {
  planned: PlannedProtection[]
  skipped: Plan['skipped']
  notices: string[]
}

/** Which mechanisms were picked for which protections, in the order of the protections. */
export type Picks = Map<MechanismId, ProtectionId[]>

/** The protections wanted: the ones asked for, else the vendor's recommended ones (and recipe's). */
function wantedOf(ctx: PlanContext, choices: Choices): Set<ProtectionId> {
  // The recipe covers what the vendor recommends plus whatever else its own guide changes.
  const defaults =
    choices.mode === 'recipe'
      ? [
          ...ctx.vendor.profile.recommended,
          ...(Object.keys(ctx.vendor.profile.recipe) as ProtectionId[]),
        ]
      : [...ctx.vendor.profile.recommended]
  // ms-rule: plan.relay.quarantine-verdicts
  // For in-and-out routing Microsoft's first advice is to quarantine every negative verdict: the
  // recommended plan offers it (skipped, with the reason, where a preset or the licence stops it).
  // The vendor's recipe stays the vendor's.
  if (choices.mode === 'recommended' && ctx.vendor.category === 'inbound-relay')
    defaults.push('quarantine')
  return new Set<ProtectionId>(choices.protections ?? defaults)
}

/** The refusal of a protection asked for explicitly that no mechanism can serve. */
function impossible(
  ctx: PlanContext,
  def: ProtectionDef,
  passedOver: PlannedProtection['passedOver'],
  refusal: { code: ErrorCode; reason: string } | undefined,
): PassageError {
  const details = { protection: def.id, passedOver }
  if (refusal) {
    // Say why the safer mechanisms do not work either, not only why the last one is refused.
    const others = passedOver.filter((p) => p.reason !== refusal.reason)
    const why = others.length
      ? ` (${others.map((p) => `${named(p.mechanism)}: ${p.reason}`).join('; ')})`
      : ''
    return new PassageError(
      refusal.code,
      `${def.title}: ${refusal.reason.replace(/\.$/, '')}${why}.`,
      { details },
    )
  }
  const reasons = passedOver.map((p) => `${named(p.mechanism)}: ${p.reason}`).join('; ')
  return new PassageError(
    'PASSAGE_E_MECHANISM_UNAVAILABLE',
    `No way to adjust ${def.title.toLowerCase()} for ${ctx.vendor.name} in this tenant (${reasons}).`,
    { details },
  )
}

/** Chooses one protection's mechanism into `out`, or skips it, or records why it is refused. */
function selectOne(
  ctx: PlanContext,
  choices: Choices,
  def: ProtectionDef,
  out: Selection,
  refusals: Refusals,
): void {
  const explicit = choices.protections !== undefined
  const recipe = ctx.vendor.profile.recipe
  const forced = choices.mechanisms?.[def.id]
  if (forced && !def.mechanisms.includes(forced)) {
    refusals.add(
      new PassageError(
        'PASSAGE_E_INPUT',
        `'${forced}' is not a mechanism of ${def.id}; it takes ${def.mechanisms.join(', ')}.`,
      ),
      { protection: def.id, mechanism: forced },
    )
    return
  }
  const fromRecipe = choices.mode === 'recipe' ? recipe[def.id] : undefined
  const candidates: MechanismId[] = forced
    ? [forced]
    : fromRecipe
      ? [fromRecipe, ...def.mechanisms.filter((m) => m !== fromRecipe)]
      : def.mechanisms
  const passedOver: PlannedProtection['passedOver'] = []
  const refused: { code: ErrorCode; reason: string; mechanism: MechanismId }[] = []
  // By default passage never picks a high-risk mechanism on its own: the admin asks for it.
  const cautious = choices.mode === 'recommended' && !explicit && !forced
  let chosen: MechanismId | null = null
  // The high-risk mechanism that would work here: offered as an opt-in, never picked unasked.
  let optIn: MechanismId | undefined
  for (const m of candidates) {
    const a = availabilityFor(def.id, m, ctx)
    const risk = mechanismOf(m).def.risk
    if (a.ok && cautious && (risk === 'high' || risk === 'critical')) {
      optIn ??= m
      // Neutral words: each front end says how to ask (the CLI's --protect, the wizard's toggle).
      passedOver.push({
        mechanism: m,
        reason: `${risk} risk: planned only when you ask for it`,
      })
      continue
    }
    if (a.ok) {
      chosen = m
      break
    }
    if (a.refusal) refused.push({ code: a.refusal, reason: a.reason, mechanism: m })
    passedOver.push({ mechanism: m, reason: a.reason })
  }
  if (!chosen) {
    if (explicit || forced) {
      const first = refused[0]
      refusals.add(impossible(ctx, def, passedOver, first), {
        protection: def.id,
        ...(first ? { mechanism: first.mechanism } : {}),
      })
    } else
      out.skipped.push({
        protection: def.id,
        reason: passedOver.map((p) => `${named(p.mechanism)}: ${p.reason}`).join('; '),
        ...(optIn ? { optIn } : {}),
      })
    return
  }
  if (fromRecipe && chosen !== fromRecipe)
    out.notices.push(
      `${ctx.vendor.name}'s recipe uses ${named(fromRecipe)} for ${def.title.toLowerCase()}, which is not possible here (${passedOver[0]?.reason ?? ''}); using ${named(chosen)}.`,
    )
  out.planned.push({
    protection: def.id,
    mechanism: chosen,
    risk: mechanismOf(chosen).def.risk,
    why: forced
      ? 'chosen explicitly'
      : chosen === fromRecipe
        ? `${ctx.vendor.name}'s own recipe`
        : 'the least risky mechanism that works for this tenant',
    passedOver: fromRecipe ? [] : passedOver,
    ...(recipe[def.id] && recipe[def.id] !== chosen ? { vendorRecipe: recipe[def.id] } : {}),
    ...unchanged(ctx, chosen),
  })
}

/** Who a chosen policy-level mechanism misses because a preset covers them (ms-rule: plan.preset.partial-coverage). */
function unchanged(ctx: PlanContext, m: MechanismId): { unchangedFor?: string } {
  const partial = presetPartial(m, ctx)
  return partial.length ? { unchangedFor: unchangedWords(partial) } : {}
}

/** Adds the mechanisms the chosen ones cannot work without here (enhanced filtering, ...). */
function addRequired(ctx: PlanContext, out: Selection, refusals: Refusals): void {
  const asked = new Set<MechanismId>()
  for (const p of [...out.planned]) {
    // Once per mechanism, however many protections it serves.
    if (asked.has(p.mechanism)) continue
    asked.add(p.mechanism)
    const req = mechanismOf(p.mechanism).requires?.(ctx)
    if (!req || out.planned.some((x) => x.mechanism === req.mechanism)) continue
    const a = availability(req.mechanism, ctx)
    if (!a.ok) {
      refusals.add(
        new PassageError('PASSAGE_E_MECHANISM_UNAVAILABLE', `${req.needs}, and ${a.reason}.`),
        { protection: p.protection, mechanism: p.mechanism },
      )
      continue
    }
    out.planned.push({
      protection: req.protection,
      mechanism: req.mechanism,
      risk: mechanismOf(req.mechanism).def.risk,
      why: req.why,
      passedOver: [],
    })
    out.notices.push(req.notice)
  }
}

/**
 * Chooses a mechanism for each protection wanted, in the wizard's order: the one forced, else the
 * vendor's recipe (in recipe mode), else the least risky that works here. Records, rather than
 * throws, the refusal of each protection asked for that cannot be served.
 */
export function select(ctx: PlanContext, choices: Choices, refusals: Refusals): Selection {
  const wanted = wantedOf(ctx, choices)
  const out: Selection = { planned: [], skipped: [], notices: [] }
  for (const def of PROTECTIONS) if (wanted.has(def.id)) selectOne(ctx, choices, def, out, refusals)
  addRequired(ctx, out, refusals)
  return out
}

/** The protections each picked mechanism serves. */
export function picksOf(planned: readonly PlannedProtection[]): Picks {
  const picks: Picks = new Map()
  for (const p of planned) picks.set(p.mechanism, [...(picks.get(p.mechanism) ?? []), p.protection])
  return picks
}
