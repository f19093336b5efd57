/** `passage simulate`: the implementation, loaded when the command runs (see ./simulate.ts). */
import { simulateFromSnapshot, type SimulateResult } from '../../app/simulate-use-case.js'
import { parseParams } from '../../app/vendor-choice.js'
import type { Outcome, SimulationRow } from '../../core/simulate/index.js'
import { OBJECT_WORDS } from '../../core/evaluator/words.js'
import { formatPaths } from '../journey-text.js'
import { paint, printJson } from '../output.js'
import { table } from '../table.js'
import type { SimulateOptions } from './simulate.js'

const ACTION_WORDS: Record<string, string> = {
  inbox: 'Inbox',
  junk: 'Junk Email',
  quarantine: 'quarantine',
  dropped: 'dropped',
  rejected: 'rejected',
}

function cell(o: Outcome | null): string {
  if (!o) return '-'
  const why: string[] = []
  if (o.category !== 'NONE') why.push(o.category)
  if (o.decidedBy) why.push(`${OBJECT_WORDS[o.decidedBy.kind]} '${o.decidedBy.name}'`)
  else if (o.sfv && o.sfv !== 'NSPM') why.push(`SFV ${o.sfv}`)
  const where = o.quarantinePolicy
    ? `quarantine (${o.quarantinePolicy})`
    : (ACTION_WORDS[o.action] ?? o.action)
  const text = why.length ? `${where}: ${why.join(', ')}` : where
  return o.action === 'inbox' ? paint('green', text) : paint('yellow', text)
}

function rowLines(r: SimulationRow): string[] {
  return [r.label, r.recipient, cell(r.before), cell(r.after)]
}

/** The human view of a simulation: each message per recipient, now and after the plan. */
export function formatSimulation(res: SimulateResult): string {
  const { rows, totals } = res.simulation
  const out: string[] = []
  out.push(paint('bold', `Where ${res.vendor.name}'s mail lands in ${res.tenant.name}`))
  out.push(
    res.plan.source === 'file'
      ? `after the plan file (${res.plan.changes} changes, hash ${res.plan.hash.slice(0, 12)})`
      : `after the plan passage would make now (${res.plan.changes} change${res.plan.changes === 1 ? '' : 's'}, not saved; use passage plan --out to keep it)`,
    '',
  )
  out.push(table(['message', 'recipient', 'now', 'after the plan'], rows.map(rowLines), 48))
  const fixed = rows.filter((r) => r.fixed).length
  const notInbox = rows.filter((r) => r.after && r.after.action !== 'inbox')
  out.push('')
  if (fixed)
    out.push(
      paint(
        'green',
        `${fixed} of ${rows.length} ${rows.length === 1 ? 'copy moves' : 'copies move'} to the Inbox.`,
      ),
    )
  if (!notInbox.length) out.push(paint('green', 'Every copy reaches the Inbox after the plan.'))
  else
    out.push(
      paint(
        'yellow',
        `${notInbox.length} of ${rows.length} copies still miss the Inbox after the plan.`,
      ),
    )
  const unfixable = rows.filter((r) => r.unfixable)
  if (unfixable.length)
    out.push(
      `${unfixable.length} cop${unfixable.length === 1 ? 'y is' : 'ies are'} malware or high-confidence phish: no allow delivers ${unfixable.length === 1 ? 'it' : 'them'}; fix the message, not the tenant.`,
    )
  const rewritten = [...new Set(rows.flatMap((r) => r.after?.rewrittenLinks ?? []))]
  if (rewritten.length)
    out.push(`Safe Links still rewrites (and may pre-click): ${rewritten.join(', ')}`)
  const zap = rows.some((r) => r.after?.action === 'inbox' && r.after.zap === true)
  if (zap) out.push('ZAP could still move delivered copies later if a new verdict arrives.')
  out.push(
    '',
    paint('bold', 'The mail’s path through Defender (▶ decided, • acted, ✓ passed, – skipped)'),
    formatPaths(rows),
  )
  const uncertain = [...new Set(rows.flatMap((r) => r.after?.uncertain ?? r.before.uncertain))]
  if (uncertain.length)
    out.push(
      '',
      paint('bold', 'Where Microsoft’s documentation is silent'),
      ...uncertain.map((u) => `  - ${u}`),
    )
  if (res.plan.notices.length)
    out.push('', paint('bold', 'Plan notes'), ...res.plan.notices.map((n) => `  - ${n}`))
  out.push(
    '',
    `totals now: ${summary(totals.before)}${totals.after ? `; after: ${summary(totals.after)}` : ''}`,
  )
  return out.join('\n')
}

function summary(t: Record<string, number>): string {
  return Object.entries(t)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ')
}

/** Shows where a vendor's typical messages land now and after a plan. */
export function run(vendor: string, o: SimulateOptions): void {
  const res = simulateFromSnapshot({
    vendor,
    params: parseParams(o.param),
    snapshotPath: o.tenantSnapshot,
    mode: o.mechanism,
    detections: o.detection,
    recipients: o.recipient,
    now: o.now ?? new Date().toISOString(),
    ...(o.vendorFile ? { vendorFile: o.vendorFile } : {}),
    ...(o.plan ? { planPath: o.plan } : {}),
    ...(o.message ? { messagePath: o.message } : {}),
    ...(o.protect ? { protections: o.protect.split(',') } : {}),
    ...(o.presetException?.length ? { presetExceptions: o.presetException } : {}),
  })
  if (o.json) printJson({ ok: true, ...res })
  else console.log(formatSimulation(res))
}
