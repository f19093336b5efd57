import { describe, expect, it } from 'vitest'
import { buildReport, REPORT_SCHEMA_VERSION, type PassageReport } from './model.js'
import { renderHtml, renderJson, renderMarkdown } from './render.js'
import { applied, change, IP_ALLOW_HITS, NOW } from './test-fixtures.js'

const HOSTILE = 'Beta <script>alert(1)</script> | "quoted" & \'single\''

function report(vendorName = HOSTILE): PassageReport {
  return buildReport({
    scope: 'tenant',
    now: NOW,
    tenants: [
      {
        id: 'fd46b0cc-ba27-4bee-ac95-13bad50640e3',
        name: 'contoso.onmicrosoft.com',
        displayName: 'Contoso <b>',
        fleet: null,
        applied: [
          applied(change({ id: 'c01', summary: `Create rule for ${vendorName}` }), {
            id: 'custom',
            name: vendorName,
          }),
          applied(
            change({
              id: 'c02',
              surface: 'connection-filter',
              target: 'Default',
              baselines: IP_ALLOW_HITS,
              risk: { level: 'high', reason: 'allows the IPs' },
            }),
            { id: 'custom', name: vendorName },
          ),
        ],
      },
    ],
  })
}

describe('renderHtml', () => {
  it('escapes every value: a vendor named with a <script> tag stays text', () => {
    const html = renderHtml(report())
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain(
      'Beta &lt;script&gt;alert(1)&lt;/script&gt; | &quot;quoted&quot; &amp; &#39;single&#39;',
    )
    expect(html).toContain('Contoso &lt;b&gt;')
  })

  it('is one self-contained page: no script, no external resource, a CSP that forbids loading any', () => {
    const html = renderHtml(report('ContactMonkey'))
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|https?:\/\//i)
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`)
    expect(html.startsWith('<!doctype html>')).toBe(true)
  })

  it('shows per change the risk accepted and the checks it trips, and per check until when', () => {
    const html = renderHtml(report('ContactMonkey'))
    expect(html).toContain('<span class="risk-high">high</span>: allows the IPs')
    expect(html).toContain(
      '<li>CISA MS.SECURITYSUITE.8.1</li>'.replace(
        '</li>',
        ': IP allow lists should not be created</li>',
      ),
    )
    expect(html).toMatch(
      /MS\.SECURITYSUITE\.8\.1: IP allow lists should not be created<\/td><td>2027-03-01/,
    )
    expect(html).toContain('ScubaGear MS.SECURITYSUITE.8.1v1, Maester CISA.MS.EXO.12.1')
  })
})

describe('renderMarkdown', () => {
  it('escapes Markdown and HTML in values, so a name can neither inject HTML nor break a table row', () => {
    const md = renderMarkdown(report())
    // Every < is escaped: no HTML tag a Markdown viewer would render.
    expect(md).not.toMatch(/(?<!\\)</)
    expect(md).toContain('### Beta \\<script\\>alert(1)\\</script\\> \\| "quoted" &amp; \'single\'')
    const rows = md.split('\n').filter((l) => l.startsWith('| c0'))
    // Six columns each: the | in the vendor name is escaped.
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length).toBe(8)
  })

  it('lists each vendor’s changes with risk, checks, when, run and plan, then the checks accepted until when', () => {
    const md = renderMarkdown(report('ContactMonkey'))
    expect(md).toContain(
      '| c02 Create mail flow rule passage: vendor bypass spam filtering | high: allows the IPs | ORCA 114: IP Allow List in the connection filter; CIS 2.1.12:',
    )
    expect(md).toContain('| 2026-11-20 09:00 by admin@contoso.onmicrosoft.com | 1 | aaaaaaaaaaaa |')
    expect(md).toContain(
      '| CISA | MS.SECURITYSUITE.8.1: IP allow lists should not be created | 2027-03-01 (default, 90 days) |',
    )
    expect(md).toContain('Maester has no documented per-test exception')
  })
})

describe('renderJson', () => {
  it('is the report document with its schemaVersion', () => {
    const doc = JSON.parse(renderJson(report())) as PassageReport
    expect(doc.schemaVersion).toBe(REPORT_SCHEMA_VERSION)
    expect(doc.format).toBe('passage.report')
    expect(doc.tenants[0]!.vendors[0]!.name).toBe(HOSTILE)
  })
})
