/**
 * The report as Markdown, as one self-contained HTML page, or as JSON. Pure text: every value that
 * came from a plan or the store (vendor names, summaries, tenant names) is escaped for the format.
 */
import type { RiskLevel } from '../change.js'
import { RISK_LEVELS, type Acceptance, type PassageReport, type ReportTenant } from './model.js'
import { MAESTER_NOTICE, maesterTestId, scubaPolicyId } from './scanners.js'

/** The formats `passage report --format` takes. */
export const REPORT_FORMATS = ['md', 'html', 'json'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** The report as its JSON document (schemaVersion first-level). */
export function renderJson(r: PassageReport): string {
  return `${JSON.stringify(r, null, 2)}\n`
}

/** Text for a Markdown table cell or line: one line, Markdown and HTML punctuation escaped. */
export function mdText(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/[\\`*_[\]<>|~#!{}]/g, (c) => `\\${c}`)
  )
}

/** Text for HTML (element content and attribute values). */
export function htmlText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const day = (iso: string) => iso.replace('T', ' ').slice(0, 16)

function riskCounts(byRisk: Record<RiskLevel, number>): string {
  return RISK_LEVELS.filter((l) => byRisk[l] > 0)
    .map((l) => `${byRisk[l]} ${l}`)
    .join(', ')
}

/** Where a tripped check is accepted: the scanner file that names it, in words. */
function artefactOf(a: Acceptance): string {
  const out: string[] = []
  const scuba = scubaPolicyId(a)
  if (scuba) out.push(`ScubaGear ${scuba}`)
  const maester = maesterTestId(a)
  if (maester) out.push(`Maester ${maester}`)
  return out.join(', ') || 'no scanner file'
}

function tenantTitle(t: ReportTenant): string {
  const name = t.displayName && t.displayName !== t.name ? `${t.displayName} (${t.name})` : t.name
  return `${name}, ${t.id}`
}

/** The report as Markdown. */
export function renderMarkdown(r: PassageReport): string {
  const out: string[] = [
    `# passage report: ${r.scope === 'fleet' ? 'the fleet' : mdText(r.tenants[0]?.name ?? 'tenant')}`,
    '',
    `Generated ${day(r.generatedAt)} UTC from ${mdText(r.source)}`,
    '',
    `${r.totals.tenants} tenant${r.totals.tenants === 1 ? '' : 's'}, ${r.totals.vendors} vendor${r.totals.vendors === 1 ? '' : 's'}, ${r.totals.changes} change${r.totals.changes === 1 ? '' : 's'} in effect${r.totals.changes ? ` (${riskCounts(r.totals.byRisk)} risk)` : ''}, ${r.totals.baselineChecks} baseline check${r.totals.baselineChecks === 1 ? '' : 's'} tripped.`,
  ]
  for (const t of r.tenants) {
    out.push('', `## ${mdText(tenantTitle(t))}`)
    if (t.fleet)
      out.push(
        '',
        `Fleet: ${mdText(t.fleet.state)}${t.fleet.tags.length ? `, tags ${mdText(t.fleet.tags.join(', '))}` : ''}`,
      )
    if (!t.vendors.length) {
      out.push('', 'Nothing passage applied is in effect here.')
      continue
    }
    for (const v of t.vendors) {
      out.push(
        '',
        `### ${mdText(v.name)}`,
        '',
        '| Change | Risk accepted | Baseline checks it trips | Applied (UTC) | Run | Plan |',
        '| --- | --- | --- | --- | --- | --- |',
      )
      for (const c of v.changes) {
        const checks = c.baselines.map((b) => `${b.scanner} ${b.check}: ${b.title}`).join('; ')
        const expiry = c.expiresAt
          ? ` (${c.expired ? 'expired' : 'expires'} ${c.expiresAt.slice(0, 10)})`
          : ''
        out.push(
          `| ${mdText(`${c.changeId} ${c.summary}${expiry}`)} | ${mdText(`${c.risk.level}: ${c.risk.reason}`)} | ${mdText(checks || 'none')} | ${day(c.appliedAt)} by ${mdText(c.actor)} | ${c.runId} | ${c.planHash.slice(0, 12)} |`,
        )
      }
    }
    if (t.acceptances.length) {
      out.push(
        '',
        '### Risk accepted for the scanners',
        '',
        '| Scanner | Check | Accepted until | Because of | Scanner file entry |',
        '| --- | --- | --- | --- | --- |',
      )
      for (const a of t.acceptances)
        out.push(
          `| ${a.scanner} | ${mdText(`${a.check}: ${a.title}`)} | ${a.acceptedUntil} (${untilWords(a)}) | ${mdText(a.changes.map((c) => `${c.vendor} ${c.changeId}`).join(', '))} | ${mdText(artefactOf(a))} |`,
        )
    }
  }
  out.push('', `Maester: ${mdText(MAESTER_NOTICE)}`, '')
  return out.join('\n')
}

function untilWords(a: Acceptance): string {
  return a.untilSource === 'given'
    ? 'as given'
    : a.untilSource === 'tabl-expiry'
      ? 'the vendor’s allow entry expires then'
      : 'default, 90 days'
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1b1b;max-width:78rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d0d0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.risk-critical{color:#8b0000;font-weight:600}.risk-high{color:#b03000;font-weight:600}
.risk-medium{color:#7a5a00}.risk-low{color:#2e6b2e}code{font-size:.9em}.muted{color:#555}`

/**
 * The report as one HTML page: styles inline, no script, no external resource (its
 * Content-Security-Policy forbids loading any), every value escaped.
 */
export function renderHtml(r: PassageReport): string {
  const h = htmlText
  const title = `passage report: ${r.scope === 'fleet' ? 'the fleet' : (r.tenants[0]?.name ?? 'tenant')}`
  const body: string[] = [
    `<h1>${h(title)}</h1>`,
    `<p class="muted">Generated ${h(day(r.generatedAt))} UTC from ${h(r.source)}</p>`,
    `<p>${r.totals.tenants} tenant(s), ${r.totals.vendors} vendor(s), ${r.totals.changes} change(s) in effect${r.totals.changes ? ` (${h(riskCounts(r.totals.byRisk))} risk)` : ''}, ${r.totals.baselineChecks} baseline check(s) tripped.</p>`,
  ]
  for (const t of r.tenants) {
    body.push(`<section><h2>${h(tenantTitle(t))}</h2>`)
    if (t.fleet)
      body.push(
        `<p>Fleet: ${h(t.fleet.state)}${t.fleet.tags.length ? `, tags ${h(t.fleet.tags.join(', '))}` : ''}</p>`,
      )
    if (!t.vendors.length) body.push('<p>Nothing passage applied is in effect here.</p>')
    for (const v of t.vendors) {
      body.push(
        `<h3>${h(v.name)}</h3>`,
        '<table><thead><tr><th>Change</th><th>Risk accepted</th><th>Baseline checks it trips</th><th>Applied (UTC)</th><th>Run</th><th>Plan</th></tr></thead><tbody>',
      )
      for (const c of v.changes) {
        const checks = c.baselines.length
          ? `<ul>${c.baselines.map((b) => `<li>${h(`${b.scanner} ${b.check}`)}: ${h(b.title)}</li>`).join('')}</ul>`
          : 'none'
        const expiry = c.expiresAt
          ? ` <span class="muted">(${c.expired ? 'expired' : 'expires'} ${h(c.expiresAt.slice(0, 10))})</span>`
          : ''
        body.push(
          `<tr><td><code>${h(c.changeId)}</code> ${h(c.summary)}${expiry}</td><td><span class="risk-${h(c.risk.level)}">${h(c.risk.level)}</span>: ${h(c.risk.reason)}</td><td>${checks}</td><td>${h(day(c.appliedAt))} by ${h(c.actor)}</td><td>${c.runId}</td><td><code>${h(c.planHash.slice(0, 12))}</code></td></tr>`,
        )
      }
      body.push('</tbody></table>')
    }
    if (t.acceptances.length) {
      body.push(
        '<h3>Risk accepted for the scanners</h3>',
        '<table><thead><tr><th>Scanner</th><th>Check</th><th>Accepted until</th><th>Because of</th><th>Scanner file entry</th></tr></thead><tbody>',
      )
      for (const a of t.acceptances)
        body.push(
          `<tr><td>${h(a.scanner)}</td><td>${h(a.check)}: ${h(a.title)}</td><td>${h(a.acceptedUntil)} <span class="muted">(${h(untilWords(a))})</span></td><td>${h(a.changes.map((c) => `${c.vendor} ${c.changeId}`).join(', '))}</td><td>${h(artefactOf(a))}</td></tr>`,
        )
      body.push('</tbody></table>')
    }
    body.push('</section>')
  }
  body.push(`<p class="muted">Maester: ${h(MAESTER_NOTICE)}</p>`)
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title><style>${STYLE}</style></head><body>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n')
}

/** The report in a format. */
export function renderReport(r: PassageReport, format: ReportFormat): string {
  return format === 'json' ? renderJson(r) : format === 'html' ? renderHtml(r) : renderMarkdown(r)
}
