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
import { isAnnotation } from '../exchange/invoke.js'

/**
 * Reads that are tenant context rather than a surface: accepted domains, preset security policy
 * rules, the tenant-wide ATP policy. Each surface names its own reads (core/surfaces).
 */
export const CONTEXT_READS: readonly SurfaceRead[] = [
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
  /**
   * Objects Exchange returned in a shape passage could not read: kept with their identity and a
   * `NotUnderstood` reason (or dropped when not even that could be kept), never failing the read.
   */
  notUnderstood?: NotUnderstoodObject[]
}

/** One object the read could not map to passage's model. */
export interface NotUnderstoodObject {
  /** Where it sits in the state, e.g. `transportRules.3`. */
  path: string
  name: string
  reason: string
  /** True when even its identity could not be kept (it is missing from the state). */
  dropped: boolean
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
  // A read two parts name (the preset rules: tenant context, and the preset-rule surface) runs once.
  const reads = wanted.filter(
    (r, i) =>
      (!r.defender || defender !== false) && wanted.findIndex((w) => w.name === r.name) === i,
  )
  // Annotations are left to readableObject's walk over each object (one walk, not two).
  const outcomes = await exo.batch(
    reads.map((r) => ({ ...r.call })),
    { keepAnnotations: true },
  )
  const got = new Map<string, JsonObject[]>()
  let defenderReadable = defender !== false
  reads.forEach((r, i) => {
    const o = outcomes[i]
    if (!o) throw new PassageError('PASSAGE_E_INTERNAL', `no outcome for ${r.call.cmdlet}`)
    if (o.ok)
      got.set(
        r.name,
        r.raw ? (o.objects as JsonObject[]) : (o.objects as JsonObject[]).map(readableObject),
      )
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
  const kept = keepWhatIsUnderstood(raw)
  const notUnderstood = kept.notUnderstood
  // Validated once: the state the repair loop found valid; parsed here only to report the error
  // when even that loop could not make it valid.
  const state =
    kept.state ?? parseWith(SurfaceState, raw, 'PASSAGE_E_SNAPSHOT_INVALID', 'The tenant as read')
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
  return { state, acceptedDomains, presets, defenderReadable, calls: reads.length, notUnderstood }
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

/** Values for required model fields a not-understood object lacks (it keeps only its identity). */
const PLACEHOLDERS: Record<string, (index: number) => unknown> = {
  Name: (i) => `(unreadable object ${i + 1})`,
  Priority: (i) => i,
  EndUserQuarantinePermissionsValue: () => 0,
}

/**
 * Makes the raw state parse whatever shape single objects came in (ms-rule: read.not-understood):
 * an object that fails the model loses the offending properties, gets
 * placeholders for required ones and a `NotUnderstood` reason; a mail flow rule also gets an
 * unmodelled `NotUnderstood` part so that the evaluator treats it as uncertain. Mutates `raw`.
 * Returns the objects it changed, and the state once it parses (null when it still does not).
 */
function keepWhatIsUnderstood(raw: Record<string, unknown>): {
  notUnderstood: NotUnderstoodObject[]
  state: SurfaceState | null
} {
  const out = new Map<string, NotUnderstoodObject>()
  for (let round = 0; round < 6; round++) {
    const parsed = SurfaceState.safeParse(raw)
    if (parsed.success) return { notUnderstood: [...out.values()], state: parsed.data }
    const last = round === 5
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String)
      // The outermost array element on the path is the object at fault; for a singleton
      // (connection filter policy, ...) the object holding the offending property.
      let at = -1
      let node: unknown = raw
      for (let i = 0; i < path.length - 1; i++) {
        node =
          isRecord(node) || Array.isArray(node)
            ? (node as Record<string, unknown>)[path[i]!]
            : undefined
        if (at < 0 && Array.isArray(node) && /^\d+$/.test(path[i + 1]!)) at = i + 1
      }
      if (at < 0) at = Math.max(path.length - 2, 0)
      const parentPath = path.slice(0, at)
      let parent: unknown = raw
      for (const p of parentPath) parent = (parent as Record<string, unknown>)?.[p]
      const key = path[at]!
      const container = parent as Record<string, unknown> | unknown[] | undefined
      const obj = container ? (container as Record<string, unknown>)[key] : undefined
      const where = [...parentPath, key].join('.')
      const prop = path[at + 1]
      const name = isRecord(obj) ? String(obj.Name ?? obj.Identity ?? where) : where
      const reason = `${prop ?? 'object'}: ${issue.message}`
      const prev = out.get(where)
      if (!isRecord(obj) || last) {
        // Not even an object, or still failing: leave it out of the state.
        if (Array.isArray(container)) container.splice(Number(key), 1, undefined as never)
        else if (isRecord(container)) delete container[key]
        out.set(where, { path: where, name, reason: prev?.reason ?? reason, dropped: true })
        continue
      }
      if (prop !== undefined) {
        delete obj[prop]
        const fill = PLACEHOLDERS[prop]
        if (fill) obj[prop] = fill(Number(key) || 0)
      }
      obj.NotUnderstood = prev?.reason ?? reason
      if (parentPath[0] === 'transportRules')
        obj.Unmodelled = [
          ...(Array.isArray(obj.Unmodelled)
            ? obj.Unmodelled.filter((n) => typeof n === 'string')
            : []),
          'NotUnderstood',
        ]
      out.set(where, { path: where, name, reason: prev?.reason ?? reason, dropped: false })
    }
    // Dropped array elements were replaced by undefined so indexes stayed stable; remove them.
    compact(raw)
  }
  return { notUnderstood: [...out.values()], state: null }
}

function compact(v: unknown): void {
  if (Array.isArray(v)) {
    for (let i = v.length - 1; i >= 0; i--) if (v[i] === undefined) v.splice(i, 1)
    v.forEach(compact)
  } else if (isRecord(v)) Object.values(v).forEach(compact)
}

/**
 * An object as Exchange returned it, less its empty properties and its OData annotations:
 * Exchange returns an unset property as null (or an empty string), passage's model holds it as
 * absent (ms-rule: read.empty-properties); `Prop@odata.type` annotations are metadata, removed as
 * the client's invoke removes them (exchange/invoke.ts, stripAnnotations). Both in one walk over
 * the keys into a fresh object (the batch is asked to leave the annotations for it), without the
 * [key, value] pairs Object.entries would allocate. Unknown properties pass through to the
 * surfaces' load, which maps what it knows; the model ignores the rest. Exported for its test.
 */
export function readableObject(o: JsonObject): JsonObject {
  if (!isRecord(o)) return o
  const out: JsonObject = {}
  // Object.keys and an index: a quarter faster than for-in with hasOwn over the two hundred
  // properties of a mail flow rule (an object JSON.parse made in dictionary mode).
  const keys = Object.keys(o)
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!
    const v = o[k] as JsonObject[string]
    if (v !== null && v !== '' && !isAnnotation(k)) out[k] = v
  }
  return out
}
