/**
 * Risk-acceptance artefacts for the scanners a security team runs, from a tenant's report:
 *
 * - ScubaGear (CISA): a configuration file whose `OmitPolicy` entries (a `Rationale` and an
 *   `Expiration`, yyyy-mm-dd) or `AnnotatePolicy` entries (a `Comment`, `IncorrectResult` and a
 *   `RemediationDate`, yyyy-mm-dd) name each tripped policy by its versioned id. Format as
 *   cisagov/ScubaGear documents it: docs/configuration/configuration.md ("Annotate Policies",
 *   "Omit Policies"), the sample PowerShell/ScubaGear/Sample-Config-Files/full_config.yaml, and the
 *   schema PowerShell/ScubaGear/Modules/ScubaConfig/ScubaConfigSchema.json (policy ids
 *   MS.<PRODUCT>.<group>.<number>v<version>; a policy's product must be in ProductNames).
 * - Maester: Maester has no documented per-test exception. Its maester-config.json `TestSettings`
 *   set a test's Severity (and Title) only (maester365/maester website/docs/configuration/overview.md);
 *   what it documents is `Invoke-Maester -ExcludeTag`, and each of its tests carries its id as a
 *   Pester tag (tests/Maester/Exchange/Test-ExchangeSetting.Tests.ps1, tests/orca/*, tests/cis/*,
 *   tests/cisa/exchange/*). Excluding a test leaves it out of the run: it is absent from the report,
 *   not shown as accepted. The artefact is a script that does that, per test, until its date, and
 *   says so; nothing is presented as a Maester exception feature.
 */
import type { BaselineHit } from '../change.js'
import type { Acceptance, ReportTenant } from './model.js'

/**
 * ScubaGear policy versions of the ids passage's baseline rules name without one (core/risk/
 * baselines.ts): cisagov/ScubaGear PowerShell/ScubaGear/baselines/securitysuite.md headings.
 */
const SCUBA_VERSIONS: Record<string, string> = {
  'MS.SECURITYSUITE.6.2': 'v1',
  'MS.SECURITYSUITE.8.1': 'v1',
  'MS.SECURITYSUITE.8.2': 'v1',
}

/** ScubaGear's policy id pattern (ScubaConfigSchema.json, OmitPolicy/AnnotatePolicy keys). */
const SCUBA_ID = /^MS\.[A-Za-z]+\.\d+\.\d+[Vv]\d+$/

/** The versioned ScubaGear policy id of a CISA check, or null when its version is unknown. */
export function scubaPolicyId(hit: Pick<BaselineHit, 'scanner' | 'check'>): string | null {
  if (hit.scanner !== 'CISA') return null
  if (SCUBA_ID.test(hit.check)) return hit.check
  const version = SCUBA_VERSIONS[hit.check]
  return version ? `${hit.check}${version}` : null
}

/**
 * The Maester tests (by their tag) that run passage's baseline checks, as found in
 * maester365/maester tests/: Maester's own, its ORCA and CIS ports, and its CISA tests, which keep
 * ScubaGear's former MS.EXO ids (ScubaGear PowerShell/ScubaGear/mappings/
 * scuba-baseline-policy-migrations.csv: MS.EXO.12.1v1 -> MS.SECURITYSUITE.8.1v1, MS.EXO.12.2v1 ->
 * MS.SECURITYSUITE.8.2v1, MS.EXO.14.3v2 -> MS.SECURITYSUITE.6.2v1).
 */
const MAESTER_TESTS: Record<string, string> = {
  'Maester MT.1043': 'MT.1043',
  'ORCA 109': 'ORCA.109',
  'ORCA 114': 'ORCA.114',
  'ORCA 118-1': 'ORCA.118.1',
  'ORCA 118-2': 'ORCA.118.2',
  'ORCA 189': 'ORCA.189',
  'ORCA 189-2': 'ORCA.189.2',
  'ORCA 229': 'ORCA.229',
  'CIS 2.1.12': 'CIS.M365.2.1.12',
  'CIS 2.1.13': 'CIS.M365.2.1.13',
  'CISA MS.SECURITYSUITE.8.1': 'CISA.MS.EXO.12.1',
  'CISA MS.SECURITYSUITE.8.2': 'CISA.MS.EXO.12.2',
  'CISA MS.SECURITYSUITE.6.2': 'CISA.MS.EXO.14.3',
}

/** The Maester test (its tag) that runs a baseline check, or null when none is known. */
export function maesterTestId(hit: Pick<BaselineHit, 'scanner' | 'check'>): string | null {
  return MAESTER_TESTS[`${hit.scanner} ${hit.check.replace(/v\d+$/i, '')}`] ?? null
}

/** What the report says about Maester, wherever it mentions Maester's artefact. */
export const MAESTER_NOTICE =
  'Maester has no documented per-test exception (a rationale or an expiry shown in its report): its maester-config.json TestSettings change a test’s severity only. passage’s Maester file runs Invoke-Maester -ExcludeTag with the accepted tests until their dates, so they are left out of the run and absent from Maester’s report, not shown as accepted.'

/** One line of text: control characters and line breaks become spaces. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
}

/**
 * A YAML double-quoted scalar: JSON's escaping (valid YAML), plus escapes for the characters JSON
 * leaves raw that YAML does not allow or reads as line breaks.
 */
export function yamlString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** Why a check is accepted, in one line: each vendor's change, its risk, run and plan. */
export function rationaleOf(a: Acceptance): string {
  const parts = a.changes.map(
    (c) =>
      `${c.vendor}: ${c.summary} (risk ${c.risk}: ${c.riskReason}; applied ${c.appliedAt.slice(0, 10)} by passage run ${c.runId}, plan ${c.planHash.slice(0, 12)})`,
  )
  return oneLine(
    `Risk accepted for a trusted third-party mail service until ${a.acceptedUntil}. ${parts.join('; ')}.`,
  )
}

/** How ScubaGear is told about the accepted risk. */
export type ScubaMode = 'omit' | 'annotate'

/** The ScubaGear policies a tenant's changes trip, and the CISA checks without a known version. */
export function scubaEntries(tenant: ReportTenant): {
  entries: { id: string; acceptance: Acceptance }[]
  unknown: Acceptance[]
} {
  const entries: { id: string; acceptance: Acceptance }[] = []
  const unknown: Acceptance[] = []
  for (const a of tenant.acceptances) {
    if (a.scanner !== 'CISA') continue
    const id = scubaPolicyId(a)
    if (id) entries.push({ id, acceptance: a })
    else unknown.push(a)
  }
  return { entries, unknown }
}

/** The ScubaGear configuration file (YAML) accepting a tenant's tripped policies. */
export function renderScubaGear(
  tenant: ReportTenant,
  opts: { mode: ScubaMode; generatedAt: string },
): string {
  const { entries, unknown } = scubaEntries(tenant)
  const products = [...new Set(entries.map((e) => e.id.split('.')[1]!.toLowerCase()))]
  const lines = [
    `# ScubaGear configuration written by passage on ${opts.generatedAt.slice(0, 10)} for ${oneLine(tenant.name)}:`,
    '# the risk accepted for what passage changed for trusted third-party mail services.',
    '# Run it with Invoke-SCuBA -ConfigFilePath <this file>, or copy its',
    `# ${opts.mode === 'omit' ? 'OmitPolicy' : 'AnnotatePolicy'} entries into your own configuration file (ScubaGear reads one).`,
    '# Format: cisagov/ScubaGear docs/configuration/configuration.md and',
    '# PowerShell/ScubaGear/Sample-Config-Files/full_config.yaml.',
    ...unknown.map(
      (a) =>
        `# Not written: ${oneLine(a.check)} (${oneLine(a.title)}): its ScubaGear policy version is unknown to passage.`,
    ),
    ...(entries.length === 0
      ? ['# No ScubaGear policy is tripped by what passage has in effect in this tenant.']
      : []),
    `Description: ${yamlString(`Risk accepted by passage for ${tenant.name} (${tenant.id}): trusted third-party mail services.`)}`,
    'ProductNames:',
    ...(products.length ? products : ['securitysuite']).map((p) => `  - ${p}`),
  ]
  const key = opts.mode === 'omit' ? 'OmitPolicy' : 'AnnotatePolicy'
  if (entries.length === 0) lines.push(`${key}: {}`)
  else {
    lines.push(`${key}:`)
    for (const { id, acceptance } of entries) {
      lines.push(`  # ${oneLine(acceptance.title)}`, `  ${id}:`)
      if (opts.mode === 'omit')
        lines.push(
          `    Rationale: ${yamlString(rationaleOf(acceptance))}`,
          `    Expiration: ${yamlString(acceptance.acceptedUntil)}`,
        )
      else
        lines.push(
          '    IncorrectResult: false',
          `    Comment: ${yamlString(rationaleOf(acceptance))}`,
          `    RemediationDate: ${yamlString(acceptance.acceptedUntil)}`,
        )
    }
  }
  return `${lines.join('\n')}\n`
}

/** A PowerShell single-quoted string. */
function psString(s: string): string {
  return `'${oneLine(s).replace(/['\u2018\u2019\u201a\u201b]/g, "''")}'`
}

/** The Maester tests a tenant's changes make fail, and the checks Maester has no test for. */
export function maesterEntries(tenant: ReportTenant): {
  entries: { id: string; acceptances: Acceptance[]; until: string }[]
  unknown: Acceptance[]
} {
  const byId = new Map<string, { id: string; acceptances: Acceptance[]; until: string }>()
  const unknown: Acceptance[] = []
  for (const a of tenant.acceptances) {
    const id = maesterTestId(a)
    if (!id) {
      unknown.push(a)
      continue
    }
    const e = byId.get(id)
    if (!e) byId.set(id, { id, acceptances: [a], until: a.acceptedUntil })
    else {
      e.acceptances.push(a)
      if (a.acceptedUntil < e.until) e.until = a.acceptedUntil
    }
  }
  return { entries: [...byId.values()], unknown }
}

/**
 * The Maester artefact: a PowerShell script that runs Invoke-Maester leaving out, until its date,
 * each test the tenant's changes make fail, with why in comments and the plain statement that
 * Maester has no exception mechanism of its own (see the module comment).
 */
export function renderMaester(tenant: ReportTenant, opts: { generatedAt: string }): string {
  const { entries, unknown } = maesterEntries(tenant)
  const lines = [
    `# Maester: the tests that what passage changed in ${oneLine(tenant.name)} makes fail, and the risk accepted for them.`,
    `# Written by passage on ${opts.generatedAt.slice(0, 10)}.`,
    '#',
    '# Maester has no documented per-test exception: its maester-config.json TestSettings set a',
    "# test's Severity (and Title) only, with no rationale or expiry. What it documents is",
    '# Invoke-Maester -ExcludeTag, and each Maester test is tagged with its id: this script leaves the',
    '# accepted tests out of the run until their dates and runs them again after. An excluded test is',
    "# absent from Maester's report, not shown as accepted: keep this file with the risk decision.",
    '#',
  ]
  for (const e of entries) {
    lines.push(`# ${e.id}, accepted until ${e.until}:`)
    for (const a of e.acceptances)
      lines.push(
        `#   ${oneLine(a.scanner)} ${oneLine(a.check)} ${oneLine(a.title)}: ${rationaleOf(a)}`,
      )
  }
  for (const a of unknown)
    lines.push(
      `# No Maester test is known for ${oneLine(a.scanner)} ${oneLine(a.check)} (${oneLine(a.title)}): nothing to leave out.`,
    )
  if (entries.length === 0)
    lines.push('# No Maester test is made to fail by what passage has in effect.')
  lines.push(
    '',
    '$accepted = [ordered]@{',
    ...entries.map((e) => `    ${psString(e.id)} = ${psString(e.until)}`),
    '}',
    "$today = (Get-Date).ToUniversalTime().ToString('yyyy-MM-dd')",
    '$excluded = @($accepted.Keys | Where-Object { $accepted[$_] -ge $today })',
    '$lapsed = @($accepted.Keys | Where-Object { $accepted[$_] -lt $today })',
    'if ($lapsed.Count -gt 0) {',
    '    Write-Warning "Risk acceptance lapsed, these tests run again: $($lapsed -join \', \')"',
    '}',
    'if ($excluded.Count -gt 0) {',
    '    Invoke-Maester -ExcludeTag $excluded @args',
    '} else {',
    '    Invoke-Maester @args',
    '}',
  )
  return `${lines.join('\n')}\n`
}
