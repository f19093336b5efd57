/**
 * How Review puts alike changes together (issue 14, first-use review item 10): changes that share
 * a surface, an operation and a reason (four Tenant Allow/Block List URL allows, the same
 * quarantine policy set on two anti-spam policies) make one card that lists its entries, with what
 * they share said once. Nothing is dropped: every change is an entry of exactly one group.
 *
 * Pure functions over plain data (no imports), so that they are unit-tested outside the browser.
 */

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical'
type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

/** What grouping reads of a change (structurally the plan's Change). */
export interface Groupable {
  id: string
  surface: string
  op: 'create' | 'update' | 'remove'
  summary: string
  risk: { level: RiskLevel; reason: string }
  before: JsonObject | null
  after: JsonObject | null
  set?: JsonObject
  add?: Record<string, string[]>
  remove?: Record<string, string[]>
}

/** Changes shown on one card, in plan order. */
export interface ChangeGroup<C extends Groupable> {
  key: string
  changes: C[]
  /**
   * The words every summary shares before and after the part that differs ("Allow URL" … "in the
   * Tenant Allow/Block List"); both empty when the summaries share nothing at their ends.
   */
  head: string
  tail: string
  /** Each change's own words: the part of its summary that differs (its whole summary alone). */
  labels: string[]
  /** The highest risk of its changes, and whether its changes differ in risk level. */
  risk: RiskLevel
  riskDiffers: boolean
}

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 }

/** The longest run of words all lists share at the start (at most `limit`). */
function sharedStart(lists: string[][], limit: number): number {
  let n = 0
  while (n < limit && lists.every((l) => l[n] === lists[0]![n])) n++
  return n
}

/**
 * Groups changes by surface, operation and risk reason, in the order their first change comes in
 * the plan. A group of several says the words their summaries share once (`head`, `tail`) and
 * keeps each change's own words (`labels`); when the summaries share nothing, each label is the
 * whole summary.
 */
export function groupChanges<C extends Groupable>(changes: readonly C[]): ChangeGroup<C>[] {
  const byKey = new Map<string, C[]>()
  for (const c of changes) {
    const key = `${c.surface}\u0000${c.op}\u0000${c.risk.reason}`
    const list = byKey.get(key)
    if (list) list.push(c)
    else byKey.set(key, [c])
  }
  return [...byKey.entries()].map(([key, list]) => {
    const levels = list.map((c) => c.risk.level)
    const risk = levels.reduce((a, b) => (RANK[b] > RANK[a] ? b : a))
    const riskDiffers = levels.some((l) => l !== levels[0])
    if (list.length === 1)
      return {
        key,
        changes: list,
        head: '',
        tail: '',
        labels: [list[0]!.summary],
        risk,
        riskDiffers,
      }
    const words = list.map((c) => c.summary.split(' '))
    // Each entry keeps at least one word of its own.
    const shortest = Math.min(...words.map((w) => w.length))
    const start = sharedStart(words, shortest - 1)
    const reversed = words.map((w) => [...w].reverse())
    const end = sharedStart(reversed, shortest - 1 - start)
    const labels = words.map((w) => w.slice(start, w.length - end).join(' '))
    const distinct = new Set(labels).size === labels.length
    if ((start === 0 && end === 0) || !distinct)
      return {
        key,
        changes: list,
        head: '',
        tail: '',
        labels: list.map((c) => c.summary),
        risk,
        riskDiffers,
      }
    return {
      key,
      changes: list,
      head: words[0]!.slice(0, start).join(' '),
      tail: end ? words[0]!.slice(-end).join(' ') : '',
      labels,
      risk,
      riskDiffers,
    }
  })
}

/** A value as the admin reads it in a settings table. */
export function show(v: Json | undefined): string {
  if (v === undefined || v === null) return '—'
  if (Array.isArray(v)) return v.length ? v.map((x) => show(x)).join(', ') : '(empty)'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** One setting a change makes, with its value before and after. */
export interface FieldDiff {
  field: string
  before: string
  after: string
}

const IGNORED = ['Guid', 'Identity', 'WhenChanged', 'DistinguishedName']

/** The fields a change sets, with their value before and after. */
export function fieldDiff(c: Groupable): FieldDiff[] {
  const before = c.before ?? {}
  const after = c.after ?? {}
  const keys = new Set<string>([
    ...Object.keys(c.set ?? {}),
    ...Object.keys(c.add ?? {}),
    ...Object.keys(c.remove ?? {}),
  ])
  if (c.op === 'create' || c.op === 'remove' || keys.size === 0)
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)]))
      if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) keys.add(k)
  return [...keys]
    .filter((k) => !IGNORED.includes(k))
    .map((k) => ({
      field: k,
      before: c.op === 'create' ? '—' : show(before[k]),
      after: c.op === 'remove' ? '—' : show(after[k]),
    }))
}

/**
 * The fields that say when an allow or block entry goes away: -ExpirationDate, -NoExpiration and
 * -RemoveAfter of New-TenantAllowBlockListItems (office-docs-powershell,
 * exchange/exchange-ps/ExchangePowerShell/New-TenantAllowBlockListItems.md).
 */
export const EXPIRY_FIELDS = ['ExpirationDate', 'NoExpiration', 'RemoveAfter'] as const

/**
 * When an entry a change creates or keeps goes away, in words, or null when it has no expiry
 * field. RemoveAfter 45 is Microsoft's "Remove on > 45 days after last used date" (the only value
 * it accepts); NoExpiration keeps the entry until it is removed (New-TenantAllowBlockListItems.md).
 */
export function expiryOf(obj: JsonObject | null): string | null {
  if (!obj) return null
  const removeAfter = obj.RemoveAfter
  if (typeof removeAfter === 'number') return `${removeAfter} days after last use`
  if (obj.NoExpiration === true) return 'never'
  const date = obj.ExpirationDate
  if (typeof date === 'string' && date) return `on ${date.slice(0, 10)}`
  return null
}

/**
 * What a group's changes set, split into the settings they all share (one value before and after
 * for all, said once) and the names of those that differ from entry to entry. Expiry fields are
 * neither: each entry shows its own expiry. A differing field whose value is the entry's own label
 * (the URL of a URL allow) is not repeated.
 */
export function splitFields(
  changes: readonly Groupable[],
  labels: readonly string[],
): { shared: FieldDiff[]; varying: string[] } {
  const diffs = changes.map(fieldDiff)
  const names: string[] = []
  for (const d of diffs) for (const f of d) if (!names.includes(f.field)) names.push(f.field)
  const shared: FieldDiff[] = []
  const varying: string[] = []
  for (const name of names) {
    if ((EXPIRY_FIELDS as readonly string[]).includes(name)) continue
    const values = diffs.map((d) => d.find((f) => f.field === name))
    const first = values[0]
    if (values.every((v) => v && first && v.before === first.before && v.after === first.after))
      shared.push(first!)
    else if (!values.every((v, i) => v?.after === labels[i])) varying.push(name)
  }
  return { shared, varying }
}

/** The commands (not comments) of a script. */
export function commandCount(script: string): number {
  return script.split('\n').filter((l) => l.trim() && !l.trimStart().startsWith('#')).length
}

/** A long explanation cut after its first sentence: what is shown, and what is folded. */
export function firstSentence(text: string, longerThan = 160): { lead: string; rest: string } {
  if (text.length <= longerThan) return { lead: text, rest: '' }
  const m = /^(.+?[.:;])\s+(?=[A-Z(])/.exec(text)
  if (!m || m[1]!.length >= text.length - 20) return { lead: text, rest: '' }
  return { lead: m[1]!, rest: text.slice(m[0].length) }
}
