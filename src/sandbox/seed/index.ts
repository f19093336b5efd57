/**
 * The seeded sandbox world: three tenants built from the example snapshots (EOP only, Defender P2
 * with the Standard preset, and a gateway in front of Microsoft 365), each with six admins.
 */
import { readFileSync } from 'node:fs'
import { parseWith } from '../../core/errors/validation.js'
import { TenantSnapshot } from '../../core/model/snapshot.js'
import type { SandboxTenant, SandboxWorld } from '../contracts.js'
import { withDefaultMalwarePolicy } from '../engine/malware-filter.js'
import { seedAdmins } from './admins.js'
import { SandboxWorldSchema } from './world-schema.js'

export { deterministicGuid } from './guid.js'
export { seedAdmins } from './admins.js'

/** The example snapshots the seeded tenants start from, in order. */
export const SEED_EXAMPLES = [
  'eop-only.json',
  'defender-p2-standard-preset.json',
  'gateway-relay.json',
] as const

// The same relative path reaches examples/ from src/sandbox/seed and from dist/sandbox/seed.
const EXAMPLES_DIR = new URL('../../../examples/', import.meta.url)

/**
 * A tenant from a snapshot: the six seeded admins, no apps, no mail yet, and the built-in Default
 * anti-malware policy every organization has (snapshots may omit it).
 */
export function seedTenant(snapshot: TenantSnapshot): SandboxTenant {
  return {
    snapshot: withDefaultMalwarePolicy(snapshot),
    admins: seedAdmins(snapshot),
    apps: [],
    mail: { messages: [] },
  }
}

/** Reads and validates one example snapshot. */
export function loadExample(file: string): TenantSnapshot {
  const url = new URL(file, EXAMPLES_DIR)
  const text = readFileSync(url, 'utf8')
  return parseWith(
    TenantSnapshot,
    JSON.parse(text),
    'PASSAGE_E_SNAPSHOT_INVALID',
    `snapshot ${file}`,
  )
}

/** Builds the seeded world (fresh objects on every call; no randomness). */
export function seedWorld(): SandboxWorld {
  return {
    format: 'passage.sandbox',
    version: 1,
    tenants: SEED_EXAMPLES.map((f) => seedTenant(loadExample(f))),
  }
}

/**
 * Validates a world read from a state file; throws PassageError PASSAGE_E_SANDBOX_STATE listing
 * the problems (with `details.issues`).
 */
export function parseWorld(json: unknown): SandboxWorld {
  const world = parseWith(SandboxWorldSchema, json, 'PASSAGE_E_SANDBOX_STATE', 'sandbox state')
  // State files written before the sandbox knew anti-malware policies lack the Default one.
  for (const t of world.tenants) withDefaultMalwarePolicy(t.snapshot)
  return world
}
