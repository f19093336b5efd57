import { evaluate, parseTestMessage } from '../evaluator/evaluate.js'
import type { Action, Category, RecipientEvaluation, TraceObject } from '../evaluator/types.js'
import type { Change } from '../change.js'
import { parseWith } from '../errors/index.js'
import { TenantSnapshot } from '../model/snapshot.js'
import type { TablItem } from '../model/tabl.js'
import { applyChanges } from '../surfaces/index.js'
import { journeyOf, type JourneyPair } from '../journey/index.js'
import type { TypicalMessage } from './typical.js'

/** Where one recipient's copy lands in one configuration. */
export interface Outcome {
  action: Action
  quarantinePolicy: string | null
  /** What the filters concluded (NONE when filtering was skipped or found nothing). */
  category: Category
  /** What the filters detected before allows and blocks. */
  detected: Category
  decidedBy: TraceObject | null
  scl: number | null
  sfv: string | null
  /** Links Safe Links rewrites (tracking links that would be pre-clicked or wrapped). */
  rewrittenLinks: string[]
  zap: boolean | 'unknown'
  /** Notes where Microsoft's documentation is silent or contradicts itself. */
  uncertain: string[]
}

/** One message to one recipient, before and (when a plan is given) after. */
export interface SimulationRow {
  label: string
  source: string
  recipient: string
  before: Outcome
  after: Outcome | null
  /** True when the plan moves this copy out of junk or quarantine into the inbox. */
  fixed: boolean
  /** True when no allow can deliver it: malware or high-confidence phish stay quarantined. */
  unfixable: boolean
  /** Its path through Defender's stages, today and after the plan (core/journey). */
  journey: JourneyPair
}

/** The result of a simulation over several messages. */
export interface Simulation {
  rows: SimulationRow[]
  /** Counts per action, before and after. */
  totals: { before: Record<Action, number>; after: Record<Action, number> | null }
}

function outcome(r: RecipientEvaluation): Outcome {
  return {
    action: r.action,
    quarantinePolicy: r.quarantinePolicy,
    category: r.category,
    detected: r.detected,
    decidedBy: r.decidedBy,
    scl: r.scl,
    sfv: r.sfv,
    rewrittenLinks: r.safeLinks.filter((l) => l.rewritten).map((l) => l.url),
    zap: r.zap.couldMove,
    uncertain: r.uncertain,
  }
}

function zeroTotals(): Record<Action, number> {
  return { inbox: 0, junk: 0, quarantine: 0, dropped: 0, rejected: 0 }
}

/**
 * Evaluates each message against the tenant as it is and, when given, as a plan would leave it:
 * the "what will happen to this vendor's mail" answer, per recipient.
 */
export function simulate(
  before: TenantSnapshot,
  after: TenantSnapshot | null,
  messages: readonly TypicalMessage[],
  now: string,
): Simulation {
  const rows: SimulationRow[] = []
  const totals = { before: zeroTotals(), after: after ? zeroTotals() : null }
  for (const m of messages) {
    const message = parseTestMessage(m.message, m.label)
    const b = evaluate(before, message, { now })
    const a = after ? evaluate(after, message, { now }) : null
    b.recipients.forEach((rb, i) => {
      const ra = a?.recipients[i]
      const ob = outcome(rb)
      const oa = ra ? outcome(ra) : null
      totals.before[ob.action]++
      if (oa && totals.after) totals.after[oa.action]++
      const unfixable = (rb.detected === 'MALW' || rb.detected === 'HPHSH') && ob.action !== 'inbox'
      rows.push({
        label: m.label,
        source: m.source,
        recipient: rb.recipient,
        before: ob,
        after: oa,
        fixed: oa !== null && ob.action !== 'inbox' && oa.action === 'inbox',
        unfixable: unfixable && (oa === null || oa.action !== 'inbox'),
        journey: { before: journeyOf(rb), after: ra ? journeyOf(ra) : null },
      })
    })
  }
  return { rows, totals }
}

/**
 * The tenant as a plan's changes would leave it, with every object completed by the model's
 * defaults (a created rule carries only the fields the planner set), so the evaluator reads it
 * exactly as it reads a discovered snapshot.
 */
export function afterChanges(snapshot: TenantSnapshot, changes: readonly Change[]): TenantSnapshot {
  const applied = applyChanges(snapshot, changes)
  const parse = (s: TenantSnapshot) =>
    parseWith(TenantSnapshot, s, 'PASSAGE_E_PLAN_INVALID', 'the tenant after the plan')
  // The allow/block entries the plan left alone are the snapshot's own objects (changes are
  // copy on write), already complete: only the others are read through the model. Should that
  // fail, the whole tenant is, so that the error names the entry where it is.
  const items = applied.state.tabl.items
  const own = ownEntries(snapshot.state.tabl.items, items)
  let parsed: TenantSnapshot
  try {
    parsed = parse(
      withTablItems(
        applied,
        items.filter((_, i) => !own[i]),
      ),
    )
  } catch {
    return parse(applied)
  }
  const done = parsed.state.tabl.items
  let k = 0
  return withTablItems(
    parsed,
    items.map((item, i) => (own[i] ? item : (done[k++] as TablItem))),
  )
}

/**
 * Which entries of `next` are objects of `prev`, found by walking both in order (a plan appends
 * and removes entries, it does not reorder them). An entry of `prev` it misses is read again, which
 * is harmless.
 */
function ownEntries(prev: readonly TablItem[], next: readonly TablItem[]): Uint8Array {
  const own = new Uint8Array(next.length)
  let j = 0
  for (let i = 0; i < next.length; i++) {
    const end = Math.min(prev.length, j + 16)
    let k = j
    while (k < end && prev[k] !== next[i]) k++
    if (k < end) {
      own[i] = 1
      j = k + 1
    }
  }
  return own
}

function withTablItems(s: TenantSnapshot, items: TablItem[]): TenantSnapshot {
  return { ...s, state: { ...s.state, tabl: { ...s.state.tabl, items } } }
}
