/**
 * Discover: a full tenant snapshot in the planner's format, read with as few round trips as
 * possible (one `$batch` round of Get-* reads; beside it Graph's licence, roles and organisation
 * when Graph is signed in, else Get-OrganizationConfig and the Exchange token's roles), the members
 * of the groups presets and policies are scoped by, the MX routing, and the other tools that
 * manage the same objects. Saved on the tenant.
 */
import { z } from 'zod'
import { loadCatalog } from '../catalog/index.js'
import { isPassageError, parseWith, type PassageError } from '../core/errors/index.js'
import { hasDefender, type Licence } from '../core/model/licence.js'
import {
  SNAPSHOT_VERSION,
  TenantSnapshot,
  type MxRouting,
  type SurfaceState,
} from '../core/model/snapshot.js'
import {
  exchangeGroupMembers,
  exchangeOrganization,
  initialDomainOf,
  type RolesInfo,
} from '../exchange/index.js'
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
  /** Directory groups to use instead of reading them (from Graph or Exchange). */
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
  /** The signed-in admin's roles (null when neither Graph nor the Exchange token say). */
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
   * Whether Microsoft Graph was asked: false with Microsoft's default public clients (one sign-in,
   * to Exchange), when licence, roles, name and group members come from Exchange.
   */
  graphSignedIn: boolean
  /** Where the group members came from (null: no group is scoped, or none could be read). */
  groupsSource: 'graph' | 'exchange' | 'given' | null
  /**
   * What discovery could not learn, or learnt only indirectly, one visible sentence each
   * ("licence unknown: ..."). Never a silent guess.
   * ms-rule: client.graph-client
   */
  degraded: string[]
  /** Cmdlet calls and Graph requests made, and the wall time. */
  calls: number
  ms: number
}

/**
 * The snapshot as discover assembles it: its state is readTenant's, validated there once
 * (read-state.ts), so it is taken as it is rather than validated a second time; the rest of the
 * snapshot, and the snapshot's own rules across it (unique rule names and priorities, no Defender
 * policies in an EOP-only tenant), are checked as TenantSnapshot checks them.
 */
const DiscoveredSnapshot = TenantSnapshot.safeExtend({
  state: z.custom<SurfaceState>((v) => typeof v === 'object' && v !== null),
})

/** The catalog's gateway vendors, worked out once per process (see gatewayNames). */
let gateways: readonly GatewayName[] | undefined

/**
 * The catalog's gateway vendors (their names identify MX hosts and connectors), as fresh copies.
 * The catalog is read once per process and never changes (catalog/load.ts), so its gateways are
 * picked out once rather than copying the whole catalog (loadCatalog's copy) on every discover.
 */
export function gatewayNames(): GatewayName[] {
  gateways ??= loadCatalog()
    .filter((v) => v.category === 'gateway-mx')
    .map((v) => ({ id: v.id, name: v.name }))
  return gateways.map((g) => ({ ...g }))
}

/** A refusal as the notes quote it: its code and the start of its message. */
function refusalWords(e: PassageError): string {
  return `${e.code}: ${e.message.slice(0, 200)}`
}

/** Group members as read, with where they came from and what could not be learnt. */
interface GroupsRead {
  groups: TenantSnapshot['directory']['groups']
  source: 'graph' | 'exchange'
  /** One sentence each, for the notes. */
  notes: string[]
  calls: number
}

/** Groups read from the Exchange admin API (exchange/directory.ts); throws Exchange's refusal. */
async function readGroupsFromExchange(
  session: Session,
  addresses: readonly string[],
): Promise<Pick<GroupsRead, 'groups' | 'notes' | 'calls'>> {
  const notes: string[] = []
  let calls = 0
  const out = await Promise.all(
    addresses.map(async (address) => {
      const got = await exchangeGroupMembers(session.exo, address)
      calls += 1 + (got?.unresolved.length ?? 0)
      for (const u of got?.unresolved ?? [])
        notes.push(
          `group ${address}: the ${u} was not expanded; its members are simulated as not covered by what names ${address}`,
        )
      return got ? { address, members: got.members } : null
    }),
  )
  return { groups: out.filter((g) => g !== null), notes, calls }
}

/**
 * The groups policies and presets scope by, with their members, so that preset coverage is
 * simulated per recipient (issue 14). From Graph when it is signed in (transitiveMembers, nested
 * groups flattened, every page read; ms-rule: client.graph-group-members); else, or when Graph
 * refuses, from the Exchange admin API: Get-DistributionGroupMember for distribution and
 * mail-enabled security groups, Get-UnifiedGroupLinks -LinkType Members for Microsoft 365 groups,
 * nested mail groups flattened, dynamic distribution groups not (exchange/directory.ts). A group
 * neither knows is left out; a refusal leaves the groups unknown, which the notes, the plan and
 * the simulation say.
 */
async function readGroups(
  session: Session,
  addresses: string[],
  /** Graph's refusal to read groups, already known (canReadGroups): Exchange is asked at once. */
  refusedBefore: PassageError | null = null,
): Promise<GroupsRead> {
  const notes: string[] = []
  let calls = 0
  if (addresses.length === 0) return { groups: [], source: 'exchange', notes, calls }
  let graphRefusal: PassageError | null = refusedBefore
  if (session.graphSignedIn && !graphRefusal) {
    try {
      const out = await Promise.all(
        addresses.map(async (address) => {
          calls += 2
          const members = await session.graph.groupMembers(address)
          return members ? { address, members } : null
        }),
      )
      // Graph does not hold dynamic distribution groups ("can't be managed or retrieved through
      // Microsoft Graph"): a name Graph does not know is asked of Exchange, which says what it is.
      const unknown = addresses.filter((_, i) => out[i] === null)
      const fromExchange = unknown.length
        ? await readGroupsFromExchange(session, unknown).catch((e: unknown) => {
            if (!isPassageError(e) || e.kind === 'bug') throw e
            notes.push(
              `group members of ${unknown.join(', ')} unknown: Graph does not know them and Exchange refused (${refusalWords(e)})`,
            )
            return { groups: [], notes: [], calls: 0 }
          })
        : { groups: [], notes: [], calls: 0 }
      notes.push(...fromExchange.notes)
      calls += fromExchange.calls
      return {
        groups: [...out.filter((g) => g !== null), ...fromExchange.groups],
        source: 'graph',
        notes,
        calls,
      }
    } catch (e) {
      if (!isPassageError(e) || e.kind === 'bug') throw e
      graphRefusal = e
    }
  }
  try {
    const read = await readGroupsFromExchange(session, addresses)
    notes.push(...read.notes)
    calls += read.calls
    if (graphRefusal)
      notes.push(
        `group members read from Exchange instead: Graph refused (${refusalWords(graphRefusal)})`,
      )
    return { groups: read.groups, source: 'exchange', notes, calls }
  } catch (e) {
    if (!isPassageError(e) || e.kind === 'bug') throw e
    const graphWhy = graphRefusal ? `Graph refused (${refusalWords(graphRefusal)}) and ` : ''
    notes.push(
      `group members unknown: ${graphWhy}Exchange refused (${refusalWords(e)}); who a preset or policy covers cannot be simulated per recipient`,
    )
    return { groups: [], source: 'exchange', notes, calls }
  }
}

/**
 * The members of the groups the snapshot's presets and rules name (`wanted`, in its order): those
 * read early from the first pages (early), and any the full read names that those did not.
 * Groups read early that the snapshot does not name (a Defender rule of a tenant without
 * Defender, ...) are left out, with their notes.
 */
async function groupsOf(
  session: Session,
  wanted: string[],
  early: Promise<{ addresses: string[]; read: GroupsRead } | null>,
  probe: Promise<PassageError | null>,
): Promise<GroupsRead> {
  const got = await early
  if (wanted.length === 0)
    return { groups: [], source: 'exchange', notes: [], calls: got?.read.calls ?? 0 }
  const before = new Set(got?.addresses ?? [])
  const missing = wanted.filter((a) => !before.has(a))
  const late = got && missing.length === 0 ? null : await readGroups(session, missing, await probe)
  if (!got) return late!
  const keep = new Set(wanted)
  const dropped = got.addresses.filter((a) => !keep.has(a))
  const byAddress = new Map(
    [...got.read.groups, ...(late?.groups ?? [])].map((g) => [g.address, g]),
  )
  const notes = got.read.notes.filter((n) => !dropped.some((a) => n.startsWith(`group ${a}:`)))
  for (const n of late?.notes ?? []) if (!notes.includes(n)) notes.push(n)
  return {
    groups: wanted.flatMap((a) => byAddress.get(a) ?? []),
    source: got.read.groups.length > 0 || !late ? got.read.source : late.source,
    notes,
    calls: got.read.calls + (late?.calls ?? 0),
  }
}

/** The licence note: why Graph did not say, and what was assumed from the Defender cmdlets. */
function licenceNote(why: string, licence: Licence): string {
  return licence === 'eop'
    ? `licence unknown: ${why}; assumed EOP only because the Defender cmdlets do not answer`
    : `licence unknown: ${why}; assumed Defender for Office 365 Plan 1 because the Defender cmdlets answer (they cannot tell Plan 1 from Plan 2)`
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

/** The reads whose objects name the groups presets and policy rules are scoped by. */
const SCOPING_READS = new Set([
  'get-hostedcontentfilterrule',
  'get-antiphishrule',
  'get-malwarefilterrule',
  'get-safelinksrule',
  'get-safeattachmentrule',
  'get-eopprotectionpolicyrule',
  'get-atpprotectionpolicyrule',
])

/**
 * The Exchange client readTenant is given, watching its `$batch` round: the groups the rules
 * name (as scopedGroups reads them, from the objects as Exchange returned them) once every
 * scoping read's first page has come, while the other reads' further pages (a long Tenant
 * Allow/Block List) are still being fetched; null when one of them failed or came without a
 * batch (readTenant's own errors then decide). The reads themselves are unchanged.
 */
function watchScoping(exo: Session['exo']): {
  exo: Session['exo']
  addresses: Promise<string[] | null>
} {
  let tell: (a: string[] | null) => void = () => {}
  const addresses = new Promise<string[] | null>((resolve) => (tell = resolve))
  const watched = Object.create(exo) as Session['exo']
  watched.batch = (calls, opts = {}) => {
    const waiting = new Set(
      calls.flatMap((c, i) => (SCOPING_READS.has(c.cmdlet.toLowerCase()) ? [i] : [])),
    )
    const found = new Set<string>()
    const onFirstAnswer = (i: number, objects: Record<string, unknown>[] | null) => {
      opts.onFirstAnswer?.(i, objects)
      if (!waiting.delete(i)) return
      if (objects === null) return tell(null)
      for (const o of objects)
        for (const field of ['SentToMemberOf', 'ExceptIfSentToMemberOf'])
          for (const a of Array.isArray(o[field]) ? (o[field] as unknown[]) : [])
            if (typeof a === 'string') found.add(a.toLowerCase())
      if (waiting.size === 0) tell([...found])
    }
    if (waiting.size === 0) tell([])
    const done = exo.batch(calls, { ...opts, onFirstAnswer })
    void done.then(
      () => tell(null),
      () => tell(null),
    )
    return done
  }
  return { exo: watched, addresses }
}

/** Reads the tenant into a validated snapshot, and saves it on the tenant in the store. */
export async function discover(
  session: Session,
  store: Store | null,
  opts: DiscoverOptions = {},
): Promise<Discovery> {
  const started = Date.now()
  const refused: { what: string; error: PassageError }[] = []
  // Graph is asked only when it is signed in for this session (the admin's own app, an app
  // certificate, or a Graph client the admin named); with Microsoft's default apps everything
  // comes from Exchange, so that the README's flow shows one device code (issue 14). A Graph
  // refusal is kept and said; Exchange's own reads still decide whether discovery works at all.
  const graphOn = session.graphSignedIn
  const graphOr = <T>(what: string, p: Promise<T>): Promise<T | null> =>
    p.catch((e: unknown) => {
      if (!isPassageError(e) || e.kind === 'bug') throw e
      refused.push({ what, error: e })
      return null
    })
  const exchangeOr = <T>(p: Promise<T>): Promise<T | null> =>
    p.catch((e: unknown) => {
      if (!isPassageError(e) || e.kind === 'bug') throw e
      return null
    })
  // The groups the rules name are read as soon as the rules are, beside the further pages of
  // the other reads (ms-rule: client.graph-group-members); whether Graph lets this sign-in read
  // groups is asked beside the first reads, so that a refusal sends the group reads to Exchange
  // at once rather than a round later. What the first pages named is checked against the
  // snapshot below: a group only the full read names is read then, one named no more is dropped.
  const watch = watchScoping(session.exo)
  // The catalog's gateway names are read (the catalog loaded, the first time in a process) while
  // the first round is in flight, once its requests are out, rather than after it.
  const gatewaysSoon = new Promise<GatewayName[]>((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(gatewayNames())
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)))
      }
    }),
  )
  gatewaysSoon.catch(() => {})
  const groupProbe: Promise<PassageError | null> =
    graphOn && !opts.groups
      ? session.graph.canReadGroups().then(
          () => null,
          (e: unknown) => {
            if (!isPassageError(e) || e.kind === 'bug') throw e
            return e
          },
        )
      : Promise.resolve(null)
  const early: Promise<{ addresses: string[]; read: GroupsRead } | null> = opts.groups
    ? Promise.resolve(null)
    : watch.addresses.then(async (addresses) =>
        addresses === null || addresses.length === 0
          ? null
          : { addresses, read: await readGroups(session, addresses, await groupProbe) },
      )
  // Failures of these are thrown where they are awaited (groupsOf).
  early.catch(() => {})
  groupProbe.catch(() => {})
  const [read, licenceInfo, roles, graphOrg, exoOrg] = await Promise.all([
    readTenant(watch.exo, { defender: 'probe' }),
    graphOn ? graphOr('licence', session.graph.licence()) : null,
    graphOn
      ? graphOr('roles', session.graph.roles())
      : // The Exchange token's `wids`: no Graph request (graph.ts's tokenRoles).
        exchangeOr(session.graph.tokenRoles()),
    graphOn ? graphOr('organization', session.graph.organization()) : null,
    // Get-OrganizationConfig (office-docs-powershell Get-OrganizationConfig.md): the display
    // name, when Graph does not give it.
    graphOn ? null : exchangeOr(exchangeOrganization(session.exo)),
  ])
  const orgFallback =
    graphOn && !graphOrg ? await exchangeOr(exchangeOrganization(session.exo)) : null
  const exchangeName = exoOrg ?? orgFallback
  // Without Graph's word on the licence, the Defender cmdlets' existence is the next best sign;
  // it is said so, never passed off as Graph's answer.
  const licence: Licence = licenceInfo?.licence ?? (read.defenderReadable ? 'mdo-p1' : 'eop')
  const state: SurfaceState = hasDefender(licence)
    ? read.state
    : { ...read.state, safeLinks: null, safeAttachments: null, atpPolicy: null }
  const presets = hasDefender(licence) ? read.presets : read.presets.filter((p) => p.Kind === 'EOP')
  // The tenant's *.onmicrosoft.com name: Graph's initial domain, else the accepted domain of
  // that form (Get-AcceptedDomain), else what the admin typed.
  const initialDomain =
    graphOrg?.initialDomain ?? initialDomainOf(read.acceptedDomains.map((d) => d.DomainName))
  const tenantName = initialDomain ?? session.profile.tenantName ?? session.tenantId
  const displayName =
    graphOrg?.displayName ?? exchangeName?.displayName ?? session.profile.tenantName ?? tenantName
  const accepted = read.acceptedDomains.length
    ? read.acceptedDomains
    : [
        {
          DomainName: initialDomain ?? session.tenantId,
          DomainType: 'Authoritative' as const,
          Default: true,
        },
      ]
  const defaultDomain = (accepted.find((d) => d.Default) ?? accepted[0])!.DomainName
  const gateways = await gatewaysSoon
  let mx: MxRouting
  let mxSource: Discovery['mxSource']
  const useDns = opts.dns ?? !session.sandbox
  const groupsPromise: Promise<GroupsRead | null> = opts.groups
    ? Promise.resolve(null)
    : groupsOf(session, scopedGroups(state, presets), early, groupProbe)
  const hosts = !opts.mx && useDns ? await lookupMx(defaultDomain) : []
  const fromDns = routingFromHosts(hosts, gateways, state.inboundConnectors)
  const fromConnector = routingFromConnectors(state.inboundConnectors, gateways)
  if (opts.mx) [mx, mxSource] = [opts.mx, 'override']
  else if (fromDns) [mx, mxSource] = [fromDns, 'dns']
  else if (fromConnector) [mx, mxSource] = [fromConnector, 'connector']
  else [mx, mxSource] = [{ route: 'microsoft', hosts: [] }, 'default']
  const groupsRead = await groupsPromise
  const groups = opts.groups ?? groupsRead?.groups ?? []
  const notGraph =
    "Microsoft Graph is not signed in (one sign-in, to Exchange, with Microsoft's default apps)"
  const degraded = refused.map(({ what, error }) => {
    const why = `Graph refused (${refusalWords(error)})`
    if (what === 'licence') return licenceNote(why, licence)
    if (what === 'roles') return `admin roles unknown: ${why}`
    return `organisation name ${exchangeName ? 'read from Exchange instead' : 'unknown'}: ${why}`
  })
  if (!graphOn) {
    degraded.push(licenceNote(notGraph, licence))
    if (!roles)
      degraded.push(
        `admin roles unknown: ${notGraph} and the Exchange sign-in names no directory roles; what this admin may change is read from Exchange itself`,
      )
    if (!exchangeName)
      degraded.push(
        `organisation name unknown: ${notGraph} and Exchange did not answer Get-OrganizationConfig; shown as ${tenantName}`,
      )
  }
  degraded.push(...(groupsRead?.notes ?? []))
  const snapshot: TenantSnapshot = parseWith(
    DiscoveredSnapshot,
    {
      format: 'passage.snapshot',
      version: SNAPSHOT_VERSION,
      capturedAt: opts.now ?? new Date().toISOString(),
      tenant: { id: session.tenantId, name: tenantName, displayName },
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
    graphSignedIn: graphOn,
    groupsSource: opts.groups ? 'given' : groups.length > 0 ? (groupsRead?.source ?? null) : null,
    degraded,
    calls:
      read.calls +
      (graphOn ? 3 : 1) +
      (graphOn && !opts.groups ? 1 : 0) +
      (orgFallback !== null ? 1 : 0) +
      (groupsRead?.calls ?? 0),
    ms: Date.now() - started,
  }
}
