/**
 * Reads a tenant's surfaces through the Exchange admin API into the snapshot's `state` format,
 * in one `$batch` round (independent Get-* calls, ten per batch, batches in parallel). Discover,
 * apply, check and rollback all read through here, so they see objects the same way.
 */
import type { SurfaceKind } from '../core/change.js'
import type { CmdletCall } from '../core/cmdlet.js'
import { isPassageError, parseWith, PassageError } from '../core/errors/index.js'
import { PresetRule } from '../core/model/preset.js'
import {
  SNAPSHOT_VERSION,
  SurfaceState,
  type AcceptedDomain,
  type TenantSnapshot,
} from '../core/model/snapshot.js'
import type { ExchangeClient, ExoObject } from '../exchange/index.js'

/** The Get-* reads, by name. `defender` ones exist only with Defender for Office 365. */
const READS = {
  acceptedDomains: { cmdlet: 'Get-AcceptedDomain', params: {} },
  transportRules: { cmdlet: 'Get-TransportRule', params: { ResultSize: 'Unlimited' } },
  connectionFilter: { cmdlet: 'Get-HostedConnectionFilterPolicy', params: {} },
  antiSpamPolicies: { cmdlet: 'Get-HostedContentFilterPolicy', params: {} },
  antiSpamRules: { cmdlet: 'Get-HostedContentFilterRule', params: {} },
  antiPhishPolicies: { cmdlet: 'Get-AntiPhishPolicy', params: {} },
  antiPhishRules: { cmdlet: 'Get-AntiPhishRule', params: {} },
  tablSender: { cmdlet: 'Get-TenantAllowBlockListItems', params: { ListType: 'Sender' } },
  tablUrl: { cmdlet: 'Get-TenantAllowBlockListItems', params: { ListType: 'Url' } },
  tablFileHash: { cmdlet: 'Get-TenantAllowBlockListItems', params: { ListType: 'FileHash' } },
  tablIp: { cmdlet: 'Get-TenantAllowBlockListItems', params: { ListType: 'IP' } },
  tablSpoof: { cmdlet: 'Get-TenantAllowBlockListSpoofItems', params: {} },
  quarantinePolicies: { cmdlet: 'Get-QuarantinePolicy', params: {} },
  phishSimPolicy: { cmdlet: 'Get-PhishSimOverridePolicy', params: {} },
  phishSimRule: { cmdlet: 'Get-ExoPhishSimOverrideRule', params: {} },
  secOpsPolicy: { cmdlet: 'Get-SecOpsOverridePolicy', params: {} },
  inboundConnectors: { cmdlet: 'Get-InboundConnector', params: {} },
  eopPresets: { cmdlet: 'Get-EOPProtectionPolicyRule', params: {} },
  safeLinksPolicies: { cmdlet: 'Get-SafeLinksPolicy', params: {}, defender: true },
  safeLinksRules: { cmdlet: 'Get-SafeLinksRule', params: {}, defender: true },
  safeAttachmentPolicies: { cmdlet: 'Get-SafeAttachmentPolicy', params: {}, defender: true },
  safeAttachmentRules: { cmdlet: 'Get-SafeAttachmentRule', params: {}, defender: true },
  atpPolicy: { cmdlet: 'Get-AtpPolicyForO365', params: {}, defender: true },
  atpPresets: { cmdlet: 'Get-ATPProtectionPolicyRule', params: {}, defender: true },
} as const satisfies Record<string, CmdletCall & { defender?: boolean }>

type ReadName = keyof typeof READS

/** True for a read that exists only with Defender for Office 365. */
const defenderOnly = (n: ReadName): boolean => 'defender' in READS[n]

/** Which reads each surface needs. */
const READS_OF: Record<SurfaceKind, ReadName[]> = {
  'transport-rule': ['transportRules'],
  'connection-filter': ['connectionFilter'],
  'anti-spam': ['antiSpamPolicies', 'antiSpamRules'],
  'anti-phish': ['antiPhishPolicies', 'antiPhishRules'],
  'safe-links': ['safeLinksPolicies', 'safeLinksRules'],
  'safe-attachments': ['safeAttachmentPolicies', 'safeAttachmentRules'],
  'tabl-item': ['tablSender', 'tablUrl', 'tablFileHash', 'tablIp'],
  'tabl-spoof': ['tablSpoof'],
  'quarantine-policy': ['quarantinePolicies'],
  'phish-sim-policy': ['phishSimPolicy'],
  'phish-sim-rule': ['phishSimRule'],
  'inbound-connector': ['inboundConnectors'],
}

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
  /**
   * Whether to read the Defender-only surfaces: true, false, or 'probe' (read them in the same
   * round and take a licence refusal as "no Defender"). Default 'probe'.
   */
  defender?: boolean | 'probe'
}

/** Exchange's Enabled/Disabled, whatever shape it came in. */
function ruleState(v: unknown): 'Enabled' | 'Disabled' {
  return v === 'Disabled' || v === false ? 'Disabled' : 'Enabled'
}

/** Small normalisations of what real Exchange returns, before the model's schema reads it. */
function normaliseRule(o: ExoObject): ExoObject {
  const out: ExoObject = { ...o }
  if ('State' in o) out.State = ruleState(o.State)
  if (typeof o.Priority === 'string') out.Priority = Number(o.Priority)
  if (typeof o.SetSCL === 'string') out.SetSCL = Number(o.SetSCL)
  return out
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
  const wanted = new Set<ReadName>(
    opts.surfaces ? opts.surfaces.flatMap((k) => READS_OF[k]) : (Object.keys(READS) as ReadName[]),
  )
  const defender = opts.defender ?? 'probe'
  const names = [...wanted].filter((n) => !defenderOnly(n) || defender !== false)
  const outcomes = await exo.batch(names.map((n) => ({ ...READS[n] })))
  const got = new Map<ReadName, ExoObject[]>()
  let defenderReadable = defender !== false
  names.forEach((n, i) => {
    const o = outcomes[i]
    if (!o) throw new PassageError('PASSAGE_E_INTERNAL', `no outcome for ${READS[n].cmdlet}`)
    if (o.ok) got.set(n, o.objects)
    else if (
      defenderOnly(n) &&
      defender === 'probe' &&
      (isPassageError(o.error, 'PASSAGE_E_LICENCE_MISSING') ||
        isPassageError(o.error, 'PASSAGE_E_EXO_NOT_FOUND'))
    )
      defenderReadable = false
    // A phishing simulation rule or SecOps policy that does not exist reads as not found.
    else if (
      (n === 'phishSimRule' || n === 'phishSimPolicy' || n === 'secOpsPolicy') &&
      isPassageError(o.error, 'PASSAGE_E_EXO_NOT_FOUND')
    )
      got.set(n, [])
    else throw o.error
  })
  const list = (n: ReadName) => got.get(n) ?? []
  const withDefender = defenderReadable && names.some(defenderOnly)
  const raw = {
    transportRules: list('transportRules').map(normaliseRule),
    connectionFilter: list('connectionFilter')[0] ?? {},
    antiSpam: {
      policies: list('antiSpamPolicies'),
      rules: list('antiSpamRules').map(normaliseRule),
    },
    antiPhish: {
      policies: list('antiPhishPolicies'),
      rules: list('antiPhishRules').map(normaliseRule),
    },
    safeLinks:
      withDefender && (wanted.has('safeLinksPolicies') || !opts.surfaces)
        ? {
            policies: list('safeLinksPolicies'),
            rules: list('safeLinksRules').map(normaliseRule),
          }
        : null,
    safeAttachments:
      withDefender && (wanted.has('safeAttachmentPolicies') || !opts.surfaces)
        ? {
            policies: list('safeAttachmentPolicies'),
            rules: list('safeAttachmentRules').map(normaliseRule),
          }
        : null,
    tabl: {
      items: [
        ...list('tablSender'),
        ...list('tablUrl'),
        ...list('tablFileHash'),
        ...list('tablIp'),
      ],
      spoofItems: list('tablSpoof'),
    },
    quarantinePolicies: list('quarantinePolicies'),
    advancedDelivery: {
      phishSimPolicy: list('phishSimPolicy')[0] ?? null,
      phishSimRule: list('phishSimRule')[0] ?? null,
      secOpsPolicy: list('secOpsPolicy')[0] ?? null,
    },
    inboundConnectors: list('inboundConnectors'),
    atpPolicy: withDefender ? (list('atpPolicy')[0] ?? null) : null,
  }
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
  return { state, acceptedDomains, presets, defenderReadable, calls: names.length }
}

/**
 * A snapshot around a state just read, for the pure functions that take one (verifyChange,
 * applyChange): the plan's tenant and licence, and what was read. Not validated: only its
 * `state` is looked at.
 */
export function snapshotOf(
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
