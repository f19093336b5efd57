import type { CmdletCall } from '../cmdlet.js'
import type { Plan } from '../plan-format.js'
import { psParam, psString } from './quote.js'

/** One cmdlet call as a PowerShell command line. */
export function renderCall(call: CmdletCall): string {
  const params = Object.entries(call.params)
    .map(([k, v]) => psParam(k, v))
    .filter((p): p is string => p !== null)
  return [call.cmdlet, ...params].join(' ')
}

const comment = (text: string) =>
  text
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n')

/**
 * A runnable PowerShell script equivalent to a plan: connects to Exchange Online first, stops on the
 * first error, and prints each change with its risk before running it.
 */
export function renderPlanScript(plan: Plan): string {
  const lines: string[] = [
    comment(`passage plan for ${plan.vendor.name} in ${plan.tenant.name}`),
    comment(`plan hash ${plan.hash}, made ${plan.createdAt}, mode ${plan.mode}`),
    comment('Equivalent Exchange Online PowerShell. Review it before you run it.'),
    '#Requires -Modules ExchangeOnlineManagement',
    "$ErrorActionPreference = 'Stop'",
    '',
    `Connect-ExchangeOnline -Organization ${psString(plan.tenant.name)} -ShowBanner:$false`,
    '',
  ]
  for (const notice of plan.notices) lines.push(comment(`Note: ${notice}`))
  if (plan.notices.length) lines.push('')
  if (!plan.changes.length) lines.push('# No changes: the tenant already satisfies this plan.', '')
  for (const c of plan.changes) {
    lines.push(comment(`[${c.id}] ${c.summary}`))
    lines.push(comment(`risk ${c.risk.level}: ${c.risk.reason}`))
    for (const b of c.baselines) lines.push(comment(`trips ${b.scanner} ${b.check}: ${b.title}`))
    for (const call of c.calls) lines.push(renderCall(call))
    lines.push('')
  }
  lines.push('Disconnect-ExchangeOnline -Confirm:$false', '')
  return lines.join('\n')
}
