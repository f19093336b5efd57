/** `passage test`: the implementation, loaded when the command runs (see ./test.ts). */
import type { Command } from 'commander'
import { discover } from '../../app/discover.js'
import { readText } from '../../app/files.js'
import { plural, recordedTestDelivery } from '../../app/test-run.js'
import {
  type DeliveryReport,
  type ReleaseAssessment,
  type ReleaseItem,
} from '../../app/test-delivery.js'
import { chooseVendor, parseParams } from '../../app/vendor-choice.js'
import { PassageError } from '../../core/errors/index.js'
import { confirmOrYes, progress, sessionFor, withStore } from '../connection.js'
import { formatJourney } from '../journey-text.js'
import { paint, printable, printJson } from '../output.js'
import { table } from '../table.js'
import type { TestOptions } from './test.js'

/** How far back message trace reaches (reference §3.13: it covers 90 days). */
export const TRACE_DAYS = 90

/**
 * Parses --since: an ISO date, or a duration like 2h, 3d. Refused as input before anything is
 * read: a date that is not one, in the future, or further back than message trace keeps.
 */
export function parseSince(v: string, now = Date.now()): Date {
  const shown = printable(v.length > 40 ? `${v.slice(0, 40)}…` : v)
  const m = /^(\d+)([mhd])$/.exec(v.trim())
  let t: number
  if (m) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd']
    t = now - Number(m[1]) * unit
  } else {
    t = Date.parse(v)
    if (Number.isNaN(t))
      throw new PassageError(
        'PASSAGE_E_INPUT',
        `--since takes a date or a duration like 2h or 3d, got '${shown}'.`,
      )
  }
  if (t > now)
    throw new PassageError('PASSAGE_E_INPUT', `--since '${shown}' is in the future.`, {
      hint: 'Give a moment in the past: a duration like 2h or 3d, or a date.',
    })
  if (now - t > TRACE_DAYS * 86_400_000)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `--since '${shown}' is more than ${TRACE_DAYS} days ago: message trace keeps ${TRACE_DAYS} days.`,
      { hint: `Give ${TRACE_DAYS}d or less, like --since 7d.` },
    )
  return new Date(t)
}

/** The fate table of a delivery report. */
export function formatDelivery(r: DeliveryReport): string {
  const lines = [
    `${r.vendor}: ${plural(r.messages.length, 'message copy', 'message copies')} from ${r.window.start} to ${r.window.end}`,
  ]
  if (r.sent) lines.push(`(${plural(r.sent, 'test message')} sent to the sandbox first)`)
  if (!r.messages.length)
    lines.push(
      r.sent
        ? 'Nothing arrived yet: message trace can take a few minutes. Run the same command again without --send shortly.'
        : `Nothing from ${r.vendor} in that window. Send a test from ${r.vendor}'s console (or, on a sandbox, add --send), wait a few minutes for message trace, or widen the window with --since 7d; check the vendor's IPs and domains with passage vendor show if it still finds nothing.`,
    )
  if (r.messages.length)
    lines.push(
      table(
        ['received', 'recipient', 'fate', 'trace status', 'why'],
        r.messages.map((m) => [
          m.received.replace('T', ' ').slice(0, 19),
          m.recipient,
          m.fate + (m.quarantine ? ` (${m.quarantine.type})` : ''),
          m.status,
          m.reason,
        ]),
        48,
      ),
    )
  if (r.release) {
    lines.push(
      r.release.released.length
        ? `Released ${plural(r.release.released.length, 'quarantined message')} to all their recipients:\n${releaseTable(r.release.released)}`
        : 'Released nothing.',
    )
    if (r.release.skipped.length)
      lines.push(
        `Left in quarantine (${r.release.skipped.length}):\n${releaseTable(r.release.skipped)}`,
      )
  }
  if (r.headers)
    lines.push(
      `Headers: ${r.headers.verdict} (${r.headers.category}); ${r.headers.findings.join('; ')}`,
      '',
      // The same picture as `passage explain` (journey-text.ts).
      paint(
        'bold',
        'The mail’s path, as the headers tell it (▶ decided, • acted, ✓ passed, – skipped)',
      ),
      formatJourney(r.headers.journey),
    )
  return lines.join('\n')
}

/** A table of quarantined messages with the reason each was released or skipped. */
function releaseTable(items: readonly ReleaseItem[]): string {
  return table(
    ['type', 'sender', 'from IP', 'recipients', 'why'],
    items.map((i) => [i.type, i.sender, i.fromIp, i.recipients.join(', '), i.reason]),
    60,
  )
}

/** What `--release` is about to do, shown before asking. */
export function formatReleaseQuestion(a: ReleaseAssessment): string {
  const lines = [
    `Would release ${plural(a.release.length, 'quarantined message')} to all their recipients:`,
    releaseTable(a.release),
  ]
  if (a.skipped.length)
    lines.push(`Will not release (${a.skipped.length}):`, releaseTable(a.skipped))
  return lines.join('\n')
}

/** Shows what became of the vendor's mail (trace and quarantine), releasing it on request. */
export async function run(vendorId: string, opts: TestOptions, cmd: Command): Promise<void> {
  const vendor = chooseVendor(vendorId, parseParams(opts.param))
  // Like apply: without a terminal to ask on, releasing needs --yes. Refuse before reading
  // anything (ms-rule: client.quarantine-release).
  if (opts.release && !opts.yes && (!process.stdin.isTTY || !process.stderr.isTTY))
    throw new PassageError(
      'PASSAGE_E_CONFIRM',
      'Releasing quarantined messages needs confirmation. Standard input is not a terminal.',
    )
  // Bad input is refused before signing in (and never reaches Exchange as a refused change).
  const since = opts.since ? parseSince(opts.since) : undefined
  await withStore(cmd, async (store) => {
    const session = await sessionFor(store, opts.tenant)
    try {
      progress('Reading the tenant...')
      const { snapshot } = await discover(session, store)
      progress(
        opts.send
          ? 'Sending test messages, then reading trace and quarantine...'
          : 'Reading trace and quarantine...',
      )
      // Recorded in the history (`passage runs`) with the vendor, like apply and rollback.
      const r = await recordedTestDelivery(session, store, vendor, snapshot, {
        ...(since ? { since } : {}),
        ...(opts.release
          ? {
              release: true,
              confirmRelease: async (a: ReleaseAssessment) => {
                if (!opts.json) process.stderr.write(`${formatReleaseQuestion(a)}\n\n`)
                const yes = await confirmOrYes(
                  `Release ${plural(a.release.length, 'message')} from quarantine?`,
                  opts.yes,
                )
                if (!yes) {
                  progress('Not released.')
                  process.exitCode = 2
                }
                return yes
              },
            }
          : {}),
        ...(opts.send ? { send: true } : {}),
        ...(opts.headers ? { headers: readText(opts.headers) } : {}),
      })
      if (opts.json) printJson(r)
      else console.log(formatDelivery(r))
    } finally {
      session.close()
    }
  })
}
