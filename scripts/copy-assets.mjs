// Copies the non-TypeScript files the built program reads into dist/: the vendor YAML, which
// scripts/build-catalog.mjs (the next build step) validates into dist/catalog/vendors.json.
import { cpSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const assets = [['src/catalog/vendors', 'dist/catalog/vendors']]
for (const [from, to] of assets) {
  mkdirSync(dirname(join(root, to)), { recursive: true })
  cpSync(join(root, from), join(root, to), { recursive: true })
}
