import type { Command } from 'commander'
import { discover } from '../../app/discover.js'
import { readText } from '../../app/files.js'
import { testDelivery, type DeliveryReport } from '../../app/test-delivery.js'
import { chooseVendor, parseParams } from '../../app/vendor-choice.js'
import { PassageError } from '../../core/errors/index.js'
import { progress, sessionFor, withStore } from '../connection.js'
import { printJson } from '../output.js'
import { table } from '../table.js'

const collect = (v: string, prev: string[]) => [...prev, v]

/** Parses --since: an ISO date, or a duration like 2h, 3d. */
export function parseSince(v: string, now = Date.now()): Date {
  const m = /^(\d+)([mhd])$/.exec(v.trim())
  if (m) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd']
    return new Date(now - Number(m[1]) * unit)
  }
  const t = Date.parse(v)
  if (Number.isNaN(t))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `--since takes a date or a duration like 2h or 3d, got '${v}'.`,
    )
  return new Date(t)
}

/** The fate table of a delivery report. */
export function formatDelivery(r: DeliveryReport): string {
  const lines = [
    `${r.vendor}: ${r.messages.length} message copies from ${r.window.start} to ${r.window.end}`,
  ]
  if (r.sent) lines.push(`(${r.sent} test message(s) sent to the sandbox first)`)
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
  if (r.released) lines.push(`${r.released} quarantined copies released.`)
  if (r.headers)
    lines.push(
      `Headers: ${r.headers.verdict} (${r.headers.category}); ${r.headers.findings.join('; ')}`,
    )
  return lines.join('\n')
}

/** `passage test <vendor>`: what became of the vendor's mail (trace and quarantine). */
export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description("what became of a vendor's mail: message trace and quarantine, with the reason")
    .argument('<vendor>', 'vendor id')
    .option('--param <key=value>', 'a vendor parameter (repeatable)', collect, [])
    .option('--tenant <name|guid>', 'a tenant connected before (default: the last one)')
    .option('--since <when>', 'start of the window: a date or 2h, 3d (default 48h)')
    .option('--release', "release the vendor's quarantined messages")
    .option('--send', "sandbox only: send the vendor's typical messages first")
    .option('--headers <file>', 'headers of a delivered message to explain')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        vendorId: string,
        opts: {
          param: string[]
          tenant?: string
          since?: string
          release?: boolean
          send?: boolean
          headers?: string
          json?: boolean
        },
        cmd: Command,
      ) => {
        const vendor = chooseVendor(vendorId, parseParams(opts.param))
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
            const r = await testDelivery(session, vendor, snapshot, {
              ...(opts.since ? { since: parseSince(opts.since) } : {}),
              ...(opts.release ? { release: true } : {}),
              ...(opts.send ? { send: true } : {}),
              ...(opts.headers ? { headers: readText(opts.headers) } : {}),
            })
            if (opts.json) printJson(r)
            else console.log(formatDelivery(r))
          } finally {
            session.close()
          }
        })
      },
    )
}
