import { readFileSync, readdirSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { PassageError, parseWith, type ValidationIssue } from '../core/errors/index.js'
import { isValidDomain } from '../core/net/domain.js'
import { parseIpEntry } from '../core/net/ip.js'
import { builtCatalog, findVendor } from './built.js'
import {
  PARAM_REF,
  VendorCategory,
  VendorProfile,
  type SendingIdentity,
  type VendorParam,
} from '../core/vendor/profile.js'

/** The folder of catalog profiles: src/catalog/vendors, or dist/catalog/vendors once built. */
const VENDORS_DIR = fileURLToPath(new URL('./vendors/', import.meta.url))

const SENDING_FIELDS = [
  'ips',
  'envelopeDomains',
  'dkimDomains',
  'headerFromDomains',
  'linkDomains',
] as const satisfies readonly (keyof SendingIdentity)[]

/** The parameter types a `${key}` reference may name, by where the reference stands. */
const REF_TYPES: Record<'ips' | 'domains' | 'name' | 'category', VendorParam['type'][]> = {
  ips: ['ipv4', 'ip-list'],
  domains: ['domain', 'domain-list'],
  name: ['string', 'enum'],
  category: ['enum'],
}

/**
 * Checks what the schema cannot: parameter declarations, that every `${key}` reference names a
 * declared parameter of a fitting type, that variants name enum parameters and their options, and
 * that literal list entries are IP addresses or domain names.
 */
function profileIssues(p: VendorProfile): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const defs = new Map<string, VendorParam>()
  p.params.forEach((def, i) => {
    const at = `params[${i}]`
    if (defs.has(def.key))
      issues.push({ path: `${at}.key`, message: `duplicate parameter '${def.key}'` })
    defs.set(def.key, def)
    if (def.type === 'enum') {
      if (!def.options?.length)
        issues.push({ path: `${at}.options`, message: 'an enum parameter needs options' })
      else if (def.default !== undefined && !def.options.includes(def.default))
        issues.push({
          path: `${at}.default`,
          message: `'${def.default}' is not one of ${def.options.join(', ')}`,
        })
    } else if (def.options)
      issues.push({ path: `${at}.options`, message: 'only an enum parameter takes options' })
  })

  /** Checks one entry: a whole-entry reference to a fitting parameter, or a valid literal. */
  const entry = (
    path: string,
    value: string,
    where: keyof typeof REF_TYPES,
    literal?: (v: string) => string | undefined,
  ) => {
    const m = PARAM_REF.exec(value)
    if (!m) {
      if (value.includes('${'))
        issues.push({ path, message: `'${value}': a \${key} reference must be the whole entry` })
      else {
        const why = literal?.(value)
        if (why) issues.push({ path, message: why })
      }
      return
    }
    const key = m[1] ?? ''
    const def = defs.get(key)
    if (!def) {
      issues.push({ path, message: `'${value}' names no declared parameter` })
      return
    }
    if (!REF_TYPES[where].includes(def.type))
      issues.push({
        path,
        message: `'${value}' is a ${def.type} parameter; here it must be ${REF_TYPES[where].join(' or ')}`,
      })
    else if (where === 'category') {
      const bad = (def.options ?? []).filter(
        (o) => !(VendorCategory.options as readonly string[]).includes(o),
      )
      if (bad.length)
        issues.push({
          path,
          message: `'${value}' has options that are not categories: ${bad.join(', ')}`,
        })
    }
  }

  const ipLiteral = (v: string) =>
    parseIpEntry(v) ? undefined : `'${v}' is not an IP address, CIDR or range`
  const domainLiteral = (v: string) => (isValidDomain(v) ? undefined : `'${v}' is not a domain`)
  const identity = (path: string, s: Partial<SendingIdentity>) => {
    for (const field of SENDING_FIELDS)
      (s[field] ?? []).forEach((v, i) =>
        field === 'ips'
          ? entry(`${path}.${field}[${i}]`, v, 'ips', ipLiteral)
          : entry(`${path}.${field}[${i}]`, v, 'domains', domainLiteral),
      )
  }

  entry('name', p.name, 'name')
  entry('category', p.category, 'category')
  identity('sending', p.sending)
  for (const [key, byValue] of Object.entries(p.variants)) {
    const def = defs.get(key)
    if (!def || def.type !== 'enum') {
      issues.push({
        path: `variants.${key}`,
        message: def
          ? `variants must name an enum parameter; '${key}' is ${def.type}`
          : `variants name '${key}', which is no declared parameter`,
      })
      continue
    }
    for (const [value, extra] of Object.entries(byValue)) {
      if (!def.options?.includes(value))
        issues.push({
          path: `variants.${key}.${value}`,
          message: `'${value}' is not an option of '${key}' (${(def.options ?? []).join(', ')})`,
        })
      identity(`variants.${key}.${value}`, extra)
    }
  }
  // Facts cite literal values the profile lists (sending or variants), nothing else.
  const listed = new Set(literalValues(p))
  p.facts.forEach((f, i) =>
    f.values.forEach((v, j) => {
      if (f.about === undefined && !listed.has(v.toLowerCase()))
        issues.push({
          path: `facts[${i}].values[${j}]`,
          message: `'${v}' is not a literal sending value of this profile`,
        })
    }),
  )
  return issues
}

/** The literal (not `${param}`) sending values of a profile, with its variants', lower-cased. */
export function literalValues(p: VendorProfile): string[] {
  const out: string[] = []
  const add = (s: Partial<SendingIdentity>) => {
    for (const field of SENDING_FIELDS)
      for (const v of s[field] ?? []) if (!PARAM_REF.test(v)) out.push(v.toLowerCase())
  }
  add(p.sending)
  for (const byValue of Object.values(p.variants))
    for (const extra of Object.values(byValue)) add(extra)
  return [...new Set(out)]
}

/** Literal sending values of a profile that no fact cites (they have no recorded source). */
export function unsourcedValues(p: VendorProfile): string[] {
  const cited = new Set(
    p.facts
      .filter((f) => f.about === undefined)
      .flatMap((f) => f.values.map((v) => v.toLowerCase())),
  )
  return literalValues(p).filter((v) => !cited.has(v))
}

/**
 * Validates parsed data as a vendor profile: the VendorProfile schema, then parameter references,
 * variants and literal IPs/domains. Throws PASSAGE_E_VENDOR_INVALID naming `what` and the fields.
 */
export function parseVendorProfile(data: unknown, what = 'vendor profile'): VendorProfile {
  const profile = parseWith(VendorProfile, data, 'PASSAGE_E_VENDOR_INVALID', what)
  const issues = profileIssues(profile)
  if (issues.length) {
    const shown = issues.slice(0, 8).map((i) => `  ${i.path}: ${i.message}`)
    if (issues.length > 8) shown.push(`  ... and ${issues.length - 8} more`)
    throw new PassageError('PASSAGE_E_VENDOR_INVALID', `${what} is invalid:\n${shown.join('\n')}`, {
      details: { issues },
    })
  }
  return profile
}

/**
 * The largest vendor profile passage reads: the catalog's are under 8 KB. The cap also bounds the
 * YAML parser's duplicate-key check, which grows with the square of a map's keys.
 */
export const MAX_VENDOR_FILE_BYTES = 64 * 1024

/** Parses YAML (or JSON, which YAML includes) text, or throws PASSAGE_E_VENDOR_INVALID. */
function parseText(text: string, what: string, json: boolean): unknown {
  if (text.length > MAX_VENDOR_FILE_BYTES)
    throw new PassageError(
      'PASSAGE_E_VENDOR_INVALID',
      `${what} is ${Math.ceil(text.length / 1024)} KB; a vendor profile may be at most ${MAX_VENDOR_FILE_BYTES / 1024} KB.`,
    )
  try {
    return json ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown)
  } catch (e) {
    throw new PassageError(
      'PASSAGE_E_VENDOR_INVALID',
      `${what} is not valid ${json ? 'JSON' : 'YAML'}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    )
  }
}

let cache: readonly VendorProfile[] | undefined

/**
 * Reads and validates every YAML profile of the catalog folder, sorted by id. The build runs it to
 * write dist/catalog/vendors.json (scripts/build-catalog.mjs); loadCatalog() uses that file when it
 * is there, and this otherwise (running from the sources).
 */
export function readCatalogSources(): VendorProfile[] {
  let files: string[]
  try {
    files = readdirSync(VENDORS_DIR).filter((f) => f.endsWith('.yaml'))
  } catch (e) {
    throw new PassageError(
      'PASSAGE_E_INTERNAL',
      `The vendor catalog folder ${VENDORS_DIR} cannot be read.`,
      { cause: e },
    )
  }
  const profiles = files.map((file) => {
    const what = `vendor profile ${file}`
    const text = readFileSync(join(VENDORS_DIR, file), 'utf8')
    const profile = parseVendorProfile(parseText(text, what, false), what)
    const id = basename(file, '.yaml')
    if (profile.id !== id)
      throw new PassageError(
        'PASSAGE_E_VENDOR_INVALID',
        `${what} has id '${profile.id}'; a catalog profile's id must equal its file name ('${id}').`,
      )
    return profile
  })
  return profiles.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/**
 * Every profile of the catalog (src/catalog/vendors/*.yaml), validated and sorted by id. The files
 * are read once; each call returns fresh copies that the caller may change. Built, the catalog is
 * read from dist/catalog/vendors.json, which the build validated from the same files (./built.ts).
 */
export function loadCatalog(): VendorProfile[] {
  // The built catalog was validated by readCatalogSources() at build time: no need to again.
  cache ??= builtCatalog() ?? readCatalogSources()
  return structuredClone(cache) as VendorProfile[]
}

/**
 * The catalog profile with this id (case-insensitive). Throws PASSAGE_E_VENDOR_UNKNOWN, suggesting
 * the closest known id, when there is none.
 */
export function getVendor(id: string): VendorProfile {
  return findVendor(loadCatalog(), id)
}

/**
 * A vendor profile from a YAML or JSON file (the catalog's format), e.g. a custom service.
 * Throws PASSAGE_E_FILE when it cannot be read, PASSAGE_E_VENDOR_INVALID when it is not a valid
 * profile.
 */
export function loadVendorFile(path: string): VendorProfile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : '')
    throw new PassageError(
      'PASSAGE_E_FILE',
      `The vendor file ${path} cannot be read${reason ? ` (${reason})` : ''}.`,
      {
        cause: e,
        details: { path },
      },
    )
  }
  const what = `vendor file ${path}`
  const json = extname(path).toLowerCase() === '.json'
  return parseVendorProfile(parseText(text, what, json), what)
}
