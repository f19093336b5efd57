/**
 * The report of what passage changed and still has in effect, per tenant and vendor: each change
 * with the risk accepted and the baseline checks it trips, and, per tripped check, until when the
 * risk is accepted. Pure: the app collects the applied changes from the store and passes the
 * clock in; the renderers (render.ts, scanners.ts) turn it into text.
 */
import type { BaselineHit, Change, RiskLevel } from '../change.js'

/** Version of the report's JSON document; raised when a field changes meaning or goes away. */
export const REPORT_SCHEMA_VERSION = 1

/** Days a risk is accepted for when neither `--accept-until` nor a dated TABL entry says. */
export const DEFAULT_ACCEPT_DAYS = 90

export const RISK_LEVELS: readonly RiskLevel[] = ['critical', 'high', 'medium', 'low']

/** One change passage applied that is still in effect, as its plan describes it. */
export interface ReportChange {
  changeId: string
  surface: string
  op: Change['op']
  target: string
  summary: string
  protections: string[]
  mechanism: string
  risk: { level: RiskLevel; reason: string }
  baselines: BaselineHit[]
  /** When the change was made (its step's end, else its run's). */
  appliedAt: string
  runId: number
  planHash: string
  /** Who applied it. */
  actor: string
  /**
   * A Tenant Allow/Block List entry's fixed expiry (its ExpirationDate), else null (no expiry, or
   * "45 days after last use", which has no date).
   */
  expiresAt: string | null
  /** Its fixed expiry has passed: Microsoft removed the entry, whatever passage recorded. */
  expired: boolean
}

/** A vendor's changes in one tenant. */
export interface ReportVendor {
  id: string
  /** The plan's name for it (a custom service's own name). */
  name: string
  changes: ReportChange[]
}

/** Where an acceptance's end date comes from. */
export type AcceptUntilSource = 'given' | 'tabl-expiry' | 'default'

/** One baseline check the tenant's changes trip, with the risk accepted for it until a date. */
export interface Acceptance {
  scanner: BaselineHit['scanner']
  check: string
  title: string
  /** yyyy-mm-dd (UTC). */
  acceptedUntil: string
  untilSource: AcceptUntilSource
  /** The changes that trip it. */
  changes: {
    vendor: string
    changeId: string
    summary: string
    risk: RiskLevel
    riskReason: string
    runId: number
    planHash: string
    appliedAt: string
  }[]
}

/** One tenant's part of the report. */
export interface ReportTenant {
  id: string
  name: string
  displayName: string | null
  /** Its fleet state and tags, in a fleet report. */
  fleet: { state: string; tags: string[] } | null
  vendors: ReportVendor[]
  acceptances: Acceptance[]
}

/** The report as a document (`--format json` prints it as it is). */
export interface PassageReport {
  format: 'passage.report'
  schemaVersion: typeof REPORT_SCHEMA_VERSION
  generatedAt: string
  scope: 'tenant' | 'fleet'
  /** Where the facts come from, in words: the store, not the tenant as it is now. */
  source: string
  tenants: ReportTenant[]
  totals: {
    tenants: number
    vendors: number
    changes: number
    byRisk: Record<RiskLevel, number>
    /** Distinct (scanner, check) pairs tripped, summed over tenants. */
    baselineChecks: number
  }
}

/** A change as the store says it was applied (one done step of an apply run not undone). */
export interface AppliedChange {
  change: Change
  vendor: { id: string; name: string }
  runId: number
  planHash: string
  actor: string
  appliedAt: string
}

/** What buildReport takes for one tenant. */
export interface TenantInput {
  id: string
  name: string
  displayName: string | null
  fleet: { state: string; tags: string[] } | null
  /** Oldest first. */
  applied: AppliedChange[]
}

/** What buildReport takes. */
export interface ReportInput {
  scope: PassageReport['scope']
  now: Date
  /** yyyy-mm-dd: the end of every acceptance (`--accept-until`); else per vendor (see acceptUntil). */
  acceptUntil?: string
  tenants: TenantInput[]
}

/** yyyy-mm-dd of a time (UTC). */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** The object key of a change (same surface and target: the same Exchange object). */
const objectKey = (c: Change) => `${c.surface}\u0000${c.target.toLowerCase()}`

/**
 * A Tenant Allow/Block List entry's fixed expiry. `ExpirationDate` is a date the entry is removed
 * on; `RemoveAfter` (45 days after the entry was last used) and `NoExpiration` give none
 * (New-TenantAllowBlockListItems, MicrosoftDocs/office-docs-powershell
 * exchange/exchange-ps/exchange/New-TenantAllowBlockListItems.md; "Manage allows and blocks in the
 * Tenant Allow/Block List", MicrosoftDocs/defender-docs defender-office-365/tenant-allow-block-list-about.md).
 */
export function tablExpiry(c: Change): string | null {
  if (c.surface !== 'tabl-item' || c.op !== 'create') return null
  const exp = c.after?.ExpirationDate
  if (typeof exp !== 'string' || !Number.isFinite(Date.parse(exp))) return null
  return new Date(Date.parse(exp)).toISOString()
}

/**
 * The changes still in effect, in the order applied: a later change that removes an object drops
 * the earlier changes of that object (they are no longer there), and the removal itself is kept.
 */
export function inEffect(applied: readonly AppliedChange[]): AppliedChange[] {
  const out: AppliedChange[] = []
  for (const a of applied) {
    if (a.change.op === 'remove') {
      const key = objectKey(a.change)
      for (let i = out.length - 1; i >= 0; i--)
        if (objectKey(out[i]!.change) === key) out.splice(i, 1)
    }
    out.push(a)
  }
  return out
}

function reportChange(a: AppliedChange, nowMs: number): ReportChange {
  const c = a.change
  const expiresAt = tablExpiry(c)
  return {
    changeId: c.id,
    surface: c.surface,
    op: c.op,
    target: c.target,
    summary: c.summary,
    protections: [...c.protections],
    mechanism: c.mechanism,
    risk: { level: c.risk.level, reason: c.risk.reason },
    baselines: c.baselines.map((b) => ({ scanner: b.scanner, check: b.check, title: b.title })),
    appliedAt: a.appliedAt,
    runId: a.runId,
    planHash: a.planHash,
    actor: a.actor,
    expiresAt,
    expired: expiresAt !== null && Date.parse(expiresAt) <= nowMs,
  }
}

/**
 * Until when a vendor's risk is accepted by default: the earliest fixed expiry of its Tenant
 * Allow/Block List entries still to come (the vendor's allow lapses then, so the exception is
 * reviewed with it), else DEFAULT_ACCEPT_DAYS from now.
 */
export function vendorAcceptUntil(
  v: ReportVendor,
  nowMs: number,
): { day: string; source: AcceptUntilSource } {
  const dated = v.changes
    .filter((c) => c.expiresAt !== null && !c.expired)
    .map((c) => Date.parse(c.expiresAt!))
    .sort((a, b) => a - b)
  if (dated.length) return { day: isoDay(dated[0]!), source: 'tabl-expiry' }
  return { day: isoDay(nowMs + DEFAULT_ACCEPT_DAYS * 86_400_000), source: 'default' }
}

/** The baseline checks a tenant's changes trip, each with the changes and its end date. */
function acceptancesOf(vendors: ReportVendor[], nowMs: number, given?: string): Acceptance[] {
  const byCheck = new Map<string, Acceptance>()
  for (const v of vendors) {
    const until = given ? { day: given, source: 'given' as const } : vendorAcceptUntil(v, nowMs)
    for (const c of v.changes)
      for (const b of c.baselines) {
        const key = `${b.scanner}\u0000${b.check}`
        let acc = byCheck.get(key)
        if (!acc) {
          acc = {
            scanner: b.scanner,
            check: b.check,
            title: b.title,
            acceptedUntil: until.day,
            untilSource: until.source,
            changes: [],
          }
          byCheck.set(key, acc)
        } else if (until.day < acc.acceptedUntil) {
          // Tripped for several vendors: accepted until the earliest of their dates.
          acc.acceptedUntil = until.day
          acc.untilSource = until.source
        }
        if (
          !acc.changes.some(
            (x) => x.vendor === v.name && x.changeId === c.changeId && x.planHash === c.planHash,
          )
        )
          acc.changes.push({
            vendor: v.name,
            changeId: c.changeId,
            summary: c.summary,
            risk: c.risk.level,
            riskReason: c.risk.reason,
            runId: c.runId,
            planHash: c.planHash,
            appliedAt: c.appliedAt,
          })
      }
  }
  const scannerOrder = ['CISA', 'Maester', 'CIS', 'ORCA']
  return [...byCheck.values()].sort(
    (a, b) =>
      scannerOrder.indexOf(a.scanner) - scannerOrder.indexOf(b.scanner) ||
      a.check.localeCompare(b.check, 'en', { numeric: true }),
  )
}

/** The report from the tenants' applied changes. Pure: `now` is passed in. */
export function buildReport(input: ReportInput): PassageReport {
  const nowMs = input.now.getTime()
  const byRisk: Record<RiskLevel, number> = { critical: 0, high: 0, medium: 0, low: 0 }
  let vendorCount = 0
  let changeCount = 0
  let checks = 0
  const tenants = input.tenants.map((t): ReportTenant => {
    const vendors = new Map<string, ReportVendor>()
    for (const a of inEffect(t.applied)) {
      // A custom service is keyed by its own name: two custom services are two vendors.
      const key = a.vendor.id === 'custom' ? `custom:${a.vendor.name}` : a.vendor.id
      let v = vendors.get(key)
      if (!v) vendors.set(key, (v = { id: a.vendor.id, name: a.vendor.name, changes: [] }))
      v.changes.push(reportChange(a, nowMs))
    }
    const list = [...vendors.values()].sort((a, b) => a.name.localeCompare(b.name, 'en'))
    for (const v of list) {
      vendorCount++
      for (const c of v.changes) {
        changeCount++
        byRisk[c.risk.level]++
      }
    }
    const acceptances = acceptancesOf(list, nowMs, input.acceptUntil)
    checks += acceptances.length
    return {
      id: t.id,
      name: t.name,
      displayName: t.displayName,
      fleet: t.fleet,
      vendors: list,
      acceptances,
    }
  })
  return {
    format: 'passage.report',
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: input.now.toISOString(),
    scope: input.scope,
    source:
      "passage's records (runs, steps and plans in its store): what passage applied and has not undone. `passage check` reads a tenant to confirm it is still in effect.",
    tenants,
    totals: {
      tenants: tenants.length,
      vendors: vendorCount,
      changes: changeCount,
      byRisk,
      baselineChecks: checks,
    },
  }
}

/**
 * Reads an `--accept-until` date: yyyy-mm-dd, a real calendar day, after today (UTC). Returns the
 * day, or the reason it is refused.
 */
export function parseAcceptUntil(
  text: string,
  now: Date,
): { ok: true; day: string } | { ok: false; reason: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim())
  if (!m) return { ok: false, reason: `"${text}" is not a date written yyyy-mm-dd` }
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  const day = isoDay(ms)
  if (day !== text.trim()) return { ok: false, reason: `${text} is not a day of the calendar` }
  if (day <= isoDay(now.getTime()))
    return { ok: false, reason: `${day} is not after today (${isoDay(now.getTime())})` }
  return { ok: true, day }
}
