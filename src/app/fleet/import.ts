/**
 * `passage fleet import <csv>`: tenants enrolled elsewhere (consent and role given already, e.g.
 * by a partner's own onboarding), recorded in bulk. The CSV's header is `tenant,name,tags`
 * (optionally a fourth column `access`: change, the default, or read); tags are separated by
 * ';'. Every bad line is refused with its number and reason, the rest are recorded. With
 * `prove`, the app's access is tried first (Get-AcceptedDomain, app-only) and a tenant it fails
 * for is recorded `no-access` with the reason.
 */
import { parse as parseDomain } from 'tldts'
import { z } from 'zod'
import { isPassageError, PassageError } from '../../core/errors/index.js'
import type { Store } from '../../store/index.js'
import type { FleetAccess, FleetTenant } from '../../store/fleet.js'
import { safeMessage } from './item-state.js'
import { openAppSession } from './tenant-sessions.js'

/** The most lines one import takes (a bounded load). */
export const MAX_IMPORT_LINES = 10_000

/** Tenants proven at once with `prove`. */
const PROVE_CONCURRENCY = 4

const Guid = z.guid()

/** Tags as stored: trimmed, lower case, unique, each a short word. */
export function normaliseTags(tags: readonly string[]): string[] {
  const out: string[] = []
  for (const raw of tags) {
    const t = raw.trim().toLowerCase()
    if (!t) continue
    if (!/^[a-z0-9][a-z0-9._-]{0,39}$/.test(t))
      throw new PassageError(
        'PASSAGE_E_INPUT',
        `tag '${raw.slice(0, 60)}' is not a tag: letters, digits, '.', '_' and '-' (up to 40)`,
      )
    if (!out.includes(t)) out.push(t)
  }
  return out
}

/** Why a name is not a tenant's `*.onmicrosoft.com` name, or null when it is one. */
export function tenantNameProblem(name: string): string | null {
  const n = name.trim().toLowerCase()
  if (!n) return 'the name is empty'
  const p = parseDomain(n, { allowPrivateDomains: false })
  if (!p.hostname || p.hostname !== n || p.isIp) return `'${n.slice(0, 80)}' is not a domain name`
  if (!n.endsWith('.onmicrosoft.com') || n.endsWith('.mail.onmicrosoft.com'))
    return `'${n.slice(0, 80)}' is not a *.onmicrosoft.com name`
  const label = n.slice(0, -'.onmicrosoft.com'.length)
  if (!/^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/.test(label))
    return `'${n.slice(0, 80)}' is not a tenant's initial domain (one label before .onmicrosoft.com)`
  return null
}

/** Splits one CSV line (RFC 4180 quotes; no line breaks inside a field). */
function fields(line: string): string[] | null {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"'
        i++
      } else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true
      cur = ''
    } else if (ch === ',') {
      out.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  if (quoted) return null
  out.push(cur.trim())
  return out
}

interface Row {
  line: number
  tenantId: string
  name: string
  tags: string[]
  access: FleetAccess
}

/** Reads and validates the CSV: good rows and refused lines. */
export function parseTenantCsv(csvText: string): {
  rows: Row[]
  refused: { line: number; reason: string }[]
} {
  const lines = csvText.replace(/^\uFEFF/, '').split(/\r?\n/)
  const refused: { line: number; reason: string }[] = []
  const rows: Row[] = []
  const headerAt = lines.findIndex((l) => l.trim() !== '')
  if (headerAt < 0)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      'The CSV is empty: its first line must be tenant,name,tags.',
    )
  const header = (fields(lines[headerAt] ?? '') ?? []).map((h) => h.toLowerCase())
  const withAccess = header.length === 4 && header[3] === 'access'
  if (
    header[0] !== 'tenant' ||
    header[1] !== 'name' ||
    header[2] !== 'tags' ||
    (header.length !== 3 && !withAccess)
  )
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `Line ${headerAt + 1} of the CSV must be the header tenant,name,tags (optionally ,access), not '${(lines[headerAt] ?? '').slice(0, 80)}'.`,
    )
  if (lines.length - headerAt - 1 > MAX_IMPORT_LINES)
    throw new PassageError(
      'PASSAGE_E_INPUT',
      `The CSV has more than ${MAX_IMPORT_LINES} lines: import it in parts.`,
    )
  const seen = new Map<string, number>()
  for (let i = headerAt + 1; i < lines.length; i++) {
    const raw = lines[i] ?? ''
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue
    const line = i + 1
    const refuse = (reason: string) => refused.push({ line, reason })
    const f = fields(raw)
    if (!f) {
      refuse('a quote is not closed')
      continue
    }
    if (f.length !== header.length) {
      refuse(`${f.length} fields, expected ${header.length} (${header.join(',')})`)
      continue
    }
    const [tenant = '', name = '', tagText = '', accessText = 'change'] = f
    const tenantId = tenant.toLowerCase()
    if (!Guid.safeParse(tenantId).success) {
      refuse(`'${tenant.slice(0, 80)}' is not a tenant GUID`)
      continue
    }
    const nameProblem = tenantNameProblem(name)
    if (nameProblem) {
      refuse(nameProblem)
      continue
    }
    let tags: string[]
    try {
      tags = normaliseTags(tagText.split(';'))
    } catch (e) {
      refuse(e instanceof PassageError ? e.message : 'bad tags')
      continue
    }
    const access = (accessText || 'change').toLowerCase()
    if (access !== 'change' && access !== 'read') {
      refuse(`access '${accessText.slice(0, 20)}' is not change or read`)
      continue
    }
    const dup = seen.get(tenantId)
    if (dup !== undefined) {
      refuse(`tenant ${tenantId} is already on line ${dup}`)
      continue
    }
    seen.set(tenantId, line)
    rows.push({ line, tenantId, name: name.trim().toLowerCase(), tags, access })
  }
  return { rows, refused }
}

/** Imports the CSV's tenants (see the module comment). */
export async function importTenants(
  store: Store,
  csvText: string,
  opts: { keyPem: string; caPem?: string; prove: boolean },
): Promise<{ imported: FleetTenant[]; refused: { line: number; reason: string }[] }> {
  const { rows, refused } = parseTenantCsv(csvText)
  const app = opts.prove ? await store.getFleetApp() : null
  if (opts.prove && !app)
    throw new PassageError('PASSAGE_E_FLEET_APP', "The fleet's app registration is not set.")
  const imported: FleetTenant[] = []
  const now = new Date().toISOString()
  const one = async (row: Row) => {
    const before = await store.getFleetTenant(row.tenantId)
    let problem: PassageError | null = null
    if (app) {
      try {
        const s = await openAppSession(app, row.tenantId, {
          keyPem: opts.keyPem,
          ...(opts.caPem ? { caPem: opts.caPem } : {}),
        })
        try {
          await s.exo.invokeCommand({ cmdlet: 'Get-AcceptedDomain', params: {} })
        } finally {
          s.close()
        }
      } catch (e) {
        problem = isPassageError(e)
          ? e
          : new PassageError('PASSAGE_E_INTERNAL', e instanceof Error ? e.message : String(e))
      }
    }
    const t: Omit<FleetTenant, 'updatedAt'> = {
      tenantId: row.tenantId,
      name: row.name,
      tags: row.tags,
      access: row.access,
      state: problem ? 'no-access' : 'enrolled',
      enrolledAt: problem ? (before?.enrolledAt ?? null) : (before?.enrolledAt ?? now),
      lastErrorCode: problem?.code ?? null,
      lastErrorMessage: problem ? safeMessage(problem.message) : null,
    }
    await store.upsertFleetTenant(t)
    // A tenant the app cannot reach yet is imported all the same, as no-access with the reason:
    // the line was right, Microsoft 365 refused (the CLI exits 3 for it, 2 for a bad line).
    imported.push((await store.getFleetTenant(row.tenantId)) as FleetTenant)
  }
  // A few at a time: proving signs the app in to each tenant.
  let next = 0
  const lane = async () => {
    while (next < rows.length) {
      const row = rows[next++]
      if (row) await one(row)
    }
  }
  await Promise.all(Array.from({ length: app ? PROVE_CONCURRENCY : 1 }, lane))
  refused.sort((a, b) => a.line - b.line)
  imported.sort((a, b) => a.name.localeCompare(b.name))
  return { imported, refused }
}
