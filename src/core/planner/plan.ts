import { contentHash } from '../hash.js'
import { MECHANISMS, type PlanContext } from '../mechanisms/index.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { PLAN_VERSION, type Choices, type Plan } from '../plan-format.js'
import { protectionDef } from '../protections/definitions.js'
import type { ResolvedVendor } from '../vendor/resolve.js'
import { buildDrafts, changesOf } from './build.js'
import { Refusals } from './diagnostics.js'
import { frozenCopy } from './freeze.js'
import { planNotices } from './notices.js'
import { presetExceptionDrafts, presetsOf, withExceptedReach, withPresetRisk } from './presets.js'
import { safetyRefusals } from './safety.js'
import { picksOf, select } from './select.js'

export { planHashValid } from '../plan-format.js'

/**
 * Plans the changes that let a vendor's mail through the chosen protections in a tenant, by the
 * least risky mechanisms that work (or the vendor's recipe). Pure: the same inputs give the same
 * plan, deeply frozen. Refused or invalid choices plan nothing: it throws one PassageError that
 * carries every refusal found (`details.diagnostics`), with the first one's code.
 */
export function plan(
  vendor: ResolvedVendor,
  choices: Choices,
  snapshot: TenantSnapshot,
  options: { now: string },
): Plan {
  const ctx: PlanContext = { snapshot, vendor, now: options.now, mode: choices.mode }
  // Each step goes on past a refusal so that one attempt reports them all; the order of the steps
  // is the order the refusals are listed in.
  const refusals = new Refusals()
  const selection = select(ctx, choices, refusals)
  const picks = picksOf(selection.planned)
  for (const e of safetyRefusals(ctx, picks.keys())) refusals.add(e)
  // Taking people out of a preset comes last, and only when the admin named the preset.
  const drafts = [
    ...buildDrafts(ctx, picks, refusals),
    ...presetExceptionDrafts(ctx, selection.planned, choices, refusals),
  ]
  const changes = withPresetRisk(changesOf(drafts, snapshot, refusals))
  refusals.throwIfAny()
  const [routing, ...mechanismNotices] = planNotices(ctx, selection.planned)
  const mx = snapshot.mx.route === 'gateway' ? `gateway (${snapshot.mx.gateway})` : 'Microsoft 365'
  const body: Omit<Plan, 'hash'> = {
    format: 'passage.plan',
    version: PLAN_VERSION,
    createdAt: options.now,
    tenant: { id: snapshot.tenant.id, name: snapshot.tenant.name, licence: snapshot.licence, mx },
    vendor: { id: vendor.id, name: vendor.name, category: vendor.category, params: vendor.params },
    mode: choices.mode,
    protections: withExceptedReach(ctx, selection.planned, changes),
    skipped: selection.skipped,
    changes,
    // What the allows can do with high-confidence phish comes first, before any other notice.
    notices: [routing, ...selection.notices, ...mechanismNotices],
    ...presetsOf(ctx, selection.planned, changes),
  }
  return frozenCopy({ ...body, hash: contentHash(body) })
}

/** The definition of each protection the plan covers (for display). */
export function plannedTitles(p: Plan): string[] {
  return p.protections.map(
    (x) => `${protectionDef(x.protection).title}: ${MECHANISMS[x.mechanism].title}`,
  )
}
