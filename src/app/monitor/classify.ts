/**
 * Classifies what passage set up for a vendor in a tenant, as observed now: green, drifted (a
 * change no longer in effect: what, when, and by whom when a recognised co-manager explains it),
 * expiring (allow/block entries passage created that lapse soon) or broken (the app can no longer
 * reach the tenant). Each state comes with a plain explanation, the fix, its reasons and a
 * fingerprint: two classifications with the same fingerprint are the same situation (no second
 * alert). Pure.
 */
import { createHash } from 'node:crypto'
import type { ErrorCode } from '../../core/errors/index.js'
import type { Finding } from '../../core/surfaces/surface.js'
import type { MonitorState } from '../../store/monitor.js'
import type { CoManager } from '../co-managers.js'
import {
  DEFAULT_EXPIRING_WITHIN_DAYS,
  expiringEntries,
  type PassageTablEntry,
} from './tabl-expiry.js'

/** A check finding with where it was found and when the object last changed. */
export interface ObservedFinding {
  finding: Finding
  /** The surface of the change (connection-filter, tabl-item, ...). */
  surface: string
  /** The object's WhenChanged as read back (ISO), or null when it has none or is gone. */
  whenChanged: string | null
}

/** What the monitor saw of one tenant for one vendor. */
export interface Observation {
  tenantId: string
  tenantName: string
  /** The vendor's catalogue id and name. */
  vendor: string
  vendorName: string
  /** When it was observed (ms since the epoch; from the clock passed in). */
  nowMs: number
  /** The tenant could not be read: the PassageError's code and (safe) message. */
  error?: { code: string; message: string }
  /** Check's findings on the last applied plan, each with its object's WhenChanged. */
  findings: ObservedFinding[]
  /** Allow/block entries the last applied plan created, as read back. */
  tabl: PassageTablEntry[]
  /** The last apply that put the vendor's setup in place (from the runs and their journal). */
  lastApply: { runId: number; finishedAt: string | null; actor: string } | null
  /** Other tools found managing the tenant (co-managers.ts). */
  coManagers: CoManager[]
  /**
   * With renewal on: the expiring entries passage did not renew, and why (`*`: the renewal
   * failed for all of them).
   */
  notRenewed?: { changeId: string; why: string }[]
}

/** The result of classifying an observation. */
export interface Classification {
  state: MonitorState
  /** The plain explanation: what is wrong (or that all is well). */
  explanation: string
  /** What to do. */
  fix: string
  /** One line per reason (each drifted change, each expiring entry, the access error). */
  reasons: string[]
  /** sha256 of the state and the stable part of its reasons. */
  fingerprint: string
}

/** Options of classify. */
export interface ClassifyOptions {
  /** Entries that lapse within this many days are `expiring`; default 7. */
  expiringWithinDays?: number
}

/**
 * The errors that mean the app can no longer act in the tenant: the codes the fleet worker marks
 * no-access (fleet/item-state.ts) and a licence that went away. Each with what happened and the
 * fix. Microsoft: app-only access needs Exchange.ManageAsApp consented and an Exchange role for
 * the app's service principal (office-docs-powershell
 * exchange/docs-conceptual/app-only-auth-powershell-v2.md, Steps 2, 4 and 5).
 */
const BROKEN: Partial<Record<ErrorCode, { what: string; fix: (tenant: string) => string }>> = {
  PASSAGE_E_SIGNIN: {
    what: "the app can no longer sign in: the tenant's admin consent was revoked, or the app's service principal was deleted or disabled",
    fix: (tenant) =>
      `Ask the tenant's Global Administrator to grant the app's admin consent again (\`passage fleet enrol ${tenant}\` prints the consent URL).`,
  },
  PASSAGE_E_FLEET_CONSENT: {
    what: "the tenant's admin consent for the app is missing",
    fix: (tenant) =>
      `Ask the tenant's Global Administrator to grant the app's admin consent again (\`passage fleet enrol ${tenant}\` prints the consent URL).`,
  },
  PASSAGE_E_EXO_ROLE_MISSING: {
    what: "Exchange refuses the app's calls: its service principal's Exchange role was removed",
    fix: (tenant) =>
      `Give the app's service principal its Exchange role group in ${tenant} again, then run \`passage fleet enrol ${tenant}\` to check; role changes can take up to an hour to reach Exchange.`,
  },
  PASSAGE_E_EXO_API_DISABLED: {
    what: 'Exchange Online API access was disabled for the account passage uses',
    fix: () =>
      `An Exchange Administrator can re-enable it (Set-User <account> -EXOModuleEnabled $true).`,
  },
  PASSAGE_E_TENANT_UNKNOWN: {
    what: 'the tenant is unknown to Microsoft sign-in (deleted, or its name changed)',
    fix: (tenant) => `Check ${tenant} with its admin; remove it from the fleet if it is gone.`,
  },
  PASSAGE_E_LICENCE_MISSING: {
    what: 'the tenant no longer has the licence the vendor setup uses (Microsoft Defender for Office 365)',
    fix: (tenant) =>
      `Restore the licence in ${tenant}, or re-plan the vendor without the Defender protections.`,
  },
}

/** Whether an error code makes the tenant broken (else the observation is inconclusive). */
export function isBrokenCode(code: string): boolean {
  return code in BROKEN
}

const DAY = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null)

function fingerprintOf(state: MonitorState, keys: string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([state, [...keys].sort()]))
    .digest('hex')
}

/**
 * Who the change is put down to: a recognised co-manager when one is known to revert this kind of
 * object (co-managers.ts: CIPP's standard empties the connection filter IP allow list), else
 * "changed outside passage" (Exchange records when an object changed, not who changed it).
 */
function changedBy(
  f: ObservedFinding,
  coManagers: CoManager[],
): { who: string; fix: string } | null {
  const cipp = coManagers.find((c) => c.tool === 'CIPP')
  if (cipp && f.surface === 'connection-filter' && /IPAllowList/.test(f.finding.problem))
    return {
      who: 'a CIPP standard (the one that empties the connection filter IP allow list)',
      fix: 'Re-apply, or exclude this tenant from that CIPP standard so it does not remove the IPs again.',
    }
  return null
}

/** Classifies an observation (see the module comment). Returns null when it is inconclusive. */
export function classify(o: Observation, opts: ClassifyOptions = {}): Classification | null {
  const within = opts.expiringWithinDays ?? DEFAULT_EXPIRING_WITHIN_DAYS
  if (o.error) {
    const broken = BROKEN[o.error.code as ErrorCode]
    // Anything else (throttling, a network failure, nothing applied) says nothing of the state.
    if (!broken) return null
    return {
      state: 'broken',
      explanation: `Passage cannot check ${o.vendorName} in ${o.tenantName}: ${broken.what}.`,
      fix: broken.fix(o.tenantName),
      reasons: [`${o.error.code}: ${o.error.message}`],
      fingerprint: fingerprintOf('broken', [o.error.code]),
    }
  }

  const drift = o.findings.filter((f) => f.finding.problem && !isExpiryFinding(f))
  if (drift.length > 0) {
    const applied = o.lastApply
      ? ` (applied by run ${o.lastApply.runId}${o.lastApply.finishedAt ? ` on ${DAY(o.lastApply.finishedAt)}` : ''})`
      : ''
    const lines = drift.map((f) => {
      const by = changedBy(f, o.coManagers)
      const when = DAY(f.whenChanged)
      return {
        f,
        by,
        text: `${f.finding.problem}: ${by ? `${by.who} changed it` : 'changed outside passage'}${when ? ` on ${when}` : ''}.`,
      }
    })
    const first = lines[0]!
    const when = DAY(first.f.whenChanged)
    const explanation = first.by
      ? `${capitalise(first.by.who)} removed what passage set for ${o.vendorName} in ${o.tenantName}${when ? ` on ${when}` : ''}${applied}: ${first.f.finding.problem}.`
      : `What passage set for ${o.vendorName} in ${o.tenantName}${applied} was changed outside passage${when ? ` on ${when}` : ''}: ${first.f.finding.problem}.`
    const more = lines.length > 1 ? ` ${lines.length - 1} more change(s) drifted too.` : ''
    return {
      state: 'drifted',
      explanation: explanation + more,
      fix: first.by?.fix ?? first.f.finding.fix,
      reasons: lines.map((l) => l.text),
      fingerprint: fingerprintOf(
        'drifted',
        drift.map((f) => `${f.finding.changeId}|${f.finding.problem}`),
      ),
    }
  }

  const expiring = expiringEntries(o.tabl, o.nowMs, within)
  if (expiring.length > 0) {
    const first = expiring[0]!
    const left = new Map((o.notRenewed ?? []).map((n) => [n.changeId, n.why]))
    const whyNot = (id: string) => left.get(id) ?? left.get('*')
    const firstWhy = whyNot(first.entry.changeId)
    const renew =
      `\`passage renew --tenant ${o.tenantName}\` (or a monitor pass with --renew) re-creates ` +
      'each allow passage made, so that its 45 days count again'
    return {
      state: 'expiring',
      explanation: `${expiring.length} allow/block entr${expiring.length === 1 ? 'y' : 'ies'} passage created for ${o.vendorName} in ${o.tenantName} lapse${expiring.length === 1 ? 's' : ''} within ${within} days: ${first.text}${firstWhy ? ` Passage did not renew it: ${firstWhy}.` : ''}`,
      fix: firstWhy
        ? `Passage did not renew ${expiring.length === 1 ? 'it' : 'the first to lapse'} (${firstWhy}); act before ${first.day}, or re-plan and apply ${o.vendorName} once it has lapsed.`
        : `Renew ${expiring.length === 1 ? 'it' : 'them'} before ${first.day}: ${renew}; or re-plan and apply ${o.vendorName} once ${expiring.length === 1 ? 'it has' : 'they have'} lapsed.`,
      reasons: expiring.map((e) => {
        const why = whyNot(e.entry.changeId)
        return why ? `${e.text} Not renewed: ${why}.` : e.text
      }),
      // The lapse day, not how many days are left: the same entry expiring is one alert.
      fingerprint: fingerprintOf(
        'expiring',
        expiring.map((e) => `${e.entry.changeId}|${e.day}`),
      ),
    }
  }

  return {
    state: 'green',
    explanation: `What passage set for ${o.vendorName} in ${o.tenantName} is in effect.`,
    fix: 'Nothing to do.',
    reasons: [],
    fingerprint: fingerprintOf('green', []),
  }
}

/** check's own expiry finding (tabl-item extraFindings): the monitor judges expiry itself. */
function isExpiryFinding(f: ObservedFinding): boolean {
  return (
    f.surface === 'tabl-item' &&
    /^Allow entry .* expires \d{4}-\d{2}-\d{2}$/.test(f.finding.problem)
  )
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
