/**
 * When the Tenant Allow/Block List entries passage created lapse. Pure.
 *
 * Microsoft's rules (MicrosoftDocs/defender-docs, defender-office-365/):
 * - tenant-allow-block-list-urls-configure.md: a URL allow created with New-TenantAllowBlockListItems
 *   and neither -ExpirationDate nor -RemoveAfter "expires after 45 days from last used date"; the
 *   portal's "Remove allow entry after" offers "45 days after last used date" (default), 1, 7 or
 *   30 days, or a specific date at most 30 days from today. LastUsedDate is "the date the entry was
 *   last used in the filtering system to override the verdict".
 * - tenant-allow-block-list-ip-addresses-configure.md: IP allows default to "Never expire".
 * - tenant-allow-block-list-email-spoof-configure.md: spoofed-sender allows never expire.
 * - office-docs-powershell New-TenantAllowBlockListItems.md (-RemoveAfter 45 for Sender, FileHash
 *   and Url allows; -ExpirationDate otherwise); project reference exchange-online-api.md "Expiry".
 *
 * Where Microsoft's pages disagree (said again in the text of an entry it concerns):
 * - what starts the 45 days: "after last used date" (urls-configure) against "after the filtering
 *   system determines that the entity is clean" (defender-for-office-365-whats-new.md, July 2024,
 *   where LastUsedDate moves when the entity "is identified as malicious"); and no page says when
 *   an allow that was never used is removed. Passage counts 45 days from the day it created such
 *   an entry (the earliest it can lapse);
 * - whether such allows can be created directly at all: tenant-allow-block-list-about.md (2024-09)
 *   says allows for domains, files and URLs come only from submissions; urls-configure creates them
 *   with New-TenantAllowBlockListItems;
 * - the 30-day limit of a dated allow counts "from today" (urls-configure, editing) or "after the
 *   creation date" (an older email-spoof-configure, domains and addresses), which decides how far
 *   an extension can go.
 */

const DAY_MS = 86_400_000

/** Days an allow created with -RemoveAfter is kept after it was last used. */
export const REMOVE_AFTER_DAYS = 45

/** Days before lapsing an entry is reported, unless the caller says otherwise. */
export const DEFAULT_EXPIRING_WITHIN_DAYS = 7

/** One allow/block entry passage created, as read back from the tenant (null: it is gone). */
export interface PassageTablEntry {
  changeId: string
  listType: string
  action: string
  value: string
  /** When passage's apply created it (ISO). */
  createdAt: string
  /** As read back; null when the tenant no longer has it. */
  read: {
    ExpirationDate?: string | null
    RemoveAfter?: number | null
    LastUsedDate?: string | null
  } | null
}

/** When an entry lapses and on what basis. */
export interface Lapse {
  /** ms since the epoch; null when it never lapses. */
  atMs: number | null
  basis: 'expiration-date' | 'after-last-use' | 'after-creation-never-used' | 'never'
}

const parse = (s: string | null | undefined) => {
  const t = typeof s === 'string' && s ? Date.parse(s) : NaN
  return Number.isFinite(t) ? t : null
}

/** When an entry as read lapses (see the module comment). */
export function lapseOf(entry: PassageTablEntry): Lapse {
  const r = entry.read ?? {}
  if (typeof r.RemoveAfter === 'number' && r.RemoveAfter > 0) {
    const used = parse(r.LastUsedDate)
    if (used !== null) return { atMs: used + r.RemoveAfter * DAY_MS, basis: 'after-last-use' }
    const created = parse(entry.createdAt)
    return {
      atMs: created === null ? null : created + r.RemoveAfter * DAY_MS,
      basis: 'after-creation-never-used',
    }
  }
  const exp = parse(r.ExpirationDate)
  return exp === null ? { atMs: null, basis: 'never' } : { atMs: exp, basis: 'expiration-date' }
}

/** An entry that lapses soon (or has lapsed), with the sentence that says so. */
export interface Expiring {
  entry: PassageTablEntry
  lapse: Lapse
  /** The day it lapses (YYYY-MM-DD). */
  day: string
  lapsed: boolean
  text: string
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function sentence(e: PassageTablEntry, lapse: Lapse & { atMs: number }, lapsed: boolean): string {
  const what = `${e.action.toLowerCase()} entry ${e.listType} ${e.value}`
  const when = `${lapsed ? 'lapsed' : 'lapses'} on ${day(lapse.atMs)}`
  switch (lapse.basis) {
    case 'after-last-use':
      return `The ${what} ${when}, ${REMOVE_AFTER_DAYS} days after it was last used.`
    case 'after-creation-never-used':
      return (
        `The ${what} has not been used since passage created it; counted from its creation it ` +
        `${when}. Microsoft's pages keep such allows ${REMOVE_AFTER_DAYS} days after their last ` +
        'use (or, on another page, after filtering finds the sender clean) but do not say when ' +
        'one never used is removed, so it may go sooner or later.'
      )
    default:
      return `The ${what} ${when} (its expiration date).`
  }
}

/**
 * The entries that lapse within `withinDays` of `nowMs` (or have lapsed but still show), soonest
 * first. An entry gone from the tenant is not here: check reports it as not in effect (drift).
 */
export function expiringEntries(
  entries: PassageTablEntry[],
  nowMs: number,
  withinDays = DEFAULT_EXPIRING_WITHIN_DAYS,
): Expiring[] {
  const out: Expiring[] = []
  for (const entry of entries) {
    if (entry.read === null) continue
    const lapse = lapseOf(entry)
    if (lapse.atMs === null || lapse.atMs - nowMs >= withinDays * DAY_MS) continue
    const lapsed = lapse.atMs <= nowMs
    out.push({
      entry,
      lapse,
      day: day(lapse.atMs),
      lapsed,
      text: sentence(entry, { ...lapse, atMs: lapse.atMs }, lapsed),
    })
  }
  return out.sort((a, b) => (a.lapse.atMs ?? 0) - (b.lapse.atMs ?? 0))
}
