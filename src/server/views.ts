/**
 * What the wizard's API answers with: each route builds its answer with one of these views, and
 * `api-types.ts` derives the web client's types from their return types, so the client never
 * keeps a hand-made copy of a shape.
 *
 * Node-free on purpose (core, zod and type-only imports of node-free modules): the web client's
 * type-check follows these imports into its own program, which has no Node types.
 */
import { z } from 'zod'
import type { CoManager } from '../app/co-managers.js'
import { mxCertainty, type MxLookup } from '../app/mx-words.js'
import { plainRoles } from '../app/role-words.js'
import type { Evidence, HeaderAnalysis } from '../core/headers/index.js'
import {
  bclMeaning,
  catMeaning,
  ipvMeaning,
  sclMeaning,
  sfvMeaning,
} from '../core/headers/vocabulary.js'
import { PLACEMENT_WORDS } from '../core/journey/words.js'
import type { Placement } from '../core/journey/types.js'
import { hasDefender, licenceName } from '../core/model/licence.js'
import type { TenantSnapshot } from '../core/model/snapshot.js'
import type { Plan } from '../core/plan-format.js'
import { MECHANISMS, protectionDef } from '../core/protections/index.js'
import { CATEGORY_LABELS } from '../core/vendor/categories.js'
import type { VendorProfile } from '../core/vendor/profile.js'
import type { SandboxWorld } from '../sandbox/contracts.js'
import type { RunRecord, StepRecord } from '../store/records.js'
import type { ApiError } from './errors.js'
import { headerJourneyView } from './journey-view.js'
import type { VendorObject } from './vendor-objects.js'

/** Human labels of vendor categories (core's, re-exported for the routes). */
export { CATEGORY_LABELS }

/** What the wizard shows of a profile. */
export function vendorView(v: VendorProfile) {
  return {
    id: v.id,
    name: v.id === 'custom' ? 'Custom service' : v.name,
    category: v.id === 'custom' ? 'custom' : v.category,
    categoryLabel:
      v.id === 'custom' ? 'Not in the catalog' : (CATEGORY_LABELS[v.category] ?? v.category),
    summary: v.summary,
    asOf: v.asOf,
    params: v.params,
    asks: v.asks,
    symptoms: v.symptoms,
    notes: v.notes,
    recommended: v.recommended,
    recipe: v.recipe,
    sources: v.sources,
    sending: v.id === 'custom' ? null : v.sending,
  }
}

/** The embedded sandbox's tenants and accounts (what the sign-in step offers). */
export function sandboxView(sb: { url: string; world: SandboxWorld }) {
  return {
    url: sb.url,
    tenants: sb.world.tenants.map((t) => ({
      name: t.snapshot.tenant.name,
      displayName: t.snapshot.tenant.displayName,
      licence: licenceName(t.snapshot.licence),
      admins: t.admins.map((a) => ({
        upn: a.upn,
        displayName: a.displayName,
        roles: a.roles,
        apiEnabled: a.exchangeApiEnabled,
      })),
    })),
  }
}

/** The state of a device-code sign-in, as the server keeps it (see state.ts). */
export interface SignInStatus {
  id: string
  tenant: string
  /** The code and page Microsoft (or the sandbox) handed out, once it has. */
  prompt: { userCode: string; verificationUri: string; message: string; expiresIn: number } | null
  status: 'waiting' | 'signed-in' | 'failed' | 'cancelled'
  connectionId: string | null
  actor: string | null
  error: ApiError | null
}

/** A sign-in as the wizard polls it. */
export function signInView(f: SignInStatus) {
  return {
    id: f.id,
    tenant: f.tenant,
    status: f.status,
    userCode: f.prompt?.userCode ?? null,
    verificationUri: f.prompt?.verificationUri ?? null,
    message: f.prompt?.message ?? null,
    expiresIn: f.prompt?.expiresIn ?? null,
    connection: f.connectionId,
    actor: f.actor,
    error: f.error,
  }
}

/** One step of an apply job, as the wizard shows it. */
export interface JobStep {
  changeId: string
  summary: string
  status: 'pending' | 'running' | 'done' | 'failed' | 'not-run' | 'rolled-back'
  note?: string
  error?: ApiError
  ms?: number
}

/** An apply running in the background. */
export interface ApplyJob {
  id: string
  connectionId: string
  planHash: string
  status: 'running' | 'done' | 'failed' | 'error'
  steps: JobStep[]
  runId: number | null
  alreadyApplied: boolean
  error: ApiError | null
  startedAt: string
  finishedAt: string | null
  /** Wakes Server-Sent Events listeners. */
  listeners: Set<() => void>
}

/** An apply job as the wizard follows it (without its listeners, with counts). */
export function jobView(j: ApplyJob) {
  const { listeners: _l, ...rest } = j
  return {
    ...rest,
    done: j.steps.filter((s) => s.status === 'done').length,
    failed: j.steps.filter((s) => s.status === 'failed').length,
  }
}

/** Roles that may make the changes passage plans (transport rules need Exchange Administrator). */
const WRITERS = ['Global Administrator', 'Exchange Administrator']
const PARTIAL = ['Security Administrator']

/** What discovery read (app/discover.ts's result), with who signed in. */
export interface DiscoveryInput {
  snapshot: TenantSnapshot
  roles: { roles: string[]; source: 'graph' | 'token' } | null
  defenderFrom: string[]
  mxSource: 'override' | 'dns' | 'connector' | 'default'
  mxLookup: MxLookup
  coManagers: CoManager[]
  calls: number
  ms: number
  /** Where the licence came from (absent: Graph). */
  licenceSource?: 'graph' | 'cmdlets'
  /** Where the group members came from (absent: unknown). */
  groupsSource?: 'graph' | 'exchange' | 'given' | null
  /** What discovery could not learn, one sentence each (absent: nothing). */
  degraded?: string[]
}

/**
 * Discovery as the wizard shows it: licences, roles (and whether they allow every change), API
 * access, MX routing, presets, co-managers, object counts and what exists for the vendor.
 */
export function discoveryView(d: DiscoveryInput, actor: string, existing: VendorObject[]) {
  const s = d.snapshot
  const roles = d.roles ? plainRoles(d.roles.roles) : null
  const canChange = roles === null ? null : roles.some((r) => WRITERS.includes(r))
  const partly = roles !== null && !canChange && roles.some((r) => PARTIAL.includes(r))
  const st = s.state
  const counts: { label: string; count: number | null }[] = [
    { label: 'Mail flow rules', count: st.transportRules.length },
    { label: 'Anti-spam policies', count: st.antiSpam.policies.length },
    { label: 'Anti-phishing policies', count: st.antiPhish.policies.length },
    { label: 'Safe Links policies', count: st.safeLinks?.policies.length ?? null },
    { label: 'Safe Attachments policies', count: st.safeAttachments?.policies.length ?? null },
    { label: 'Allow/Block List entries', count: st.tabl.items.length + st.tabl.spoofItems.length },
    { label: 'Connection filter IP allows', count: st.connectionFilter.IPAllowList.length },
    { label: 'Quarantine policies', count: st.quarantinePolicies.length },
    { label: 'Inbound connectors', count: st.inboundConnectors.length },
  ]
  return {
    tenant: s.tenant,
    actor,
    licence: {
      id: s.licence,
      name: licenceName(s.licence),
      defender: hasDefender(s.licence),
      skus: s.skus,
      defenderFrom: d.defenderFrom,
      /** How passage knows: your subscriptions, or only which Defender settings answer. */
      how:
        (d.licenceSource ?? 'graph') === 'graph'
          ? 'Read from your subscriptions.'
          : hasDefender(s.licence)
            ? 'Assumed from the Defender settings your tenant has: Plan 1 and Plan 2 cannot be told apart this way.'
            : 'Assumed because your tenant has no Defender settings.',
    },
    roles: {
      names: roles,
      source: d.roles?.source ?? null,
      canChange,
      note:
        roles === null
          ? 'Passage could not tell which roles you hold; Exchange will refuse any change you may not make.'
          : canChange
            ? 'Your roles allow every change passage may make.'
            : partly
              ? 'Security Administrator can change security policies but not mail flow rules: sign in as an Exchange Administrator for every option.'
              : `${roles.length ? roles.join(', ') : 'No administrator role'}: you can read the configuration but not change it. Sign in as an Exchange Administrator (or Global Administrator) to apply.`,
    },
    api: {
      reachable: true,
      calls: d.calls,
      ms: d.ms,
    },
    mx: {
      route: s.mx.route,
      gateway: s.mx.route === 'gateway' ? s.mx.gateway : null,
      hosts: s.mx.hosts,
      source: d.mxSource,
      /** True when nothing said where MX points and Microsoft 365 was assumed. */
      guess: mxCertainty(d.mxSource, d.mxLookup).guess,
      /** Where the routing came from, or why it is only a guess, in words. */
      how: mxCertainty(d.mxSource, d.mxLookup).words,
    },
    acceptedDomains: s.acceptedDomains.map((a) => a.DomainName),
    presets: s.presets.map((p) => ({
      name: p.Name,
      preset: p.Preset,
      kind: p.Kind,
      state: p.State,
      scope: [...p.SentTo, ...p.SentToMemberOf, ...p.RecipientDomainIs],
      /** The groups it covers with how many members were read (null: members unknown). */
      groups: p.SentToMemberOf.map((address) => {
        const g = s.directory.groups.find((x) => x.address.toLowerCase() === address.toLowerCase())
        return { address, members: g ? g.members.length : null }
      }),
    })),
    /** Where group members were read (null: none read), so that preset coverage is per person. */
    groupsFrom:
      d.groupsSource === 'graph'
        ? 'Microsoft Graph'
        : d.groupsSource === 'exchange'
          ? 'Exchange Online'
          : d.groupsSource === 'given'
            ? 'the file given'
            : null,
    /** What passage could not learn, one sentence each, without error codes. */
    notes: (d.degraded ?? []).map(plainNote),
    coManagers: d.coManagers,
    counts,
    existing,
    capturedAt: s.capturedAt,
  }
}

/** A discovery note for a web user: error codes left out (the CLI shows them). */
function plainNote(line: string): string {
  const text = line
    .replace(/\(PASSAGE_E_[A-Z0-9_]+: /g, '(')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '(an id)')
  return text.charAt(0).toUpperCase() + text.slice(1) + (/[.)]$/.test(text) ? '' : '.')
}

/** A sentence's first letter in capitals. */
function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** `Field:value` pairs of an evidence value (`IPV:CAL;SFV:SKN`), by field name in capitals. */
function fieldsOf(value: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of value.split(';')) {
    const i = part.indexOf(':')
    if (i > 0) out.set(part.slice(0, i).trim().toUpperCase(), part.slice(i + 1).trim())
  }
  return out
}

/**
 * One header line's conclusion in words, with the meanings the header analyzer already has for
 * each field (core/headers/vocabulary.ts: CAT, SCL, BCL, SFV and IPV as "Anti-spam message
 * headers in Microsoft 365" describes them, defender-docs
 * defender-office-365/message-headers-eop-mdo.md); never a category code such as SPM alone.
 */
function findingWords(e: Evidence): string {
  const i = e.conclusion.indexOf(': ')
  const key = i < 0 ? e.conclusion : e.conclusion.slice(0, i)
  const rest = i < 0 ? '' : e.conclusion.slice(i + 2)
  const inferred = /\(inferred/.test(rest) ? ' (inferred: the headers do not stamp it)' : ''
  switch (key) {
    case 'trusted':
      return `Written by the recipient’s own Microsoft 365 (${rest})`
    case 'direction':
      return `Direction: ${rest}`
    case 'category':
      return `Detected: ${catMeaning(rest)}`
    case 'scl':
      return `Spam confidence level ${rest}: ${sclMeaning(Number(rest))}`
    case 'bcl':
      return `Bulk complaint level ${rest}: ${bclMeaning(Number(rest))}`
    case 'verdict': {
      const [placement = '', ...basis] = rest.split(' ')
      const where = PLACEMENT_WORDS[placement as Placement] ?? placement
      return `Landed in ${where}${basis.length ? ` ${basis.join(' ')}` : ''}`
    }
    case 'bypass': {
      const f = fieldsOf(e.value)
      const sfv = f.get('SFV')
      if (sfv)
        return `${capital(sfvMeaning(sfv, { ipv: f.get('IPV') ?? null, dir: null, authAs: null }))}${inferred}`
      if (f.get('IPV')) return `${capital(ipvMeaning(f.get('IPV') ?? ''))}${inferred}`
      if (rest.startsWith('safe-senders'))
        return `${capital(sfvMeaning('SFE'))} (the mailbox recorded it)`
      if (rest.startsWith('advanced-delivery'))
        return `Let through by advanced delivery (a phishing simulation or SecOps mailbox)${inferred}`
      return capital(e.conclusion)
    }
    default:
      return capital(e.conclusion)
  }
}

/** SPF, DKIM, DMARC and composite authentication in one sentence (null when none is shown). */
function authenticationWords(a: HeaderAnalysis): string | null {
  const au = a.auth
  if (!au.spf && !au.dkim && !au.dmarc && !au.compauth) return null
  return [
    `SPF ${au.spf ?? 'not shown'}`,
    `DKIM ${au.dkim ?? 'not shown'}`,
    `DMARC ${au.dmarc ?? 'not shown'}`,
    `composite authentication ${au.compauth ?? 'not shown'}${au.reasonMeaning ? ` (${au.reasonMeaning})` : ''}`,
  ].join(', ')
}

/** What Microsoft decided for the message, in a sentence. */
function decisionWords(a: HeaderAnalysis): string {
  if (a.direction === 'outbound')
    return 'Nothing about the recipient: these are the sender’s headers, on the way out of Microsoft 365.'
  if (!a.trusted) {
    const u = a.unconfirmed
    const genuine =
      u && u.verdict !== 'unknown'
        ? ` If it is genuine: ${PLACEMENT_WORDS[u.verdict]} (predicted from the default policy).`
        : ''
    return `Not confirmed: the headers cannot be tied to the recipient’s own Microsoft 365.${genuine}`
  }
  if (a.verdict === 'unknown') return 'Not known from these headers.'
  return a.verdictBasis === 'mailbox-delivery'
    ? `${PLACEMENT_WORDS[a.verdict]}, as the mailbox recorded it.`
    : `${PLACEMENT_WORDS[a.verdict]}, predicted from the filter verdict and the default policy (preset or custom policies may differ).`
}

/**
 * A header analysis as the wizard shows it: worded fields (what Microsoft decided, what it
 * found, why, at which stage of Defender, and each finding with the header line it comes from),
 * never the lines `passage explain` prints. The raw values stay beside them for scripts.
 */
export function explanationView(a: HeaderAnalysis) {
  const journey = headerJourneyView(a)
  const decided = journey.stages.find((x) => x.id === journey.decidedBy && x.status === 'decided')
  const u = a.trusted ? null : a.unconfirmed
  const category = u ? u.category : a.category
  const scl = u ? u.scl : a.scl
  const bcl = u ? u.bcl : a.bcl
  return {
    trusted: a.trusted,
    direction: a.direction,
    verdict: a.verdict,
    /** What an untrusted report would mean if genuine (a pasted X-Forefront block alone). */
    unconfirmed: a.unconfirmed ?? null,
    auth: a.auth,
    category: a.category,
    scl: a.scl,
    bcl: a.bcl,
    bypass: a.bypass,
    /** What Microsoft decided: where the message landed, and how sure that is. */
    decision: decisionWords(a),
    /** Whether the verdict is the recipient tenant's own, in a sentence, with its grounds. */
    trust: a.trusted
      ? 'Yes: the verdict comes from the recipient’s own Microsoft 365.'
      : a.direction === 'outbound'
        ? 'No: these headers hold no verdict of the recipient’s tenant.'
        : 'No: no verdict of the recipient’s own Exchange Online Protection was found, so treat it with care.',
    trustBasis: a.trustBasis,
    /** What filtering found, in words ("spam", never "SPM"). */
    detected:
      category.toUpperCase() === 'NONE'
        ? a.trusted || u
          ? 'nothing'
          : 'not known'
        : catMeaning(category),
    /** Why it landed there: the deciding stage's own sentence (from the journey). */
    why: decided
      ? capital(decided.detail)
      : a.direction === 'outbound'
        ? 'These headers are the sender’s side of the message.'
        : 'The headers do not say which stage decided.',
    /** The stage of Defender that decided, by its name (null when the headers cannot tell). */
    stage: decided?.title ?? null,
    /** The spam and bulk levels in words. */
    levels: [
      ...(scl !== null ? [`Spam confidence level ${scl}: ${sclMeaning(scl)}`] : []),
      ...(bcl !== null ? [`Bulk complaint level ${bcl}: ${bclMeaning(bcl)}`] : []),
    ],
    authentication: authenticationWords(a),
    /** Each finding in words, with the header line (name and value) it comes from. */
    evidence: a.evidence.map((e) => ({
      finding: findingWords(e),
      header: e.header,
      value: e.value,
    })),
    /** Notes and warnings, one sentence each. */
    findings: a.findings,
    vendorCheck: a.vendorCheck ?? null,
    /** Its path through Defender's stages, as the headers tell it (journey-view.ts). */
    journey,
  }
}

/** A run in the history list, with a line about its plan and whether it can be undone. */
export function runView(
  r: RunRecord,
  plan: { vendor: string; changes: number } | null,
  vendorName: string | null = null,
) {
  return {
    ...r,
    plan,
    /** Who the run was for: its plan's vendor, else the one it recorded (a test run). */
    vendorName: plan?.vendor ?? vendorName,
    canUndo: r.kind === 'apply' && r.status !== 'rolled-back',
  }
}

/** One run in detail: its steps and what its plan changed. */
export function runDetailView(run: RunRecord, steps: StepRecord[], p: Plan | undefined) {
  return {
    run,
    steps,
    plan: p
      ? {
          hash: p.hash,
          vendor: p.vendor,
          mode: p.mode,
          createdAt: p.createdAt,
          protections: p.protections.map((x) => ({
            title: protectionDef(x.protection).title,
            mechanism: MECHANISMS[x.mechanism].title,
            risk: x.risk,
          })),
          changes: p.changes.map((c) => ({
            id: c.id,
            summary: c.summary,
            risk: c.risk.level,
            op: c.op,
          })),
        }
      : null,
  }
}

// The answers below are app results passed on as they are (app/check.ts, app/rollback.ts,
// app/test-delivery.ts pull in Node modules, so their types cannot reach the web client). Each
// route states `result satisfies <View>`: if the app's result stops matching what the wizard
// reads, the server no longer compiles.

/** The API error of a failed step, as the app records it. */
const StepError = z.object({ code: z.string(), message: z.string(), hint: z.string() })

/** What the wizard reads of a configuration check. */
export const CheckView = z.object({
  green: z.boolean(),
  vendor: z.string(),
  checked: z.number(),
  findings: z.array(
    z.object({
      changeId: z.string(),
      target: z.string(),
      problem: z.string(),
      diagnosis: z.string(),
      fix: z.string(),
    }),
  ),
})
/** What the wizard reads of a configuration check. */
export type CheckView = z.output<typeof CheckView>

/** What the wizard reads of a rollback. */
export const RollbackView = z.object({
  /** `conflict`: undone, except fields someone changed since the apply (they keep their value). */
  status: z.enum(['done', 'failed', 'noop', 'conflict']),
  steps: z.array(
    z.object({
      changeId: z.string(),
      summary: z.string(),
      status: z.string(),
      error: StepError.optional(),
    }),
  ),
})
/** What the wizard reads of a rollback. */
export type RollbackView = z.output<typeof RollbackView>

/** What the wizard reads of a test-delivery report (before the server adds `sandbox`). */
export const DeliveryView = z.object({
  vendor: z.string(),
  sent: z.number(),
  window: z.object({ start: z.string(), end: z.string() }),
  messages: z.array(
    z.object({
      messageId: z.string(),
      received: z.string(),
      sender: z.string(),
      recipient: z.string(),
      subject: z.string(),
      status: z.string(),
      fate: z.enum(['inbox', 'junk', 'quarantine', 'failed', 'pending', 'released']),
      quarantine: z.object({ type: z.string(), policy: z.string().nullable() }).nullable(),
      reason: z.string(),
    }),
  ),
})
/** What the wizard reads of a test-delivery report (before the server adds `sandbox`). */
export type DeliveryView = z.output<typeof DeliveryView>
