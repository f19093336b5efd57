/** The human view of a plan, shown by plan, apply, plan --resign and the demo. */
import type { Plan } from '../core/planner/types.js'
import { MECHANISMS } from '../core/mechanisms/index.js'
import { protectionDef } from '../core/protections/definitions.js'
import { licenceName } from '../core/model/licence.js'
import { paint } from './output.js'
import { table } from './table.js'

/** The human view of a plan: what it covers, each change with its risk and why, limits, scanners. */
export function formatPlan(p: Plan): string {
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
          x.why + (x.vendorRecipe ? ` (vendor recipe: ${x.vendorRecipe})` : ''),
        ]),
        44,
      ),
      '',
    )
  for (const s of p.skipped)
    out.push(
      `${paint('yellow', 'not possible here')}: ${protectionDef(s.protection).title} — ${s.reason}`,
    )
  if (p.skipped.length) out.push('')
  if (!p.changes.length)
    out.push(paint('green', 'No changes: the tenant already satisfies this plan.'))
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
