/** `passage report`: the implementation, loaded when the command runs (see ./report.ts). */
import type { Command } from 'commander'
import { writeTextAtomic } from '../../app/files.js'
import { checkRequest, collectReport, writeArtefacts } from '../../app/report/index.js'
import { PassageError } from '../../core/errors/index.js'
import {
  REPORT_FORMATS,
  renderJson,
  renderReport,
  type ReportFormat,
} from '../../core/report/render.js'
import { MAESTER_NOTICE, type ScubaMode } from '../../core/report/scanners.js'
import { progress, withStore } from '../connection.js'
import type { ReportOptions } from './report.js'

const SCUBA_MODES: readonly ScubaMode[] = ['omit', 'annotate']

/** The format asked for, or a refusal naming the ones there are. */
function formatOf(text: string | undefined): ReportFormat {
  const f = (text ?? 'md').trim().toLowerCase()
  if ((REPORT_FORMATS as readonly string[]).includes(f)) return f as ReportFormat
  throw new PassageError('PASSAGE_E_INPUT', `--format ${text}: unknown format.`, {
    hint: `Give one of ${REPORT_FORMATS.join(', ')} (md is the default).`,
  })
}

function scubaModeOf(text: string | undefined): ScubaMode {
  const m = (text ?? 'omit').trim().toLowerCase()
  if ((SCUBA_MODES as readonly string[]).includes(m)) return m as ScubaMode
  throw new PassageError('PASSAGE_E_INPUT', `--scubagear-as ${text}: unknown choice.`, {
    hint: 'Give omit (OmitPolicy: the policy is shown as omitted, with the rationale, until the expiry) or annotate (AnnotatePolicy: it still fails, with the comment).',
  })
}

/** Renders the report of a tenant or the fleet; writes it and the scanners' files as asked. */
export async function run(opts: ReportOptions, cmd: Command): Promise<void> {
  const now = new Date()
  const format = formatOf(opts.format)
  const scubaMode = scubaModeOf(opts.scubagearAs)
  const req = {
    ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}),
    ...(opts.fleet ? { fleet: true } : {}),
    ...(opts.acceptUntil !== undefined ? { acceptUntil: opts.acceptUntil } : {}),
    now,
  }
  // Bad input is refused before the store is opened.
  checkRequest(req)
  const report = await withStore(cmd, (store) => collectReport(store, req))
  const text = renderReport(report, format)
  if (opts.out) {
    writeTextAtomic(opts.out, text)
    progress(`Report written to ${opts.out} (${format}).`)
  }
  const written = writeArtefacts(report, {
    ...(opts.scubagear ? { scubagear: opts.scubagear, scubaMode } : {}),
    ...(opts.maester ? { maester: opts.maester } : {}),
  })
  for (const file of written) progress(`Written: ${file}`)
  if (opts.maester) progress(MAESTER_NOTICE)
  if (opts.json) process.stdout.write(renderJson(report))
  else if (!opts.out) process.stdout.write(text)
}
