/**
 * The journey of a modelled message: the evaluator's answer for one recipient (its placement, the
 * object that decided, the policies that applied and its ordered trace) laid out on Defender's
 * stages in Microsoft's order.
 */
import type { Category, RecipientEvaluation, TraceStep } from '../evaluator/types.js'
import { STAGES, stageIndex, stageTitle } from './stages.js'
import type { Journey, JourneyObject, JourneyStage, StageId, StageStatus } from './types.js'
import { CATEGORY_WORDS } from '../evaluator/words.js'
import { landingOf, listOf, named, objectOf } from './words.js'

/** The stage each verdict belongs to. */
const CATEGORY_STAGE: Record<Category, StageId> = {
  MALW: 'anti-malware',
  HPHSH: 'anti-spam',
  PHSH: 'anti-spam',
  HSPM: 'anti-spam',
  SPM: 'anti-spam',
  BULK: 'anti-spam',
  SPOOF: 'anti-phishing',
  UIMP: 'anti-phishing',
  DIMP: 'anti-phishing',
  GIMP: 'anti-phishing',
  NONE: 'anti-spam',
}

/** The stage whose object placed the message. */
export function decidingStage(r: RecipientEvaluation): StageId {
  const o = r.decidedBy
  if (!o) return 'delivery'
  switch (o.kind) {
    case 'connection-filter':
      return 'connection-filter'
    case 'transport-rule':
      return 'mail-flow-rules'
    case 'anti-malware-policy':
      return 'anti-malware'
    case 'anti-spam-policy':
      return 'anti-spam'
    case 'anti-phish-policy':
    case 'tabl-spoof-entry':
      return 'anti-phishing'
    case 'safe-attachments-policy':
      return 'safe-attachments'
    case 'safe-links-policy':
      return 'safe-links'
    case 'user-list':
    case 'quarantine-policy':
      return 'delivery'
    default:
      // A preset, a Tenant Allow/Block List entry or advanced delivery decides at the stage of the
      // verdict it gives or overrides.
      return CATEGORY_STAGE[r.category !== 'NONE' ? r.category : r.detected]
  }
}

/**
 * Every verdict the filters found (before allows and blocks), from the trace's filter-verdict
 * step ("Detected BULK, SPOOF; ..."); the top one alone when the step is missing.
 */
export function foundVerdicts(r: RecipientEvaluation): Category[] {
  const step = r.trace.find(
    (s) => s.stage === 'filter-verdict' && s.decision.startsWith('Detected'),
  )
  const m = step ? /^Detected ([A-Z, ]+);/.exec(step.decision) : null
  const listed = (m?.[1] ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x): x is Category => x in CATEGORY_STAGE && x !== 'NONE')
  if (listed.length) return listed
  return r.detected === 'NONE' ? [] : [r.detected]
}

/** Filtering was skipped by an allow (SCL -1 rule, IP Allow List, allowed senders). */
function bypassed(r: RecipientEvaluation): boolean {
  return r.action === 'inbox' && (r.sfv === 'SKN' || r.sfv === 'SKI' || r.sfv === 'SKA')
}

interface Context {
  r: RecipientEvaluation
  decider: StageId
  found: Category[]
  notDelivered: boolean
  stopped: boolean
}

function stage(
  id: StageId,
  status: StageStatus,
  detail: string,
  object: JourneyObject | null,
  uncertain = false,
): JourneyStage {
  return { id, title: stageTitle(id), status, detail, object, uncertain }
}

function stepsOf(r: RecipientEvaluation, ...stages: TraceStep['stage'][]): TraceStep[] {
  return r.trace.filter((s) => stages.includes(s.stage))
}

function anyUncertain(steps: readonly TraceStep[]): boolean {
  return steps.some((s) => s.uncertain === true)
}

/** After the deciding stage of a message that never reached a mailbox, nothing runs. */
function notReached(id: StageId, c: Context): JourneyStage | null {
  if (!c.stopped || stageIndex(id) <= stageIndex(c.decider)) return null
  return stage(
    id,
    'skipped',
    `not reached: the message was ${c.r.action} at the ${stageTitle(c.decider).toLowerCase()} stage`,
    null,
  )
}

function connectionFilter(c: Context): JourneyStage {
  const steps = stepsOf(c.r, 'connection-filter')
  const object = objectOf(steps[0]?.object ?? null) ?? {
    kind: 'connection filter policy',
    name: '',
  }
  const text = steps.map((s) => s.decision).join(' ')
  const allowed = /is on the IP Allow List/.test(text) && !/still filtered/.test(text)
  const blocked = /is on the IP Block List/.test(text)
  const u = anyUncertain(steps)
  if (c.decider === 'connection-filter')
    return stage(
      'connection-filter',
      'decided',
      c.r.action === 'dropped'
        ? 'the sending IP is on the IP Block List: the message is dropped'
        : 'the sending IP is on the IP Allow List: spam filtering is skipped',
      objectOf(c.r.decidedBy),
      u,
    )
  if (allowed)
    return stage(
      'connection-filter',
      'acted',
      'the sending IP is on the IP Allow List, which skips spam filtering',
      object,
      u,
    )
  if (blocked)
    return stage('connection-filter', 'acted', 'the sending IP is on the IP Block List', object, u)
  return stage('connection-filter', 'passed', 'the sending IP is on neither IP list', object, u)
}

function antiMalware(c: Context): JourneyStage {
  const skipped = notReached('anti-malware', c)
  if (skipped) return skipped
  const selection = c.r.trace.find(
    (s) => s.stage === 'policy-selection' && s.decision.startsWith('Anti-malware'),
  )
  const policy = objectOf(selection?.object ?? null)
  const malware = c.found.includes('MALW')
  if (c.decider === 'anti-malware')
    return stage(
      'anti-malware',
      'decided',
      `malware found: ${landingOf(c.r.action, c.r.quarantinePolicy)}`,
      objectOf(c.r.decidedBy) ?? policy,
    )
  if (malware)
    return stage('anti-malware', 'acted', 'malware found, but another stage decided', policy)
  return stage('anti-malware', 'passed', 'no malware found', policy)
}

function mailFlowRules(c: Context): JourneyStage {
  const skipped = notReached('mail-flow-rules', c)
  if (skipped) return skipped
  const steps = stepsOf(c.r, 'transport-rules')
  const u = anyUncertain(steps)
  const matched = [
    ...new Set(
      steps
        .filter((s) => s.decision.startsWith('Matches') && s.object)
        .map((s) => s.object?.name ?? ''),
    ),
  ]
  if (c.decider === 'mail-flow-rules') {
    const o = objectOf(c.r.decidedBy)
    return stage(
      'mail-flow-rules',
      'decided',
      c.r.action === 'inbox'
        ? `${named(o)} sets the spam confidence level to -1: spam filtering is skipped`
        : `${named(o)} marks it as spam: ${landingOf(c.r.action, c.r.quarantinePolicy)}`,
      o,
      u,
    )
  }
  if (matched.length)
    return stage(
      'mail-flow-rules',
      'acted',
      `${matched.length === 1 ? 'rule' : 'rules'} ${listOf(matched.map((m) => `'${m}'`))} ${matched.length === 1 ? 'matches' : 'match'}, without changing where it lands`,
      { kind: 'mail flow rule', name: matched[0] ?? '' },
      u,
    )
  return stage(
    'mail-flow-rules',
    'passed',
    steps.length ? 'no rule matches' : 'the tenant has no mail flow rule',
    null,
    u,
  )
}

/** Anti-spam or anti-phishing: the content filters. */
function contentFilter(
  id: 'anti-spam' | 'anti-phishing',
  c: Context,
  policy: JourneyObject | null,
): JourneyStage {
  const skipped = notReached(id, c)
  if (skipped) return skipped
  const mine = c.found.filter((f) => CATEGORY_STAGE[f] === id && f !== 'MALW')
  const words = listOf(mine.map((f) => CATEGORY_WORDS[f]))
  const r = c.r
  if (c.decider === id) {
    const o = objectOf(r.decidedBy)
    const kind = r.decidedBy?.kind
    const where = landingOf(r.action, r.quarantinePolicy)
    const detail =
      kind === 'advanced-delivery'
        ? `${named(o)} delivers it as a phishing simulation or to a security mailbox: ${where}`
        : kind === 'tabl-entry' && r.action === 'inbox'
          ? `${named(o)} allows it${words ? ` over ${words}` : ''}: ${where}`
          : kind === 'anti-spam-policy' && r.sfv === 'SKA'
            ? `the sender is on the policy’s allowed senders list: spam filtering is skipped`
            : kind === 'anti-spam-policy' && r.sfv === 'SKB'
              ? `the sender is on the policy’s blocked senders list: ${where}`
              : `${CATEGORY_WORDS[r.category !== 'NONE' ? r.category : r.detected]} found: ${where}`
    return stage(id, 'decided', detail, o ?? policy)
  }
  if (bypassed(r) && stageIndex(c.decider) < stageIndex(id))
    return stage(
      id,
      'skipped',
      `${named(objectOf(r.decidedBy)) || 'an allow'} lets the message past filtering${words ? ` (it found ${words})` : ''}`,
      policy,
    )
  if (mine.length)
    return stage(
      id,
      'acted',
      `found ${words}, but ${stageTitle(c.decider).toLowerCase()} decided`,
      policy,
    )
  return stage(
    id,
    'passed',
    id === 'anti-spam' ? 'not spam, not bulk' : 'no spoofing or impersonation found',
    policy,
  )
}

function safeAttachments(c: Context): JourneyStage {
  const skipped = notReached('safe-attachments', c)
  if (skipped) return skipped
  const r = c.r
  const policy = objectOf(r.policies.safeAttachments)
  if (!r.policies.safeAttachments)
    return stage(
      'safe-attachments',
      'skipped',
      'not in this tenant: Safe Attachments needs Defender for Office 365',
      null,
    )
  if (c.decider === 'safe-attachments')
    return stage(
      'safe-attachments',
      'decided',
      `an attachment is malicious: ${landingOf(r.action, r.quarantinePolicy)}`,
      objectOf(r.decidedBy) ?? policy,
    )
  if (c.notDelivered)
    return stage('safe-attachments', 'skipped', 'not delivered, so nothing is opened', policy)
  const steps = stepsOf(r, 'safe-attachments')
  const u = anyUncertain(steps)
  const last = steps[steps.length - 1]
  if (!last) return stage('safe-attachments', 'skipped', 'the message has no attachments', policy)
  if (/^Attachments detonated/.test(last.decision))
    return stage('safe-attachments', 'passed', 'attachments opened in a sandbox', policy, u)
  return stage('safe-attachments', 'skipped', plainSafeAttachments(last.decision), policy, u)
}

function plainSafeAttachments(decision: string): string {
  if (/is off/.test(decision)) return 'turned off in the policy: attachments are not opened'
  if (/Advanced delivery/.test(decision)) return 'advanced delivery: attachments are not opened'
  return 'a mail flow rule asks to skip it: attachments are assumed not to be opened'
}

function safeLinks(c: Context): JourneyStage {
  const skipped = notReached('safe-links', c)
  if (skipped) return skipped
  const r = c.r
  const policy = objectOf(r.policies.safeLinks)
  const steps = stepsOf(r, 'safe-links')
  const u = anyUncertain(steps)
  if (!r.policies.safeLinks)
    return stage(
      'safe-links',
      'skipped',
      'not in this tenant: Safe Links needs Defender for Office 365',
      null,
    )
  if (c.decider === 'safe-links')
    return stage(
      'safe-links',
      'decided',
      `a link is malicious: ${landingOf(r.action, r.quarantinePolicy)}`,
      objectOf(r.decidedBy) ?? policy,
      u,
    )
  if (c.notDelivered) return stage('safe-links', 'skipped', 'not delivered', policy, u)
  if (!r.safeLinks.length) return stage('safe-links', 'skipped', 'the message has no links', policy)
  const rewritten = r.safeLinks.filter((l) => l.rewritten).length
  const total = r.safeLinks.length
  if (rewritten)
    return stage(
      'safe-links',
      'acted',
      `wraps ${rewritten} of ${total} link${total === 1 ? '' : 's'}: each click is checked first (and scanners may pre-click)`,
      policy,
      u,
    )
  const reason = r.safeLinks[0]?.reason ?? ''
  if (/ off /.test(` ${reason} `) || /^Safe Links .* off/.test(reason))
    return stage('safe-links', 'skipped', `${reason}: links are left as they are`, policy, u)
  return stage('safe-links', 'passed', `links are left as they are (${reason})`, policy, u)
}

function delivery(c: Context): JourneyStage {
  const r = c.r
  const where = landingOf(r.action, r.quarantinePolicy)
  if (r.action === 'dropped' || r.action === 'rejected')
    return stage('delivery', 'skipped', `not delivered: ${where}`, null)
  if (c.decider === 'delivery') {
    const o = objectOf(r.decidedBy)
    const detail = !r.decidedBy
      ? `nothing stopped it: ${where}`
      : r.decidedBy.kind === 'user-list'
        ? r.action === 'inbox'
          ? `the recipient’s own Safe Senders list lets it in: ${where}`
          : `the recipient’s own Blocked Senders list sends it to ${where}`
        : where
    return stage('delivery', 'decided', detail, o)
  }
  return stage(
    'delivery',
    'passed',
    `${where}, as the ${stageTitle(c.decider).toLowerCase()} stage decided`,
    null,
  )
}

function zap(c: Context): JourneyStage {
  const r = c.r
  const steps = stepsOf(r, 'zap')
  const u = anyUncertain(steps)
  const policy = objectOf(steps.find((s) => s.object)?.object ?? null)
  if (c.notDelivered) return stage('zap', 'skipped', 'not in a mailbox, so nothing to move', null)
  if (r.zap.couldMove === true)
    return stage(
      'zap',
      'passed',
      'could still move it out of the mailbox later if Microsoft’s verdict changes',
      policy,
      u,
    )
  if (r.zap.couldMove === 'unknown')
    return stage(
      'zap',
      'passed',
      'might not act on mail an allow let through (Microsoft does not say when)',
      policy,
      true,
    )
  return stage('zap', 'skipped', r.zap.reason, policy, u)
}

/** The preset policy covering the recipient, from the policies that applied. */
function presetOf(r: RecipientEvaluation): string | null {
  const p = [
    r.policies.antiSpam,
    r.policies.antiPhish,
    r.policies.safeLinks,
    r.policies.safeAttachments,
  ]
  return p.find((o) => o?.kind === 'preset')?.name ?? null
}

function capital(s: string): string {
  return `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`
}

/**
 * The allow that removed the verdict of a message delivered with nothing named as its decider (a
 * Tenant Allow/Block List URL allow overrides the verdict without skipping filtering), from the
 * trace's last "overrides" step; null when there is none.
 */
function overridingAllow(r: RecipientEvaluation): TraceStep | null {
  if (r.decidedBy || r.action !== 'inbox' || r.detected === 'NONE') return null
  const steps = r.trace.filter(
    (s) => s.stage === 'allow' && s.object && /overrides/.test(s.decision),
  )
  return steps[steps.length - 1] ?? null
}

/** The journey of one recipient's copy, from the evaluator's answer. */
export function journeyOf(evaluation: RecipientEvaluation): Journey {
  const allow = overridingAllow(evaluation)
  const r: RecipientEvaluation = allow
    ? { ...evaluation, decidedBy: allow.object, category: evaluation.detected }
    : evaluation
  const decider = decidingStage(r)
  const c: Context = {
    r,
    decider,
    found: foundVerdicts(r),
    notDelivered: r.action !== 'inbox' && r.action !== 'junk',
    stopped: r.action === 'dropped' || r.action === 'rejected',
  }
  const byId: Record<StageId, () => JourneyStage> = {
    'connection-filter': () => connectionFilter(c),
    'anti-malware': () => antiMalware(c),
    'mail-flow-rules': () => mailFlowRules(c),
    'anti-spam': () => contentFilter('anti-spam', c, objectOf(r.policies.antiSpam)),
    'anti-phishing': () => contentFilter('anti-phishing', c, objectOf(r.policies.antiPhish)),
    'safe-attachments': () => safeAttachments(c),
    'safe-links': () => safeLinks(c),
    delivery: () => delivery(c),
    zap: () => zap(c),
  }
  const stages = STAGES.map((s) => {
    const built = byId[s.id]()
    return allow?.uncertain && built.status === 'decided' ? { ...built, uncertain: true } : built
  })
  const landing = landingOf(r.action, r.quarantinePolicy)
  const deciding = stages.find((s) => s.id === decider)
  const by = deciding?.object ? `, by ${named(deciding.object)}` : ''
  return {
    basis: 'model',
    recipient: r.recipient,
    preset: presetOf(r),
    placement: r.action,
    landing,
    decidedBy: decider,
    summary:
      decider === 'delivery' && !r.decidedBy
        ? `${capital(landing)}: no stage stopped it.`
        : `${capital(landing)}: decided at ${stageTitle(decider).toLowerCase()}${by}.`,
    stages,
    uncertain: r.uncertain,
  }
}
