/** The human view of a plan, shown by plan, apply, plan --resign and the demo. */
import type { Plan } from '../core/planner/types.js'
import type { MechanismId, ProtectionId } from '../core/protections/ids.js'
import { MECHANISMS } from '../core/mechanisms/index.js'
import { protectionDef } from '../core/protections/definitions.js'
import { licenceName } from '../core/model/licence.js'
import { paint } from './output.js'
import { table } from './table.js'

/**
 * The human view of a plan: what it covers, each change with its risk and why, limits, scanners.
 * `noChanges` is what to say when it changes nothing (whether the vendor's mail already lands
 * where it should is the simulation's word, see app/plan-verdict.ts).
 */
export function formatPlan(p: Plan, noChanges?: string): string {
  const out: string[] = []
  out.push(paint('bold', `Plan for ${p.vendor.name} in ${p.tenant.name}`))
  out.push(`${licenceName(p.tenant.licence)}; MX at ${p.tenant.mx}; mode ${p.mode}`, '')
  if (p.protections.length)
    out.push(
      table(
        ['protection', 'mechanism', 'risk', 'why'],
        p.protections.map((x) => [
          protectionDef(x.protection).title,
          MECHANISMS[x.mechanism].title,
          x.risk,
          x.why +
            (x.vendorRecipe ? ` (vendor recipe: ${MECHANISMS[x.vendorRecipe].title})` : '') +
            (x.unchangedFor ? `; not for ${x.unchangedFor}` : ''),
        ]),
        44,
      ),
      '',
    )
  for (const s of p.skipped)
    out.push(
      s.optIn
        ? optInLine(p, s.protection, s.optIn)
        : `${paint('yellow', 'not possible here')}: ${protectionDef(s.protection).title} — ${s.reason}`,
    )
  if (p.skipped.length) out.push('')
  out.push(...presetLines(p))
  if (!p.changes.length) out.push(noChanges ?? paint('green', 'No changes.'))
  else {
    out.push(paint('bold', `${p.changes.length} change${p.changes.length > 1 ? 's' : ''}`))
    out.push(
      table(
        ['id', 'change', 'risk', 'why'],
        p.changes.map((c) => [c.id, c.summary, c.risk.level, c.risk.reason]),
        52,
      ),
    )
    const limits = p.changes.flatMap((c) =>
      c.limits
        .filter((l) => l.after >= l.max * 0.8 || l.limit.includes('per organisation'))
        .map((l) => `${c.id}: ${l.limit} ${l.before} -> ${l.after} of ${l.max}`),
    )
    if (limits.length)
      out.push('', paint('bold', 'Microsoft limits'), ...limits.map((l) => `  ${l}`))
    const checks = p.changes.flatMap((c) =>
      c.baselines.map((b) => `${c.id}: ${b.scanner} ${b.check} — ${b.title}`),
    )
    if (checks.length)
      out.push(
        '',
        paint('bold', 'Baseline checks this plan will trip'),
        ...checks.map((l) => `  ${l}`),
      )
  }
  if (p.notices.length) out.push('', paint('bold', 'Notes'), ...p.notices.map((n) => `  - ${n}`))
  out.push('', `plan hash ${p.hash}`)
  return out.join('\n')
}

/** A protection passed over only because its one working mechanism is high risk: how to ask. */
function optInLine(p: Plan, protection: ProtectionId, m: MechanismId): string {
  const def = MECHANISMS[m]
  const asked = [...new Set([...p.protections.map((x) => x.protection), protection])]
  return `${paint('yellow', 'needs your say-so')}: ${protectionDef(protection).title} — only ${def.title} works here, which is ${def.risk} risk (${def.riskReason}). To plan it, run again with --protect ${asked.join(',')}`
}

/** Who preset security policies keep out of the plan's policy changes, and their options. */
function presetLines(p: Plan): string[] {
  if (!p.presets?.length) return []
  const chosen = p.presets.some((n) => n.options.some((o) => o.chosen))
  const out = [
    paint(
      'bold',
      chosen
        ? 'Recipients a preset security policy covers'
        : 'Recipients this plan leaves unchanged',
    ),
  ]
  for (const n of p.presets) {
    const who = n.recipients ? ` (${n.recipients.join(', ')})` : ''
    const unknown = n.recipients
      ? ''
      : ' Who exactly is not known here: the members of the groups it names could not be read.'
    out.push(`  ${n.who}${who}: ${n.why}${unknown}`)
    for (const o of n.options) {
      const lead = o.chosen
        ? paint('yellow', `chosen, change ${o.changeId ?? ''}`.trim())
        : 'if you choose'
      out.push(`    - ${lead}: ${o.title} [${o.risk} risk]. ${o.consequence}`)
      out.push(`      portal: ${o.portal}`)
      if (o.powershell) out.push(`      PowerShell: ${o.powershell.replace(/\n/g, '\n        ')}`)
    }
  }
  out.push(
    chosen
      ? '    passage makes only the change marked chosen, because you asked for it; the others are yours to choose.'
      : '    passage makes none of these changes unless you ask for the exception by name (--preset-exception standard or strict); the others are yours to choose.',
    '',
  )
  return out
}
