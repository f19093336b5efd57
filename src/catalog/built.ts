/**
 * The vendor catalog as the build validated it: `npm run build` loads every YAML profile with the
 * loader of ./load.ts (schema and cross-checks) and writes the result to dist/catalog/vendors.json
 * (scripts/build-catalog.mjs). Reading that JSON costs a few milliseconds, where importing the
 * YAML parser and zod and validating every profile cost 100-200 ms at each start of the CLI.
 *
 * This module is light on purpose (node:fs, core/errors and core/vendor/shown only): `passage
 * vendors` and `passage vendor show` import it alone. Running from the sources (vitest, tsx)
 * there is no JSON, and the callers fall back to ./load.ts, which reads and validates the YAML.
 */
import { readFileSync } from 'node:fs'
import { PassageError } from '../core/errors/index.js'
import { shown } from '../core/vendor/shown.js'
import type { VendorProfile } from '../core/vendor/profile.js'

/** The file the build writes beside this module (dist/catalog/vendors.json). */
export const BUILT_CATALOG_FILE = 'vendors.json'

/** The format marker of that file, checked on reading so that a foreign file is not trusted. */
export const BUILT_CATALOG_FORMAT = 'passage.catalog'

/** The version of that file's shape. */
export const BUILT_CATALOG_VERSION = 1

/** The content of dist/catalog/vendors.json: the validated profiles, sorted by id. */
export interface BuiltCatalog {
  format: typeof BUILT_CATALOG_FORMAT
  version: typeof BUILT_CATALOG_VERSION
  vendors: VendorProfile[]
}

const BUILT_CATALOG_URL = new URL(`./${BUILT_CATALOG_FILE}`, import.meta.url)

// undefined: not read yet; null: there is no built catalog (running from the sources).
let built: VendorProfile[] | null | undefined

/**
 * The catalog validated at build time, or undefined when there is none (running from src). The
 * array is shared: callers copy it before handing it out. Throws PASSAGE_E_INTERNAL when the file
 * exists but is not a catalog this version wrote (a broken build).
 */
export function builtCatalog(): readonly VendorProfile[] | undefined {
  if (built === undefined) built = readBuiltCatalog()
  return built ?? undefined
}

function readBuiltCatalog(): VendorProfile[] | null {
  let text: string
  try {
    text = readFileSync(BUILT_CATALOG_URL, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new PassageError('PASSAGE_E_INTERNAL', `The built vendor catalog cannot be read.`, {
      cause: e,
    })
  }
  let data: Partial<BuiltCatalog> | undefined
  try {
    data = JSON.parse(text) as Partial<BuiltCatalog>
  } catch {
    // Reported below with the other ways of being no catalog.
  }
  if (
    data?.format !== BUILT_CATALOG_FORMAT ||
    data.version !== BUILT_CATALOG_VERSION ||
    !Array.isArray(data.vendors)
  )
    throw new PassageError(
      'PASSAGE_E_INTERNAL',
      `The built vendor catalog (${BUILT_CATALOG_FILE}) is damaged or from another version; rebuild with \`npm run build\`.`,
    )
  return data.vendors
}

/**
 * Every profile of the catalog, validated and sorted by id, as fresh copies the caller may change:
 * loadCatalog() of ./load.ts, without loading the YAML parser or zod when the build's JSON is
 * there.
 */
export async function loadCatalogFast(): Promise<VendorProfile[]> {
  const catalog = builtCatalog()
  if (catalog) return structuredClone(catalog) as VendorProfile[]
  const { loadCatalog } = await import('./load.js')
  return loadCatalog()
}

/**
 * The catalog profile with this id (case-insensitive): getVendor() of ./load.ts, without loading
 * the YAML parser or zod when the build's JSON is there. Throws PASSAGE_E_VENDOR_UNKNOWN as it does.
 */
export async function getVendorFast(id: string): Promise<VendorProfile> {
  return findVendor(await loadCatalogFast(), id)
}

/** Edit distance between two strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row.push(
        Math.min(
          (prev[j] ?? 0) + 1,
          (row[j - 1] ?? 0) + 1,
          (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        ),
      )
    prev = row
  }
  return prev[b.length] ?? 0
}

/**
 * The known id closest to what was typed, when it is close enough to be what was meant: one it
 * starts or contains (three characters or more), else the nearest by edits if at most a third
 * of its characters differ. "zzzz" gets no suggestion (the nearest id, "custom", is unrelated),
 * nor does a huge input, whose distance to every id is at least the difference in length.
 */
function closest(input: string, ids: readonly string[]): string | undefined {
  const text = input.trim().toLowerCase()
  if (!text) return undefined
  // A letter or two is part of too many ids to mean one of them.
  const prefixed =
    text.length >= 3
      ? (ids.find((id) => id.startsWith(text)) ?? ids.find((id) => id.includes(text)))
      : undefined
  if (prefixed) return prefixed
  let best: { id: string; d: number } | undefined
  for (const id of ids) {
    const allowed = Math.floor(Math.max(text.length, id.length) / 3)
    if (Math.abs(text.length - id.length) > allowed) continue
    const d = distance(text, id)
    if (d <= allowed && (!best || d < best.d)) best = { id, d }
  }
  return best?.id
}

/**
 * The profile with this id (case-insensitive) in a catalog. Throws PASSAGE_E_VENDOR_UNKNOWN,
 * suggesting a close known id when there is one. The id is quoted as parameter validation
 * quotes a value (core/vendor/shown.ts), in the message and the details alike.
 */
export function findVendor(catalog: VendorProfile[], id: string): VendorProfile {
  const wanted = id.trim().toLowerCase()
  const found = catalog.find((v) => v.id === wanted)
  if (found) return found
  const ids = catalog.map((v) => v.id)
  const suggestion = closest(id, ids)
  throw new PassageError(
    'PASSAGE_E_VENDOR_UNKNOWN',
    `There is no vendor '${shown(id)}' in the catalog.`,
    {
      hint: `${suggestion ? `Did you mean '${suggestion}'? ` : ''}Run \`passage vendors\` to list the catalog, or use \`custom\` with --param or --vendor-file.`,
      details: { id: shown(id), ...(suggestion ? { suggestion } : {}), known: ids },
    },
  )
}
