// Validates the vendor catalog at build time and writes what the CLI reads at start instead of
// importing the YAML parser, zod and the mechanism registry (the review "performance-2026-12",
// cold start): dist/catalog/vendors.json, every YAML profile loaded and validated by the catalog's
// own loader (src/catalog/load.ts), and dist/cli/mechanisms.json, what `passage vendor show`
// prints of each mechanism. Runs after tsc (it imports the built modules). A profile that does not
// validate fails the build with the loader's message.
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

const { readCatalogSources } = await import('../dist/catalog/load.js')
const { BUILT_CATALOG_FILE, BUILT_CATALOG_FORMAT, BUILT_CATALOG_VERSION } =
  await import('../dist/catalog/built.js')
const { MECHANISMS } = await import('../dist/core/mechanisms/index.js')
const { MECHANISM_NOTES_FILE, mechanismNotesOf } = await import('../dist/cli/mechanism-notes.js')

/** Writes `value` as JSON, after checking that reading it back gives the same value. */
function writeJson(path, value) {
  const text = JSON.stringify(value)
  // JSON drops undefined fields and turns other values into strings: the file must read back as
  // exactly what the loader returned, or the built CLI would not behave as the sources do.
  if (!isDeepStrictEqual(JSON.parse(text), value))
    throw new Error(
      `${path}: the value does not survive JSON (undefined fields or non-JSON values)`,
    )
  writeFileSync(path, `${text}\n`)
}

try {
  const vendors = readCatalogSources()
  writeJson(join(dist, 'catalog', BUILT_CATALOG_FILE), {
    format: BUILT_CATALOG_FORMAT,
    version: BUILT_CATALOG_VERSION,
    vendors,
  })
  writeJson(join(dist, 'cli', MECHANISM_NOTES_FILE), mechanismNotesOf(MECHANISMS))
} catch (e) {
  console.error(`build-catalog: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
}
