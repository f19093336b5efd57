/**
 * Reads a tenant's surfaces through the Exchange admin API into the snapshot's `state` format,
 * in one `$batch` round (independent Get-* calls, ten per batch, batches in parallel). Discover,
 * apply, check and rollback all read through here, so they see objects the same way.
 */
import type { JsonObject, SurfaceKind } from '../core/change.js'
import { isPassageError, parseWith, PassageError } from '../core/errors/index.js'
import { PresetRule } from '../core/model/preset.js'
import {
  SNAPSHOT_VERSION,
  SurfaceState,
  type AcceptedDomain,
  type TenantSnapshot,
} from '../core/model/snapshot.js'
import { ALL_SURFACES, surfaceOf } from '../core/surfaces/registry.js'
import { ruleState } from '../core/surfaces/rule-state.js'
import type { SurfaceRead } from '../core/surfaces/surface.js'
import type { ExchangeClient, ExoObject } from '../exchange/index.js'

/**
 * Reads that are tenant context rather than a surface: accepted domains, preset security policy
 * rules, the tenant-wide ATP policy. Each surface names its own reads (core/surfaces).
 */
const CONTEXT_READS: readonly SurfaceRead[] = [
  { name: 'acceptedDomains', call: { cmdlet: 'Get-AcceptedDomain', params: {} } },
  { name: 'eopPresets', call: { cmdlet: 'Get-EOPProtectionPolicyRule', params: {} } },
  { name: 'atpPolicy', call: { cmdlet: 'Get-AtpPolicyForO365', params: {} }, defender: true },
  {
    name: 'atpPresets',
    call: { cmdlet: 'Get-ATPProtectionPolicyRule', params: {} },
    defender: true,
  },
]

/** What one read round returns. */
export interface TenantRead {
  state: SurfaceState
  acceptedDomains: AcceptedDomain[]
  presets: PresetRule[]
  /** False when the Defender-only reads were refused for want of a licence. */
  defenderReadable: boolean
  /** Cmdlet calls made (for round-trip counts). */
  calls: number
}

/** Options of readTenant. */
export interface ReadOptions {
  /** Only these surfaces (default: all, plus accepted domains and presets). */
  surfaces?: readonly SurfaceKind[]
  /** With `surfaces`, also read the tenant context (accepted domains, presets, ATP policy). */
  context?: boolean
  /**
   * Whether to read the Defender-only surfaces: true, false, or 'probe' (read them in the same
   * round and take a licence refusal as "no Defender"). Default 'probe'.
   */
  defender?: boolean | 'probe'
}

function presetsOf(objects: ExoObject[], kind: 'EOP' | 'ATP'): PresetRule[] {
  return objects.map((o) =>
    PresetRule.parse({
      ...o,
      Kind: o.Kind ?? kind,
      // Real Exchange names them "Standard Preset Security Policy..." / "Strict Preset ...".
      Preset: o.Preset ?? (/strict/i.test(String(o.Name ?? '')) ? 'Strict' : 'Standard'),
      State: ruleState(o.State),
    }),
  )
}

/**
 * Reads the tenant's surfaces (all, or those named) in one `$batch` round. A failed read throws
 * its error (missing role, API disabled, ...), except Defender-only reads when probing.
 */
export async function readTenant(exo: ExchangeClient, opts: ReadOptions = {}): Promise<TenantRead> {
  const surfaces = opts.surfaces ? opts.surfaces.map(surfaceOf) : ALL_SURFACES
  const defender = opts.defender ?? 'probe'
  const wanted = [
    ...surfaces.flatMap((s) => s.reads),
    ...(opts.surfaces && !opts.context ? [] : CONTEXT_READS),
  ]
  const reads = wanted.filter((r) => !r.defender || defender !== false)
  const outcomes = await exo.batch(reads.map((r) => ({ ...r.call })))
  const got = new Map<string, JsonObject[]>()
  let defenderReadable = defender !== false
  reads.forEach((r, i) => {
    const o = outcomes[i]
    if (!o) throw new PassageError('PASSAGE_E_INTERNAL', `no outcome for ${r.call.cmdlet}`)
    if (o.ok) got.set(r.name, o.objects as JsonObject[])
    else if (
      r.defender &&
      defender === 'probe' &&
      (isPassageError(o.error, 'PASSAGE_E_LICENCE_MISSING') ||
        isPassageError(o.error, 'PASSAGE_E_EXO_NOT_FOUND'))
    )
      defenderReadable = false
    // A singleton that does not exist yet (phishing simulation rule, SecOps policy) reads as
    // not found.
    else if (r.notFoundIsEmpty && isPassageError(o.error, 'PASSAGE_E_EXO_NOT_FOUND'))
      got.set(r.name, [])
    else throw o.error
  })
  const list = (name: string) => got.get(name) ?? []
  const withDefender = defenderReadable && reads.some((r) => r.defender)
  const raw: Record<string, unknown> = {}
  for (const s of surfaces)
    for (const [field, value] of Object.entries(s.load(list, withDefender))) {
      const prev = raw[field]
      // Two surfaces may fill one part of the state (TABL items and spoof entries).
      raw[field] =
        isRecord(prev) && isRecord(value) ? { ...prev, ...value } : (value ?? prev ?? null)
    }
  raw.atpPolicy = withDefender ? (list('atpPolicy')[0] ?? null) : null
  const state = parseWith(SurfaceState, raw, 'PASSAGE_E_SNAPSHOT_INVALID', 'The tenant as read')
  const acceptedDomains = list('acceptedDomains').map((d) => ({
    DomainName: String(d.DomainName ?? d.Name ?? ''),
    DomainType: (['Authoritative', 'InternalRelay', 'ExternalRelay'].includes(String(d.DomainType))
      ? d.DomainType
      : 'Authoritative') as AcceptedDomain['DomainType'],
    Default: d.Default === true,
  }))
  const presets = [
    ...presetsOf(list('eopPresets'), 'EOP'),
    ...(withDefender ? presetsOf(list('atpPresets'), 'ATP') : []),
  ]
  return { state, acceptedDomains, presets, defenderReadable, calls: reads.length }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * A snapshot around a state just read, for the pure functions that take one (inEffect,
 * applyChange): the plan's tenant and licence, and what was read. Not validated: only its
 * `state` is looked at.
 */
export function snapshotAround(
  tenant: { id: string; name: string; licence: TenantSnapshot['licence'] },
  read: TenantRead,
): TenantSnapshot {
  return {
    format: 'passage.snapshot',
    version: SNAPSHOT_VERSION,
    capturedAt: new Date(0).toISOString(),
    tenant: { id: tenant.id, name: tenant.name, displayName: '' },
    licence: tenant.licence,
    skus: [],
    acceptedDomains: read.acceptedDomains.length
      ? read.acceptedDomains
      : [{ DomainName: tenant.name, DomainType: 'Authoritative', Default: true }],
    mx: { route: 'microsoft', hosts: [] },
    presets: read.presets,
    directory: { groups: [] },
    state: read.state,
  }
}
