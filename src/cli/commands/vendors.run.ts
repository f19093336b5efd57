/**
 * `passage vendors` and `passage vendor show`: the implementation, loaded when the command runs
 * (see ./vendors.ts). Built, both read the catalog and the mechanisms' notes from the JSON the
 * build validated and wrote, without the YAML parser, zod or the mechanism registry.
 */
import { getVendorFast, loadCatalogFast } from '../../catalog/built.js'
import { PROTECTIONS } from '../../core/protections/definitions.js'
import type { MechanismId } from '../../core/protections/ids.js'
import { categoryLabel } from '../../core/vendor/categories.js'
import type { VendorParam, VendorProfile } from '../../core/vendor/profile.js'
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
      vendors.map((v) => [v.id, displayName(v), displayCategory(v), v.summary]),
      70,
    ),
  )
  console.log(
    `\n${vendors.length} vendors. For the details of one, give its id: passage vendor show knowbe4`,
  )
}

/** A profile's name in words: the custom profile's is the one you give it. */
function displayName(v: VendorProfile): string {
  return v.id === 'custom' ? 'Your own service' : v.name
}

/** A profile's category in words: the custom profile's is the one you choose. */
function displayCategory(v: VendorProfile): string {
  return v.id === 'custom' ? 'any category you choose' : categoryLabel(v.category)
}

/** `${key}` (a value the admin supplies), as `vendor show` reads it. */
const PARAM_REF = /^\$\{([a-zA-Z][a-zA-Z0-9]*)\}$/

/**
 * One identity value in words: a literal as it is, a parameter reference as what you give
 * ("the Dedicated Email Delivery IP you give with --param dedicatedIp").
 */
export function identityValue(value: string, params: readonly VendorParam[]): string {
  const key = PARAM_REF.exec(value)?.[1]
  if (!key) return value
  const p = params.find((x) => x.key === key)
  return `the ${p ? p.label.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase()) : key} you give with --param ${key}`
}

/** The identity lists of a profile, with their labels. */
const IDENTITY: [keyof VendorProfile['sending'], string][] = [
  ['ips', 'sending IPs'],
  ['envelopeDomains', 'envelope domains'],
  ['dkimDomains', 'DKIM domains'],
  ['headerFromDomains', 'header From domains'],
  ['linkDomains', 'link/tracking domains'],
]

/** Shows one vendor profile. */
export async function showVendor(id: string, opts: VendorsOptions): Promise<void> {
  const v = await getVendorFast(id)
  if (opts.json) return printJson(v)
  const out: string[] = [
    paint('bold', `${displayName(v)} (${v.id}) — ${displayCategory(v)}`),
    v.summary,
    `as of ${v.asOf}`,
    '',
  ]
  out.push(paint('bold', 'Identity'))
  for (const [key, label] of IDENTITY) {
    const xs = v.sending[key]
    if (xs.length) out.push(`  ${label}: ${xs.map((x) => identityValue(x, v.params)).join(', ')}`)
  }
  for (const [param, byValue] of Object.entries(v.variants))
    for (const [value, extra] of Object.entries(byValue)) {
      const lists = IDENTITY.filter(([key]) => extra[key]?.length).map(
        ([key, label]) => `${label} ${(extra[key] ?? []).join(', ')}`,
      )
      if (lists.length) out.push(`  with --param ${param}=${value}, also ${lists.join('; ')}`)
    }
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
            (m) =>
              `${notes[m].title} (${notes[m].refused ? 'refused' : `${notes[m].risk} risk; ${notes[m].needs}`})`,
          )
          .join('\n'),
        recipeTitle(v.recipe[p.id], notes),
      ]),
      44,
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

/** The title of the mechanism a vendor's recipe uses for a protection ('' when none). */
function recipeTitle(
  id: MechanismId | undefined,
  notes: Record<MechanismId, { title: string }>,
): string {
  return id ? notes[id].title : ''
}
