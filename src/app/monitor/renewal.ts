/**
 * Renewal of the Tenant Allow/Block List allows passage created (issue 16, item 2): which entries
 * lapse soon, which of them passage may renew and how, and the renewal plan that does it. Pure.
 *
 * What Microsoft allows (MicrosoftDocs office-docs-powershell New- and
 * Set-TenantAllowBlockListItems.md; defender-docs tenant-allow-block-list-urls-configure.md):
 * passage creates its sender and URL allows with -RemoveAfter 45, "kept for 45 days after last
 * use". No cmdlet restarts those 45 days: Set-TenantAllowBlockListItems -RemoveAfter 45 "enables"
 * the feature and Microsoft does not say it resets the count, and -ExpirationDate would turn the
 * entry into a dated one whose 30-day limit Microsoft's pages count from today in one place and
 * from the creation in another. A new entry, though, starts its own count. So passage renews an
 * allow by re-creating it as it is (Remove-, then New-TenantAllowBlockListItems with the same
 * value, -RemoveAfter 45 and notes): no wider, in the same list, within the same limits.
 *
 * What it never renews, and says why instead: an entry passage did not create (no marker), a block,
 * an entry whose expiry someone changed to a date (its limit is the disputed 30 days; the monitor
 * reports it), and an entry already gone (check reports it: re-apply).
 */
import type { Change, JsonObject } from '../../core/change.js'
import { contentHash } from '../../core/hash.js'
import type { TenantSnapshot } from '../../core/model/snapshot.js'
import { PLAN_VERSION, type Plan } from '../../core/plan-format.js'
import { frozenCopy } from '../../core/planner/freeze.js'
import { applyUpdate } from '../../core/surfaces/generic/update.js'
import { carriesMarker } from '../../core/surfaces/generic/undo.js'
import { objectOf } from '../../core/surfaces/snapshot-edit.js'
import { RENEWAL_SET, tablItemSurface } from '../../core/surfaces/tabl-item.js'
import {
  DEFAULT_EXPIRING_WITHIN_DAYS,
  expiringEntries,
  REMOVE_AFTER_DAYS,
  type Expiring,
  type PassageTablEntry,
} from './tabl-expiry.js'

/** What passage decided for one entry that lapses soon. */
export interface RenewalDecision {
  changeId: string
  listType: string
  value: string
  /** The day it lapses (YYYY-MM-DD). */
  lapses: string
  action: 'renew' | 'leave'
  /** Why: how it is renewed, or why it is not. */
  why: string
}

/** The renewal plan (null when nothing is to renew) and a decision per entry that lapses soon. */
export interface RenewalProposal {
  plan: Plan | null
  decisions: RenewalDecision[]
}

const RENEW_WHY =
  `re-created as it is (Remove- then New-TenantAllowBlockListItems, -RemoveAfter ${REMOVE_AFTER_DAYS}), ` +
  `so that its ${REMOVE_AFTER_DAYS} days count again from today`

/** Why passage leaves an expiring entry as it is; null when it renews it. */
function leaveReason(e: Expiring, current: JsonObject | null): string | null {
  if (current === null) return 'it is gone from the tenant: re-apply the plan to create it again'
  if (!carriesMarker(current))
    return "it no longer carries passage's marker in its notes: someone else owns it now"
  if (e.entry.action !== 'Allow') return 'passage renews allows only'
  if (e.lapse.basis === 'expiration-date')
    return (
      'its expiry was changed to a date, which passage never sets. Microsoft allows a dated ' +
      'allow at most 30 days, counted from today on one of its pages and from the entry’s ' +
      'creation on another, so passage does not extend it: extend it in the Microsoft 365 ' +
      'Defender portal, or remove it and re-apply the plan'
    )
  if (current.RemoveAfter !== REMOVE_AFTER_DAYS) return 'it is not an allow passage can re-create'
  return null
}

/** The renewal change of one entry (a tabl-item update: see tabl-item.ts's renewal). */
function renewalChange(id: string, original: Change, current: JsonObject, e: Expiring): Change {
  const basis: Change = {
    id,
    surface: 'tabl-item',
    op: 'update',
    target: original.target,
    protections: original.protections,
    mechanism: original.mechanism,
    summary: `Renew the allow of ${e.entry.listType.toLowerCase()} ${e.entry.value} (it lapses ${e.day}): ${RENEW_WHY}`,
    before: current,
    after: applyUpdate(current, { set: RENEWAL_SET }),
    set: RENEWAL_SET,
    calls: [],
    risk: {
      level: 'low',
      reason:
        'grants nothing new (the same value, list and expiry); between its removal and its ' +
        're-creation, one request apart, the vendor’s mail is filtered without it',
    },
    limits: [],
    // The baseline checks the entry trips are the ones accepted when it was created.
    baselines: original.baselines,
    dependsOn: [],
  }
  return { ...basis, calls: tablItemSurface.calls(basis) }
}

/**
 * The entries of `applied` that lapse within `withinDays` of `now`, what passage does with each,
 * and the plan that renews those it may (see the module comment). `entries` are the allows the
 * plan created as read now (createdAt: when passage last created them, renewals included);
 * `snapshot` is the tenant as read now.
 */
export function proposeRenewal(
  applied: Plan,
  snapshot: TenantSnapshot,
  entries: PassageTablEntry[],
  now: string,
  withinDays = DEFAULT_EXPIRING_WITHIN_DAYS,
): RenewalProposal {
  const byId = new Map(applied.changes.map((c) => [c.id, c]))
  const decisions: RenewalDecision[] = []
  const changes: Change[] = []
  for (const e of expiringEntries(entries, Date.parse(now), withinDays)) {
    const original = byId.get(e.entry.changeId)
    const current = original ? objectOf(snapshot, original) : null
    const base = {
      changeId: e.entry.changeId,
      listType: e.entry.listType,
      value: e.entry.value,
      lapses: e.day,
    }
    const why = original ? leaveReason(e, current) : 'the plan that created it does not name it'
    if (why !== null || !original || !current) {
      decisions.push({ ...base, action: 'leave', why: why ?? 'not found' })
      continue
    }
    const id = `r${String(changes.length + 1).padStart(2, '0')}`
    changes.push(renewalChange(id, original, current, e))
    decisions.push({ ...base, action: 'renew', why: RENEW_WHY })
  }
  if (changes.length === 0) return { plan: null, decisions }
  const mechanisms = new Set(changes.map((c) => c.mechanism))
  const body: Omit<Plan, 'hash'> = {
    format: 'passage.plan',
    version: PLAN_VERSION,
    createdAt: now,
    tenant: applied.tenant,
    vendor: applied.vendor,
    mode: applied.mode,
    protections: applied.protections.filter((p) => mechanisms.has(p.mechanism)),
    skipped: [],
    changes,
    notices: [
      `Renews ${changes.length} allow${changes.length === 1 ? '' : 's'} that plan ${applied.hash.slice(0, 12)} created for ${applied.vendor.name}, before they lapse. ` +
        `Microsoft keeps such an allow ${REMOVE_AFTER_DAYS} days after its last use (or, on another of its pages, after filtering finds the sender clean) and says nothing of one never used; passage counts from when it created the entry, the earliest it can lapse.`,
    ],
    renews: { planHash: applied.hash },
  }
  return { plan: frozenCopy({ ...body, hash: contentHash(body) }), decisions }
}
