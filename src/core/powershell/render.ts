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
 * The script's sign-in and tenant check. `-Organization` is only for app-only sign-in (certificate or
 * managed identity); an interactive admin signs in with `-UserPrincipalName`, a partner managing a
 * customer adds `-DelegatedOrganization` (Connect-ExchangeOnline.md). Whichever account signs in,
 * the script stops before changing anything unless the session is in the planned tenant.
 */
// ms-rule: plan.powershell.sign-in
function signIn(plan: Plan): string[] {
  const name = psString(plan.tenant.name)
  const id = psString(plan.tenant.id)
  return [
    '# Sign in as an Exchange admin of the tenant: .\\<script>.ps1 -AdminUpn admin@contoso.com',
    '# A partner (CSP/GDAP) managing this tenant adds: -DelegatedOrganization <its .onmicrosoft.com name or tenant id>',
    'param(',
    '  [Parameter(Mandatory = $true)] [string] $AdminUpn,',
    "  [string] $DelegatedOrganization = ''",
    ')',
    "$ErrorActionPreference = 'Stop'",
    '',
    '$connect = @{ UserPrincipalName = $AdminUpn; ShowBanner = $false }',
    'if ($DelegatedOrganization) { $connect.DelegatedOrganization = $DelegatedOrganization }',
    'Connect-ExchangeOnline @connect',
    '',
    '# Stop before changing anything unless this session is in the planned tenant.',
    '$org = Get-OrganizationConfig',
    `if ($org.Name -ne ${name} -and [string]$org.ExternalDirectoryOrganizationId -ne ${id}) {`,
    '  Disconnect-ExchangeOnline -Confirm:$false',
    `  throw "Signed in to '$($org.Name)', not the planned tenant ${plan.tenant.name.replace(/["`$]/g, '')}: nothing was changed."`,
    '}',
    '',
  ]
}

/**
 * One change's block of the plan's script: its id and summary, its risk and the baseline checks it
 * trips as comments, then its commands. The wizard shows each change's block on its card.
 */
export function renderChangeBlock(c: Plan['changes'][number]): string {
  const lines = [
    comment(`[${c.id}] ${c.summary}`),
    comment(`risk ${c.risk.level}: ${c.risk.reason}`),
  ]
  for (const b of c.baselines) lines.push(comment(`trips ${b.scanner} ${b.check}: ${b.title}`))
  for (const call of c.calls) lines.push(renderCall(call))
  return lines.join('\n')
}

/**
 * A runnable PowerShell script equivalent to a plan: signs in to Exchange Online, stops unless the
 * session is in the planned tenant, stops on the first error, and prints each change with its risk
 * before running it.
 */
export function renderPlanScript(plan: Plan): string {
  const lines: string[] = [
    '#Requires -Modules ExchangeOnlineManagement',
    comment(`passage plan for ${plan.vendor.name} in ${plan.tenant.name}`),
    comment(`plan hash ${plan.hash}, made ${plan.createdAt}, mode ${plan.mode}`),
    comment('Equivalent Exchange Online PowerShell. Review it before you run it.'),
    ...signIn(plan),
  ]
  for (const notice of plan.notices) lines.push(comment(`Note: ${notice}`))
  if (plan.notices.length) lines.push('')
  if (!plan.changes.length)
    lines.push('# No changes: this plan has nothing to run (the plan itself says why).', '')
  for (const c of plan.changes) lines.push(renderChangeBlock(c), '')
  lines.push('Disconnect-ExchangeOnline -Confirm:$false', '')
  return lines.join('\n')
}
