/**
 * The seeded sandbox world: three tenants built from the example snapshots (EOP only, Defender P2
 * with the Standard preset, and a gateway in front of Microsoft 365), each with six admins.
 */
import { readFileSync } from 'node:fs'
import { parseWith } from '../../core/errors/validation.js'
import { TenantSnapshot, type DirectoryGroup } from '../../core/model/snapshot.js'
import type { SandboxTenant, SandboxWorld } from '../contracts.js'
import { withDefaultMalwarePolicy } from '../engine/malware-filter.js'
import { byIdentity } from '../engine/tabl-spoof.js'
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
    snapshot: canonicalState(withDefaultMalwarePolicy(snapshot)),
    admins: seedAdmins(snapshot),
    apps: [],
    mail: { messages: [] },
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

function dropEmpty(o: unknown): void {
  if (!isRecord(o)) return
  for (const [k, v] of Object.entries(o)) if (v === null || v === '') delete o[k]
}

/**
 * The held state in the form the real-shaped wire can carry (issue 17): Exchange returns an unset
 * property as null (or an empty string), so an object holds unset properties as absent; a quarantine
 * policy always has a retention period (30 days unless set); a rule's unmodelled parts are sorted,
 * spoof entries are held by Identity.
 * None of this changes what the tenant does. Mutates and returns the snapshot.
 */
export function canonicalState(snapshot: TenantSnapshot): TenantSnapshot {
  const s = snapshot.state
  const lists: unknown[][] = [
    s.transportRules,
    s.antiSpam.policies,
    s.antiSpam.rules,
    s.antiPhish.policies,
    s.antiPhish.rules,
    s.malware.policies,
    s.malware.rules,
    s.safeLinks?.policies ?? [],
    s.safeLinks?.rules ?? [],
    s.safeAttachments?.policies ?? [],
    s.safeAttachments?.rules ?? [],
    s.tabl.items,
    s.tabl.spoofItems,
    s.quarantinePolicies,
    s.inboundConnectors,
  ]
  for (const list of lists) list.forEach(dropEmpty)
  for (const o of [s.connectionFilter, s.atpPolicy, ...Object.values(s.advancedDelivery)])
    dropEmpty(o)
  for (const q of s.quarantinePolicies) q.QuarantineRetentionDays ??= 30
  s.tabl.spoofItems.sort(byIdentity)
  for (const r of s.transportRules)
    r.Unmodelled = [...r.Unmodelled].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
  return snapshot
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

/**
 * Groups of the kinds the example snapshots do not show, added to the Defender P2 tenant
 * (contoso) so that the sandbox serves each kind discovery must tell apart (snapshot.ts's
 * DirectoryGroup): a Microsoft 365 group, and a dynamic distribution group whose `members` are
 * who its filter gives. No policy or preset names them, so what the examples simulate is unchanged.
 */
export const SEED_GROUPS: Readonly<Record<string, readonly DirectoryGroup[]>> = {
  'defender-p2-standard-preset.json': [
    {
      address: 'projects@contoso.com',
      kind: 'm365',
      members: ['adele.vance@contoso.com', 'megan.bowen@contoso.com'],
    },
    {
      address: 'everyone@contoso.com',
      kind: 'dynamic',
      members: [
        'adele.vance@contoso.com',
        'alex.wilber@contoso.com',
        'diego.siciliani@contoso.com',
        'lidia.holloway@contoso.com',
        'lynne.robbins@contoso.com',
        'megan.bowen@contoso.com',
        'nestor.wilke@contoso.com',
        'pradeep.gupta@contoso.com',
      ],
    },
  ],
}

/** An example snapshot with the seeded groups of SEED_GROUPS added (copies, never shared). */
function withSeedGroups(file: string, snapshot: TenantSnapshot): TenantSnapshot {
  for (const g of SEED_GROUPS[file] ?? [])
    snapshot.directory.groups.push({ ...g, members: [...g.members] })
  return snapshot
}

/** Builds the seeded world (fresh objects on every call; no randomness). */
export function seedWorld(): SandboxWorld {
  return {
    format: 'passage.sandbox',
    version: 1,
    tenants: SEED_EXAMPLES.map((f) => seedTenant(withSeedGroups(f, loadExample(f)))),
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
