/**
 * Discover: a full tenant snapshot in the planner's format, read with as few round trips as
 * possible (one `$batch` round of Get-* reads, Graph's licence, roles and organisation beside it),
 * the MX routing, and the other tools that manage the same objects. Saved on the tenant.
 */
import { loadCatalog } from '../catalog/index.js'
import { isPassageError, parseWith, type PassageError } from '../core/errors/index.js'
import { hasDefender, type Licence } from '../core/model/licence.js'
import {
  SNAPSHOT_VERSION,
  TenantSnapshot,
  type MxRouting,
  type SurfaceState,
} from '../core/model/snapshot.js'
import type { RolesInfo } from '../exchange/index.js'
import type { Store } from '../store/index.js'
import { detectCoManagers, type CoManager } from './co-managers.js'
import { lookupMx, routingFromConnectors, routingFromHosts, type GatewayName } from './mx.js'
import type { MxLookup } from './mx-words.js'
import { readTenant } from './read-state.js'
import type { Session } from './session.js'

/** Options of discover. */
export interface DiscoverOptions {
  /** MX routing to use instead of what DNS and the connectors say. */
  mx?: MxRouting
  /** Directory groups to use instead of reading them from Graph. */
  groups?: TenantSnapshot['directory']['groups']
  /** The clock (ISO); default now. */
  now?: string
  /** Skip DNS (tests, sandboxes: their domains are not really theirs). Default: a sandbox skips. */
  dns?: boolean
}

/** What discover found. */
export interface Discovery {
  snapshot: TenantSnapshot
  coManagers: CoManager[]
  /** The signed-in admin's roles (null when Graph would not say). */
  roles: RolesInfo | null
  /** SKUs that gave the Defender plan. */
  defenderFrom: string[]
  /** Where the MX routing came from. */
  mxSource: 'override' | 'dns' | 'connector' | 'default'
  /** Whether DNS was asked for the MX and answered (see mx.ts's mxLookupWords). */
  mxLookup: MxLookup
  /**
   * Where the licence came from: Graph's subscribedSkus, or, when Graph refused, whether the
   * Defender cmdlets answer (a stand-in that cannot tell Plan 1 from Plan 2).
   */
  licenceSource: 'graph' | 'cmdlets'
  /**
   * What discovery could not learn, one visible sentence each ("licence unknown: Graph refused
   * ..."); empty when Graph answered everything. Never a silent guess.
   * ms-rule: client.graph-client
   */
  degraded: string[]
  /** Cmdlet calls and Graph requests made, and the wall time. */
  calls: number
  ms: number
}

/** The catalog's gateway vendors (their names identify MX hosts and connectors). */
export function gatewayNames(): GatewayName[] {
  return loadCatalog()
    .filter((v) => v.category === 'gateway-mx')
    .map((v) => ({ id: v.id, name: v.name }))
}

/**
 * The groups policies and presets scope by, with their members from Graph (nested groups
 * flattened, every page read), so that preset coverage is simulated per recipient. A group Graph
 * does not know is left out; a refusal (no GroupMember.Read.All consent, app-only without the
 * role) is passed to `refused` and the groups stay unknown, which the plan and simulation say.
 */
async function readGroups(
  session: Session,
  addresses: string[],
  refused: (e: PassageError) => void,
): Promise<TenantSnapshot['directory']['groups']> {
  let denied = false
  const out = await Promise.all(
    addresses.map(async (address) => {
      try {
        const members = await session.graph.groupMembers(address)
        return members ? { address, members } : null
      } catch (e) {
        if (!isPassageError(e) || e.kind === 'bug') throw e
        if (!denied) refused(e)
        denied = true
        return null
      }
    }),
  )
  return out.filter((g): g is { address: string; members: string[] } => g !== null)
}

/** The groups presets and policy rules name, as conditions or exceptions (issue 14). */
function scopedGroups(state: SurfaceState, presets: TenantSnapshot['presets']): string[] {
  const rules = [
    ...presets,
    ...state.antiSpam.rules,
    ...state.antiPhish.rules,
    ...state.malware.rules,
    ...(state.safeLinks?.rules ?? []),
    ...(state.safeAttachments?.rules ?? []),
  ]
  const all = rules.flatMap((r) => [...r.SentToMemberOf, ...r.ExceptIfSentToMemberOf])
  return [...new Set(all.map((a) => a.toLowerCase()))]
}

/** Reads the tenant into a validated snapshot, and saves it on the tenant in the store. */
export async function discover(
  session: Session,
  store: Store | null,
  opts: DiscoverOptions = {},
): Promise<Discovery> {
  const started = Date.now()
  const refused: { what: string; error: PassageError }[] = []
  // Graph may refuse (no consent, its own client not signed in, a role missing): each refusal is
  // kept and said, and Exchange's own reads still decide whether discovery works at all.
  const graphOr = <T>(what: string, p: Promise<T>): Promise<T | null> =>
    p.catch((e: unknown) => {
      if (!isPassageError(e) || e.kind === 'bug') throw e
      refused.push({ what, error: e })
      return null
    })
  const [read, licenceInfo, roles, orgOrNull] = await Promise.all([
    readTenant(session.exo, { defender: 'probe' }),
    graphOr('licence', session.graph.licence()),
    graphOr('roles', session.graph.roles()),
    graphOr('organization', session.graph.organization()),
  ])
  const org = orgOrNull ?? {
    initialDomain: null,
    displayName: session.profile.tenantName ?? session.tenantId,
  }
  // Without Graph's word on the licence, the Defender cmdlets' existence is the next best sign;
  // it is said so, never passed off as Graph's answer.
  const licence: Licence = licenceInfo?.licence ?? (read.defenderReadable ? 'mdo-p1' : 'eop')
  const state: SurfaceState = hasDefender(licence)
    ? read.state
    : { ...read.state, safeLinks: null, safeAttachments: null, atpPolicy: null }
  const presets = hasDefender(licence) ? read.presets : read.presets.filter((p) => p.Kind === 'EOP')
  const accepted = read.acceptedDomains.length
    ? read.acceptedDomains
    : [
        {
          DomainName: org.initialDomain ?? session.tenantId,
          DomainType: 'Authoritative' as const,
          Default: true,
        },
      ]
  const defaultDomain = (accepted.find((d) => d.Default) ?? accepted[0])!.DomainName
  const gateways = gatewayNames()
  let mx: MxRouting
  let mxSource: Discovery['mxSource']
  const useDns = opts.dns ?? !session.sandbox
  const groupsPromise = opts.groups
    ? Promise.resolve(opts.groups)
    : readGroups(session, scopedGroups(state, presets), (error) =>
        refused.push({ what: 'groups', error }),
      )
  const hosts = !opts.mx && useDns ? await lookupMx(defaultDomain) : []
  const fromDns = routingFromHosts(hosts, gateways, state.inboundConnectors)
  const fromConnector = routingFromConnectors(state.inboundConnectors, gateways)
  if (opts.mx) [mx, mxSource] = [opts.mx, 'override']
  else if (fromDns) [mx, mxSource] = [fromDns, 'dns']
  else if (fromConnector) [mx, mxSource] = [fromConnector, 'connector']
  else [mx, mxSource] = [{ route: 'microsoft', hosts: [] }, 'default']
  const groups = await groupsPromise
  const degraded = refused.map(({ what, error }) => {
    const why = `Graph refused (${error.code}: ${error.message.slice(0, 200)})`
    if (what === 'licence')
      return `licence unknown: ${why}; assumed ${licence === 'eop' ? 'EOP only' : 'Defender for Office 365 Plan 1'} because the Defender cmdlets ${licence === 'eop' ? 'do not answer' : 'answer'}`
    if (what === 'roles') return `admin roles unknown: ${why}`
    if (what === 'groups')
      return `group members unknown: ${why}; who a preset or policy covers cannot be simulated per recipient`
    return `organisation name unknown: ${why}`
  })
  const snapshot = parseWith(
    TenantSnapshot,
    {
      format: 'passage.snapshot',
      version: SNAPSHOT_VERSION,
      capturedAt: opts.now ?? new Date().toISOString(),
      tenant: {
        id: session.tenantId,
        name: org.initialDomain ?? session.profile.tenantName ?? session.tenantId,
        displayName: org.displayName,
      },
      licence,
      skus: licenceInfo?.skus ?? [],
      acceptedDomains: accepted,
      mx,
      presets,
      directory: { groups },
      state,
    },
    'PASSAGE_E_SNAPSHOT_INVALID',
    'The discovered snapshot',
  )
  if (store)
    await store.upsertTenant({
      id: snapshot.tenant.id,
      name: snapshot.tenant.name,
      displayName: snapshot.tenant.displayName,
      licence: snapshot.licence,
      snapshot,
      discoveredAt: snapshot.capturedAt,
    })
  return {
    snapshot,
    coManagers: detectCoManagers(state),
    roles,
    defenderFrom: licenceInfo?.defenderFrom ?? [],
    mxSource,
    mxLookup: opts.mx || !useDns ? 'skipped' : hosts.length ? 'answered' : 'no-answer',
    licenceSource: licenceInfo ? 'graph' : 'cmdlets',
    degraded,
    calls: read.calls + 3,
    ms: Date.now() - started,
  }
}
