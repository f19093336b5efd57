/**
 * Writes the scanners' risk-acceptance files of a report: for one tenant, to the path given; for
 * the fleet, into the folder given, one file per tenant named after it.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PassageError } from '../../core/errors/index.js'
import type { PassageReport, ReportTenant } from '../../core/report/model.js'
import { renderMaester, renderScubaGear, type ScubaMode } from '../../core/report/scanners.js'
import { writeTextAtomic } from '../files.js'

/** A tenant's name as a file name (its *.onmicrosoft.com name, else its GUID). */
export function fileStem(t: ReportTenant): string {
  const stem = t.name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[.-]+/, '')
  return stem || t.id
}

/** What writeArtefacts writes. */
export interface ArtefactRequest {
  scubagear?: string
  scubaMode?: ScubaMode
  maester?: string
}

/** Writes the requested files; returns the paths written. */
export function writeArtefacts(report: PassageReport, req: ArtefactRequest): string[] {
  const written: string[] = []
  const targets: [string | undefined, string, (t: ReportTenant) => string][] = [
    [
      req.scubagear,
      'scubagear.yaml',
      (t) => renderScubaGear(t, { mode: req.scubaMode ?? 'omit', generatedAt: report.generatedAt }),
    ],
    [req.maester, 'maester.ps1', (t) => renderMaester(t, { generatedAt: report.generatedAt })],
  ]
  for (const [path, suffix, render] of targets) {
    if (!path) continue
    if (report.scope === 'fleet') {
      try {
        mkdirSync(path, { recursive: true })
      } catch (e) {
        throw new PassageError(
          'PASSAGE_E_FILE',
          `Cannot create the folder ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}.`,
          {
            cause: e,
            hint: 'With --fleet, the path is a folder: one file per tenant is written in it.',
          },
        )
      }
      const used = new Set<string>()
      for (const t of report.tenants) {
        // Two tenants whose names make the same file name: the second is told apart by its GUID.
        let stem = fileStem(t)
        if (used.has(stem)) stem = `${stem}-${t.id}`
        used.add(stem)
        const file = join(path, `${stem}.${suffix}`)
        writeTextAtomic(file, render(t))
        written.push(file)
      }
    } else {
      const t = report.tenants[0]
      if (!t) continue
      writeTextAtomic(path, render(t))
      written.push(path)
    }
  }
  return written
}
