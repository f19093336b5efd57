import type { Command } from 'commander'
import { getVendor, loadCatalog } from '../../catalog/index.js'
import { MECHANISMS } from '../../core/mechanisms/index.js'
import { PROTECTIONS } from '../../core/protections/definitions.js'
import { paint, printJson } from '../output.js'
import { table } from '../table.js'

/** `passage vendors` and `passage vendor show <id>`. */
export function registerVendorCommands(program: Command): void {
  program
    .command('vendors')
    .description('list the vendor catalog')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const vendors = loadCatalog()
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
    })

  const vendor = program.command('vendor').description('show one vendor profile')
  vendor
    .command('show')
    .argument('<id>', 'vendor id (see passage vendors)')
    .option('--json', 'print JSON')
    .description(
      'what a vendor asks of Microsoft 365 admins, its identity and parameters, and the protections passage can adjust',
    )
    .action((id: string, opts: { json?: boolean }) => {
      const v = getVendor(id)
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
      out.push(
        table(
          ['protection', 'mechanisms, least risky first (risk)', 'vendor recipe'],
          PROTECTIONS.map((p) => [
            `${v.recommended.includes(p.id) ? '*' : ' '} ${p.id}`,
            p.mechanisms
              .map(
                (m) =>
                  `${m} (${MECHANISMS[m].refused ? 'refused' : `${MECHANISMS[m].risk}; ${MECHANISMS[m].needs}`})`,
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
    })
}
