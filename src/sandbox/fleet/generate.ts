/**
 * Generated fleets: N sandbox tenants (`fleet-0001.onmicrosoft.com`...) built from the example
 * snapshots with small, deterministic variations (the same seed gives the same fleet), for
 * passage's fleet commands and their bench. What varies, per tenant:
 *
 * - licence: EOP only (~40%), Defender for Office 365 Plan 1 (~30%) or Plan 2 (~30%), with the
 *   SKU a tenant of that licence shows;
 * - the preset security policies of a Defender tenant: Standard on, or off (its rules Disabled);
 * - mail routing: MX at Microsoft, or (~25%) a gateway in front with its inbound connector;
 * - 0-20 existing mail flow rules and 0-50 Tenant Allow/Block List entries (some expiring);
 * - consent and access for the operator's app: ~5% never consented (no service principal), ~5%
 *   consented but never given a role, ~2% with the service principal disabled, the rest consented;
 *   with `preEnrolled`, consented tenants (but the ~5%) are already in Organization Management, as
 *   `passage fleet enrol` would leave them; ~3% have a co-manager (engine/co-manager.ts).
 *
 * Cost: the example snapshots are read once per call; every tenant gets its own snapshot root,
 * state object and lists, but shares the untouched policy objects of its template. That is safe
 * because the engine never changes live state in place (engine/draft.ts: writes are
 * copy-on-write and committed as new objects), so 1,000 tenants take a few MB, not 1,000 deep
 * copies.
 */
import type { TenantSnapshot } from '../../core/model/snapshot.js'
import type {
  SandboxFleetFlags,
  SandboxFleetMeta,
  SandboxRegistration,
  SandboxTenant,
} from '../contracts.js'
import { withDefaultMalwarePolicy } from '../engine/malware-filter.js'
import { seededRandom } from '../faults/index.js'
import { consentServicePrincipal } from '../identity/consent.js'
import { seedAdmins } from '../seed/admins.js'
import { deterministicGuid } from '../seed/guid.js'
import { canonicalState, loadExample } from '../seed/index.js'

export interface FleetOptions {
  /** How many tenants (1..10,000). */
  tenants: number
  /** Seed of the variations and ids (a whole number). */
  seed: number
  /** Consented tenants already have the app's service principal in Organization Management. */
  preEnrolled?: boolean
  /**
   * The operator's multi-tenant app: consented tenants get its service principal. Absent: no
   * tenant has one (every tenant can still be consented on the consent page).
   */
  registration?: SandboxRegistration
}

/** The most tenants a generated fleet may have. */
export const MAX_FLEET = 10_000

type Licence = TenantSnapshot['licence']

interface Templates {
  eop: TenantSnapshot
  defender: TenantSnapshot
  gateway: TenantSnapshot
}

let cached: Templates | null = null

/**
 * The examples the fleet is made from, read and made canonical once per process (never changed
 * afterwards: the tenants made from them share their untouched objects, see above).
 */
function templates(): Templates {
  const load = (f: string) => canonicalState(withDefaultMalwarePolicy(loadExample(f)))
  cached ??= {
    eop: load('eop-only.json'),
    defender: load('defender-p2-standard-preset.json'),
    gateway: load('gateway-relay.json'),
  }
  return cached
}

/** The SKU part number a tenant of each licence shows in Graph's subscribedSkus. */
const SKUS: Readonly<Record<Licence, string[]>> = {
  eop: ['EXCHANGESTANDARD'],
  'mdo-p1': ['SPB'],
  'mdo-p2': ['ENTERPRISEPREMIUM'],
}

/**
 * An id for the `n`th object of a kind in a tenant: the tenant's GUID with its last group replaced
 * by the kind and the number (unique per tenant, no hashing: 1,000 tenants hold ~40,000 of them).
 */
function childGuid(tenantId: string, kind: number, n: number): string {
  return `${tenantId.slice(0, 24)}${kind.toString(16).padStart(4, '0')}${n.toString(16).padStart(8, '0')}`
}

const pad = (i: number) => String(i).padStart(4, '0')

/** The generated tenant's onmicrosoft name. */
export function fleetTenantName(index: number): string {
  return `fleet-${pad(index)}.onmicrosoft.com`
}

function flagsFor(index: number, rand: () => number, preEnrolled: boolean): SandboxFleetFlags {
  const access = rand()
  const consented = access >= 0.05
  const noRole = access >= 0.05 && access < 0.1
  const spDisabled = access >= 0.1 && access < 0.12
  return {
    index,
    consented,
    roleGranted: preEnrolled && consented && !noRole,
    spDisabled,
    coManager: rand() < 0.03,
    gateway: rand() < 0.25,
  }
}

function pickLicence(r: number): Licence {
  return r < 0.4 ? 'eop' : r < 0.7 ? 'mdo-p1' : 'mdo-p2'
}

/** One generated tenant (see the module comment). */
function fleetTenant(
  t: Templates,
  index: number,
  seed: number,
  rand: () => number,
  opts: FleetOptions,
): SandboxTenant {
  const flags = flagsFor(index, rand, opts.preEnrolled === true)
  const licence = pickLicence(rand())
  const base = licence === 'eop' ? t.eop : t.defender
  const id = deterministicGuid('sandbox-fleet-tenant', seed, index)
  const name = fleetTenantName(index)
  const domain = `fleet-${pad(index)}.example`
  const presetsOn = licence !== 'eop' && rand() < 0.6
  const ruleCount = Math.floor(rand() * 21)
  const tablCount = Math.floor(rand() * 51)
  const capturedAt = base.capturedAt
  const templateRules = base.state.transportRules
  const rules = Array.from({ length: ruleCount }, (_, i) => {
    const template = templateRules[i % templateRules.length]!
    return {
      ...template,
      Name:
        i < templateRules.length
          ? template.Name
          : `${template.Name} ${Math.floor(i / templateRules.length) + 1}`,
      Guid: childGuid(id, 1, i),
      Priority: i,
    }
  })
  const day = 24 * 3600 * 1000
  const items = Array.from({ length: tablCount }, (_, i) => {
    const expires =
      i % 3 === 0 ? new Date(Date.parse(capturedAt) + (7 + ((index + i) % 80)) * day) : null
    return {
      Identity: `RgAAAAA${childGuid(id, 2, i).replace(/-/g, '')}AAAA0`,
      ListType: 'Sender' as const,
      ListSubType: 'Tenant' as const,
      Action: 'Block' as const,
      Value: `blocked-${pad(i + 1)}.fleet-${pad(index)}.example`,
      ...(expires ? { ExpirationDate: expires.toISOString().replace('.000Z', 'Z') } : {}),
      Notes: 'Generated fleet entry',
    }
  })
  const snapshot: TenantSnapshot = {
    ...base,
    tenant: { id, name, displayName: `Fleet Tenant ${pad(index)}` },
    licence,
    skus: [...SKUS[licence]],
    acceptedDomains: [
      { DomainName: domain, DomainType: 'Authoritative', Default: true },
      { DomainName: name, DomainType: 'Authoritative', Default: false },
    ],
    mx: flags.gateway
      ? t.gateway.mx
      : { route: 'microsoft', hosts: [`fleet-${pad(index)}-example.mail.protection.outlook.com`] },
    presets:
      licence === 'eop'
        ? []
        : base.presets.map((p) => ({
            ...p,
            State: presetsOn ? 'Enabled' : 'Disabled',
            SentTo: [],
            SentToMemberOf: [],
            RecipientDomainIs: [domain],
          })),
    directory: { groups: [] },
    state: {
      ...base.state,
      transportRules: rules,
      tabl: { ...base.state.tabl, items: [...base.state.tabl.items, ...items] },
      inboundConnectors: flags.gateway ? t.gateway.state.inboundConnectors : [],
    },
  } as TenantSnapshot
  const tenant: SandboxTenant = {
    snapshot,
    admins: seedAdmins(snapshot, (_local, i) => childGuid(id, 3, i)),
    apps: [],
    mail: { messages: [] },
    fleet: flags,
  }
  if (flags.consented && opts.registration !== undefined) {
    const sp = consentServicePrincipal(tenant, opts.registration)
    if (flags.spDisabled) sp.disabled = true
    if (flags.roleGranted && sp.objectId !== undefined) {
      tenant.exchangeRbac = {
        servicePrincipals: [
          {
            appId: sp.clientId.toLowerCase(),
            objectId: sp.objectId,
            displayName: sp.displayName,
            identity: deterministicGuid(
              'exchange-service-principal',
              id,
              sp.clientId.toLowerCase(),
            ),
          },
        ],
        roleGroupMembers: { 'Organization Management': [sp.objectId] },
      }
    }
  }
  return tenant
}

/** N generated tenants, the same for the same options (see the module comment). */
export function generateFleet(opts: FleetOptions): SandboxTenant[] {
  if (!Number.isInteger(opts.tenants) || opts.tenants < 0 || opts.tenants > MAX_FLEET)
    throw new RangeError(`a fleet has 0 to ${MAX_FLEET} tenants, not ${opts.tenants}`)
  if (opts.tenants === 0) return []
  const t = templates()
  const rand = seededRandom(opts.seed)
  const out: SandboxTenant[] = []
  for (let i = 1; i <= opts.tenants; i++) out.push(fleetTenant(t, i, opts.seed, rand, opts))
  return out
}

/** The fleet's parameters and counts, for `world.fleet` and `GET /`. */
export function fleetMeta(tenants: readonly SandboxTenant[], opts: FleetOptions): SandboxFleetMeta {
  const counts: SandboxFleetMeta['counts'] = {
    licence: {},
    notConsented: 0,
    consentedNoRole: 0,
    roleGranted: 0,
    spDisabled: 0,
    coManager: 0,
    gateway: 0,
  }
  for (const t of tenants) {
    const f = t.fleet
    if (f === undefined) continue
    counts.licence[t.snapshot.licence] = (counts.licence[t.snapshot.licence] ?? 0) + 1
    if (!f.consented) counts.notConsented++
    else if (!f.roleGranted) counts.consentedNoRole++
    else counts.roleGranted++
    if (f.spDisabled) counts.spDisabled++
    if (f.coManager) counts.coManager++
    if (f.gateway) counts.gateway++
  }
  return {
    tenants: tenants.filter((t) => t.fleet !== undefined).length,
    seed: opts.seed,
    preEnrolled: opts.preEnrolled === true,
    clientId: opts.registration?.clientId ?? '',
    counts,
  }
}
