/**
 * `passage vendors` and `passage vendor show`: the implementation, loaded when the command runs
 * (see ./vendors.ts). Built, both read the catalog and the mechanisms' notes from the JSON the
 * build validated and wrote, without the YAML parser, zod or the mechanism registry.
 */
import { getVendorFast, loadCatalogFast } from '../../catalog/built.js'
import { PROTECTIONS } from '../../core/protections/definitions.js'
import { mechanismNotes } from '../mechanism-notes.js'
import { paint, printJson } from '../output.js'
import { table } from '../table.js'
import type { VendorsOptions } from './vendors.js'

/** Lists the vendor catalog. */
export async function listVendors(opts: VendorsOptions): Promise<void> {
  const vendors = await loadCatalogFast()
  if (opts.json)
    return printJson(
      vendors.map((v) => ({
        id: v.id,
        name: v.name,
        category: v.category,
        summary: v.summary,
        asOf: v.asOf,
      })),
    )
  console.log(
    table(
      ['id', 'name', 'category', 'what it is'],
      vendors.map((v) => [v.id, v.name, v.category, v.summary]),
      70,
    ),
  )
  console.log(`\n${vendors.length} vendors. Details: passage vendor show <id>`)
}

/** Shows one vendor profile. */
export async function showVendor(id: string, opts: VendorsOptions): Promise<void> {
  const v = await getVendorFast(id)
  if (opts.json) return printJson(v)
  const out: string[] = [
    paint('bold', `${v.name} (${v.id}) — ${v.category}`),
    v.summary,
    `as of ${v.asOf}`,
    '',
  ]
  const s = v.sending
  const ident: [string, string[]][] = [
    ['sending IPs', s.ips],
    ['envelope domains', s.envelopeDomains],
    ['DKIM domains', s.dkimDomains],
    ['header From domains', s.headerFromDomains],
    ['link/tracking domains', s.linkDomains],
  ]
  out.push(paint('bold', 'Identity'))
  for (const [label, xs] of ident) if (xs.length) out.push(`  ${label}: ${xs.join(', ')}`)
  for (const [param, byValue] of Object.entries(v.variants))
    for (const [value, extra] of Object.entries(byValue))
      out.push(
        `  when ${param}=${value}: ${Object.entries(extra)
          .map(([k, xs]) => `${k} ${(xs ?? []).join(', ')}`)
          .join('; ')}`,
      )
  if (v.params.length) {
    out.push('', paint('bold', 'Parameters (--param key=value)'))
    out.push(
      table(
        ['key', 'type', 'required', 'what'],
        v.params.map((p) => [
          p.key,
          p.type + (p.options ? ` (${p.options.join('|')})` : ''),
          p.required ? 'yes' : 'no',
          `${p.label}: ${p.description}`,
        ]),
        60,
      ),
    )
  }
  if (v.asks.length)
    out.push('', paint('bold', 'What the vendor asks'), ...v.asks.map((a) => `  - ${a}`))
  out.push('', paint('bold', 'Protections (* = the vendor recommends adjusting it)'))
  const notes = await mechanismNotes()
  out.push(
    table(
      ['protection', 'mechanisms, least risky first (risk)', 'vendor recipe'],
      PROTECTIONS.map((p) => [
        `${v.recommended.includes(p.id) ? '*' : ' '} ${p.id}`,
        p.mechanisms
          .map(
            (m) => `${m} (${notes[m].refused ? 'refused' : `${notes[m].risk}; ${notes[m].needs}`})`,
          )
          .join('\n'),
        v.recipe[p.id] ?? '',
      ]),
      60,
    ),
  )
  if (v.notes.length) out.push('', paint('bold', 'Notes'), ...v.notes.map((n) => `  - ${n}`))
  out.push(
    '',
    paint('bold', 'Sources'),
    ...v.sources.map((s) => `  - ${s.title}${s.url ? ` <${s.url}>` : ''}`),
  )
  console.log(out.join('\n'))
}
