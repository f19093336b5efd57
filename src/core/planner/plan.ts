import type { Change } from '../change.js'
import { PassageError, type ErrorCode } from '../errors/index.js'
import { contentHash } from '../hash.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { MECHANISMS, PROTECTIONS, protectionDef } from '../protections/catalog.js'
import type { MechanismId, ProtectionId } from '../protections/ids.js'
import { baselinesFor } from '../risk/baselines.js'
import { applyChange } from '../surfaces/apply.js'
import { surfaceOf } from '../surfaces/registry.js'
import type { ResolvedVendor } from '../vendor/resolve.js'
import { availability, availabilityFor } from './availability.js'
import { buildListMechanism } from './build-lists.js'
import { buildPolicyMechanism } from './build-policies.js'
import { buildRules, type Picks } from './build-rules.js'
import { trueSourceVisible, type PlanContext } from './context.js'
import { mergeDrafts, type Draft } from './draft.js'
import { limitsFor } from './limits.js'
import { checkSafety } from './safety.js'
import { PLAN_VERSION, type Choices, type Plan, type PlannedProtection } from './types.js'

const RULE_MECHANISMS: ReadonlySet<MechanismId> = new Set([
  'scoped-rule',
  'bypass-clutter-header',
  'skip-safe-links-header',
  'skip-safe-attachments-header',
])
const POLICY_MECHANISMS: ReadonlySet<MechanismId> = new Set([
  'ip-allow',
  'safe-list',
  'antispam-allowed-senders',
  'bulk-threshold',
  'disable-zap',
  'quarantine-notify',
  'quarantine-release',
  'impersonation-exclusion',
  'do-not-rewrite',
])

/** The order surfaces are changed in: what others depend on first, mail flow rules last. */
const SURFACE_ORDER: Change['surface'][] = [
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

interface Selection {
  planned: PlannedProtection[]
  skipped: Plan['skipped']
  notices: string[]
}

function select(ctx: PlanContext, choices: Choices): Selection {
  const explicit = choices.protections !== undefined
  // The recipe covers what the vendor recommends plus whatever else its own guide changes.
  const defaults =
    choices.mode === 'recipe'
      ? [
          ...ctx.vendor.profile.recommended,
          ...(Object.keys(ctx.vendor.profile.recipe) as ProtectionId[]),
        ]
      : ctx.vendor.profile.recommended
  const wanted = new Set<ProtectionId>(choices.protections ?? defaults)
  const out: Selection = { planned: [], skipped: [], notices: [] }
  const recipe = ctx.vendor.profile.recipe
  for (const def of PROTECTIONS) {
    if (!wanted.has(def.id)) continue
    const forced = choices.mechanisms?.[def.id]
    if (forced && !def.mechanisms.includes(forced))
      throw new PassageError(
        'PASSAGE_E_INPUT',
        `'${forced}' is not a mechanism of ${def.id}; it takes ${def.mechanisms.join(', ')}.`,
      )
    const fromRecipe = choices.mode === 'recipe' ? recipe[def.id] : undefined
    const candidates: MechanismId[] = forced
      ? [forced]
      : fromRecipe
        ? [fromRecipe, ...def.mechanisms.filter((m) => m !== fromRecipe)]
        : def.mechanisms
    const passedOver: PlannedProtection['passedOver'] = []
    const refusals: { code: ErrorCode; reason: string }[] = []
    // By default passage never picks a high-risk mechanism on its own: the admin asks for it.
    const cautious = choices.mode === 'recommended' && !explicit && !forced
    let chosen: MechanismId | null = null
    for (const m of candidates) {
      const a = availabilityFor(def.id, m, ctx)
      if (
        a.ok &&
        cautious &&
        (MECHANISMS[m].risk === 'high' || MECHANISMS[m].risk === 'critical')
      ) {
        passedOver.push({
          mechanism: m,
          reason: `${MECHANISMS[m].risk} risk: ask for it explicitly with --protect ${def.id}`,
        })
        continue
      }
      if (a.ok) {
        chosen = m
        break
      }
      if (a.refusal) refusals.push({ code: a.refusal, reason: a.reason })
      passedOver.push({ mechanism: m, reason: a.reason })
    }
    if (!chosen) {
      const reasons = passedOver.map((p) => `${p.mechanism}: ${p.reason}`).join('; ')
      if (explicit || forced) {
        const refusal = refusals[0]
        if (refusal) {
          // Say why the safer mechanisms do not work either, not only why the last one is refused.
          const others = passedOver.filter((p) => p.reason !== refusal.reason)
          const why = others.length
            ? ` (${others.map((p) => `${p.mechanism}: ${p.reason}`).join('; ')})`
            : ''
          throw new PassageError(
            refusal.code,
            `${def.title}: ${refusal.reason.replace(/\.$/, '')}${why}.`,
            {
              details: { protection: def.id, passedOver },
            },
          )
        }
        throw new PassageError(
          'PASSAGE_E_MECHANISM_UNAVAILABLE',
          `No way to adjust ${def.title.toLowerCase()} for ${ctx.vendor.name} in this tenant (${reasons}).`,
          {
            details: { protection: def.id, passedOver },
          },
        )
      }
      out.skipped.push({ protection: def.id, reason: reasons })
      continue
    }
    if (fromRecipe && chosen !== fromRecipe)
      out.notices.push(
        `${ctx.vendor.name}'s recipe uses ${fromRecipe} for ${def.id}, which is not possible here (${passedOver[0]?.reason ?? ''}); using ${chosen}.`,
      )
    const mech = MECHANISMS[chosen]
    out.planned.push({
      protection: def.id,
      mechanism: chosen,
      risk: mech.risk,
      why: forced
        ? 'chosen explicitly'
        : chosen === fromRecipe
          ? `${ctx.vendor.name}'s own recipe`
          : 'the least risky mechanism that works for this tenant',
      passedOver: fromRecipe ? [] : passedOver,
      ...(recipe[def.id] && recipe[def.id] !== chosen ? { vendorRecipe: recipe[def.id] } : {}),
    })
  }
  // Advanced delivery behind a gateway only works when Exchange sees the true source.
  if (
    out.planned.some((p) => p.mechanism === 'advanced-delivery') &&
    !trueSourceVisible(ctx) &&
    !out.planned.some((p) => p.mechanism === 'enhanced-filtering')
  ) {
    const a = availability('enhanced-filtering', ctx)
    if (!a.ok)
      throw new PassageError(
        'PASSAGE_E_MECHANISM_UNAVAILABLE',
        `Advanced delivery needs enhanced filtering when MX points at a gateway, and ${a.reason}.`,
      )
    out.planned.push({
      protection: 'enhanced-filtering',
      mechanism: 'enhanced-filtering',
      risk: 'low',
      why: 'advanced delivery needs the true source IP behind the gateway',
      passedOver: [],
    })
    out.notices.push(
      'Enhanced filtering was added: advanced delivery matches the original sending IP, which Exchange sees behind a gateway only with enhanced filtering.',
    )
  }
  return out
}

function picksOf(planned: PlannedProtection[]): Picks {
  const picks: Picks = new Map()
  for (const p of planned) picks.set(p.mechanism, [...(picks.get(p.mechanism) ?? []), p.protection])
  return picks
}

function buildDrafts(ctx: PlanContext, picks: Picks): Draft[] {
  const drafts: Draft[] = []
  for (const [mechanism, protections] of picks) {
    if (RULE_MECHANISMS.has(mechanism)) continue
    if (POLICY_MECHANISMS.has(mechanism))
      drafts.push(...buildPolicyMechanism(ctx, mechanism, protections))
    else drafts.push(...buildListMechanism(ctx, mechanism, protections))
  }
  const ordered = mergeDrafts(drafts).sort(
    (a, b) => SURFACE_ORDER.indexOf(a.surface) - SURFACE_ORDER.indexOf(b.surface),
  )
  return [...ordered, ...buildRules(ctx, picks)]
}

function notices(ctx: PlanContext, planned: PlannedProtection[]): string[] {
  const out = [
    'No allow overrides malware or high-confidence phish verdicts: those messages are still quarantined (only advanced delivery for simulations is exempt).',
  ]
  const mechanisms = new Set(planned.map((p) => p.mechanism))
  if (ctx.snapshot.mx.route === 'gateway' && mechanisms.has('scoped-rule'))
    out.push(
      'MX points at a gateway: with an SCL -1 rule, secure by default no longer holds and high-confidence phish can get through. Prefer enhanced filtering.',
    )
  if (ctx.vendor.category === 'inbound-relay')
    out.push(
      'Microsoft strongly recommends against in-and-out relay routing; moving the relay to MX or API mode is safer than bypassing protections.',
    )
  if (mechanisms.has('disable-zap'))
    out.push(
      'ZAP cannot be scoped to one sender: spam ZAP goes off for every sender those anti-spam policies cover.',
    )
  if (mechanisms.has('quarantine-notify') || mechanisms.has('quarantine-release'))
    out.push(
      'Quarantine policies apply only where the anti-spam action is Quarantine; with Move to Junk nothing is held.',
    )
  if (
    mechanisms.has('scoped-rule') &&
    ctx.vendor.category !== 'inbound-relay' &&
    ctx.vendor.category !== 'gateway-mx'
  )
    out.push(
      'The mail flow rule matches only when DMARC passes: set up SPF and DKIM for the domains the vendor sends as.',
    )
  return out
}

/**
 * Plans the changes that let a vendor's mail through the chosen protections in a tenant, by the
 * least risky mechanisms that work (or the vendor's recipe). Pure: the same inputs give the same
 * plan. Throws a PassageError for refused or invalid choices, and plans nothing then.
 */
export function plan(
  vendor: ResolvedVendor,
  choices: Choices,
  snapshot: TenantSnapshot,
  options: { now: string },
): Plan {
  const ctx: PlanContext = { snapshot, vendor, now: options.now, mode: choices.mode }
  const selection = select(ctx, choices)
  const picks = picksOf(selection.planned)
  checkSafety(ctx, new Set(picks.keys()))
  const drafts = buildDrafts(ctx, picks)
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
    const mech = MECHANISMS[d.mechanism]
    const change: Change = {
      ...rest,
      id,
      calls: [],
      risk: { level: mech.risk, reason: mech.riskReason },
      limits: [],
      baselines: [],
      dependsOn,
    }
    change.calls = surfaceOf(change.surface).calls(change)
    change.limits = limitsFor(change, working)
    change.baselines = baselinesFor(change)
    changes.push(change)
    working = applyChange(working, change)
  })
  const mx = snapshot.mx.route === 'gateway' ? `gateway (${snapshot.mx.gateway})` : 'Microsoft 365'
  const body: Omit<Plan, 'hash'> = {
    format: 'passage.plan',
    version: PLAN_VERSION,
    createdAt: options.now,
    tenant: { id: snapshot.tenant.id, name: snapshot.tenant.name, licence: snapshot.licence, mx },
    vendor: { id: vendor.id, name: vendor.name, category: vendor.category, params: vendor.params },
    mode: choices.mode,
    protections: selection.planned,
    skipped: selection.skipped,
    changes,
    notices: [...selection.notices, ...notices(ctx, selection.planned)],
  }
  return Object.freeze({ ...body, hash: contentHash(body) })
}

/** True when a plan's hash matches its content (it was not edited after planning). */
export function planHashValid(p: { hash: string }): boolean {
  const { hash, ...body } = p
  return contentHash(body) === hash
}

/** The definition of each protection the plan covers (for display). */
export function plannedTitles(p: Plan): string[] {
  return p.protections.map(
    (x) => `${protectionDef(x.protection).title}: ${MECHANISMS[x.mechanism].title}`,
  )
}
