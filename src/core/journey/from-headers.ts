/**
 * The journey of a delivered message, from its headers (the header analyzer's answer): what the
 * recipient's Microsoft 365 stamped says which stage decided; stages the headers are silent about
 * are shown as such, never guessed as certain.
 */
import type { Category } from '../evaluator/types.js'
import type { Bypass, HeaderAnalysis } from '../headers/index.js'
import { STAGES, stageIndex, stageTitle } from './stages.js'
import type {
  Journey,
  JourneyObject,
  JourneyStage,
  Placement,
  StageId,
  StageStatus,
} from './types.js'
import { CATEGORY_WORDS } from '../evaluator/words.js'
import { landingOf, named } from './words.js'

const SPAM: readonly string[] = ['HPHSH', 'PHSH', 'HSPM', 'SPM', 'BULK']
const PHISH: readonly string[] = ['SPOOF', 'UIMP', 'DIMP', 'GIMP']

/** Which allow the headers show, as the object that decided. */
const BYPASS_OBJECT: Partial<Record<Bypass, JourneyObject>> = {
  'transport-rule': { kind: 'mail flow rule', name: '' },
  'ip-allow': { kind: 'IP Allow List entry', name: '' },
  'anti-spam-allow': { kind: 'allowed senders entry', name: '' },
  'safe-senders': { kind: 'recipient’s Safe Senders entry', name: '' },
  'advanced-delivery': { kind: 'advanced delivery policy', name: '' },
}

interface Facts {
  category: string
  bypass: Bypass
  placement: Placement
  sfv: string | null
  ipv: string | null
  certain: boolean
}

function facts(a: HeaderAnalysis): Facts | null {
  const report = a.decoded.reports.find((r) => r.status === 'trusted') ?? null
  if (a.trusted)
    return {
      category: a.category.toUpperCase(),
      bypass: a.bypass,
      placement: a.verdict,
      sfv: report?.sfv ?? null,
      ipv: report?.ipv ?? null,
      certain: a.verdictBasis === 'mailbox-delivery',
    }
  const u = a.unconfirmed
  if (!u) return null
  return {
    category: u.category.toUpperCase(),
    bypass: u.bypass,
    placement: 'unknown',
    sfv: null,
    ipv: null,
    certain: false,
  }
}

function decider(f: Facts): StageId | null {
  switch (f.bypass) {
    case 'ip-allow':
      return 'connection-filter'
    case 'transport-rule':
      return 'mail-flow-rules'
    case 'anti-spam-allow':
      return 'anti-spam'
    case 'safe-senders':
      return 'delivery'
    default:
      break
  }
  if (f.sfv === 'SKS') return 'mail-flow-rules'
  if (f.sfv === 'SKB') return 'anti-spam'
  if (f.sfv === 'BLK') return 'delivery'
  if (f.category === 'MALW') return 'anti-malware'
  if (SPAM.includes(f.category)) return 'anti-spam'
  if (PHISH.includes(f.category)) return 'anti-phishing'
  if (f.bypass === 'advanced-delivery') return 'anti-spam'
  if (f.placement === 'inbox' || f.category === 'NONE') return 'delivery'
  return null
}

function stage(
  id: StageId,
  status: StageStatus,
  detail: string,
  object: JourneyObject | null,
  uncertain: boolean,
): JourneyStage {
  return { id, title: stageTitle(id), status, detail, object, uncertain }
}

function verdictWords(category: string): string {
  return CATEGORY_WORDS[category as Category] ?? category.toLowerCase()
}

function stageOf(id: StageId, f: Facts, d: StageId | null, a: HeaderAnalysis): JourneyStage {
  const guess = !f.certain
  const where = landingOf(f.placement, null)
  const bypassObject = BYPASS_OBJECT[f.bypass] ?? null
  const bypassedBefore =
    bypassObject !== null && d !== null && stageIndex(d) < stageIndex(id) && f.bypass !== 'none'
  if (id === d && id !== 'delivery') {
    const object = bypassObject
    const detail =
      f.bypass !== 'none' && f.bypass !== 'unknown' && bypassObject
        ? f.bypass === 'advanced-delivery'
          ? `advanced delivery lets it through (the headers show no other reason): ${where}`
          : `${named(bypassObject)} lets the message past spam filtering: ${where}`
        : f.sfv === 'SKS'
          ? `a mail flow rule marks it as spam: ${where}`
          : f.sfv === 'SKB'
            ? `the sender is on the policy’s blocked senders list: ${where}`
            : `${verdictWords(f.category)} found: ${where}`
    return stage(id, 'decided', detail, object, guess || a.bypassInferred)
  }
  switch (id) {
    case 'connection-filter':
      return f.ipv === 'CAL'
        ? stage(id, 'acted', 'the sending IP is on the IP Allow List', null, guess)
        : f.ipv === 'NLI'
          ? stage(id, 'passed', 'the sending IP is on neither IP list', null, guess)
          : stage(id, 'passed', 'the headers say nothing about the IP lists', null, true)
    case 'anti-malware':
      return stage(id, 'passed', 'no malware verdict in the headers', null, guess)
    case 'mail-flow-rules':
      return stage(
        id,
        'passed',
        'the headers do not name the mail flow rules that matched',
        null,
        true,
      )
    case 'anti-spam':
    case 'anti-phishing':
      if (bypassedBefore)
        return stage(
          id,
          'skipped',
          `${named(bypassObject)} lets the message past filtering`,
          null,
          guess,
        )
      return stage(
        id,
        'passed',
        id === 'anti-spam' ? 'not spam, not bulk' : 'no spoofing or impersonation found',
        null,
        guess,
      )
    case 'safe-attachments':
      return a.decoded.atp?.safeAttachments
        ? stage(id, 'passed', 'the headers say Safe Attachments scanned it', null, false)
        : stage(id, 'skipped', 'the headers show no Safe Attachments scan', null, true)
    case 'safe-links': {
      const n = a.safeLinks.length
      if (n)
        return stage(
          id,
          'acted',
          `${n} link${n === 1 ? ' is' : 's are'} wrapped: each click is checked first`,
          null,
          false,
        )
      return a.decoded.atp?.safeLinks
        ? stage(id, 'passed', 'Safe Links ran; no wrapped link in what was pasted', null, false)
        : stage(id, 'skipped', 'the headers show no Safe Links', null, true)
    }
    case 'delivery':
      if (f.placement === 'unknown')
        return stage(
          id,
          d === 'delivery' ? 'decided' : 'passed',
          'the headers do not say where it landed',
          null,
          true,
        )
      if (d === 'delivery')
        return stage(
          id,
          'decided',
          f.bypass === 'safe-senders'
            ? `the recipient’s own Safe Senders list lets it in: ${where}`
            : f.sfv === 'BLK'
              ? `the recipient’s own Blocked Senders list sends it to ${where}`
              : f.placement === 'inbox'
                ? `nothing stopped it: ${where}`
                : `the recipient’s own settings send it to ${where}`,
          bypassObject,
          guess,
        )
      return stage(
        id,
        'passed',
        d ? `${where}, as the ${stageTitle(d).toLowerCase()} stage decided` : where,
        null,
        guess,
      )
    case 'zap':
      return stage(
        id,
        'skipped',
        'headers are written at delivery: they cannot show what happened afterwards',
        null,
        true,
      )
  }
}

/** The journey a delivered message's headers tell (one recipient: the one whose copy it is). */
export function journeyFromHeaders(a: HeaderAnalysis): Journey {
  const f = facts(a)
  if (!f || a.direction === 'outbound') {
    const why =
      a.direction === 'outbound'
        ? 'these headers are the sender’s side of the message'
        : 'the headers hold no verdict from the recipient’s Microsoft 365'
    return {
      basis: 'headers',
      recipient: null,
      preset: null,
      placement: 'unknown',
      landing: landingOf('unknown', null),
      decidedBy: null,
      summary: `Not known: ${why}.`,
      stages: STAGES.map((s) => stage(s.id, 'skipped', `not known: ${why}`, null, true)),
      uncertain: [],
    }
  }
  const d = decider(f)
  const stages = STAGES.map((s) => stageOf(s.id, f, d, a))
  const landing = landingOf(f.placement, null)
  const head = a.trusted
    ? `${landing[0]?.toUpperCase() ?? ''}${landing.slice(1)}`
    : 'Unconfirmed (the headers cannot be tied to the recipient’s own Microsoft 365)'
  return {
    basis: 'headers',
    recipient: null,
    preset: null,
    placement: f.placement,
    landing,
    decidedBy: d,
    summary: d
      ? `${head}: decided at ${stageTitle(d).toLowerCase()}.`
      : `${head}: the headers do not say which stage decided.`,
    stages,
    uncertain: a.trusted ? [] : a.findings,
  }
}
