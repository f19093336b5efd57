/**
 * Round trips and wall time of discover + apply + check, for Trustifi's recipe (northwindtraders)
 * and ContactMonkey's recommended plan (contoso), against an in-process sandbox that adds 300 ms
 * to every request (sign-in, Graph and the admin API) and whose tenants hold 250 mail flow rules
 * and 1,000 Tenant Allow/Block List entries each. Beside each figure:
 *
 * - the lower bound: the critical path of dependent round trips times the latency (discover: one
 *   round of batched reads, then the directory groups the policies name; apply: the drift read,
 *   then the longest chain of changes that must run in order; check: one round of reads);
 * - one after another: every request made on its own and every `$batch` item as its own request,
 *   one at a time (round trips × latency, computed from the counts).
 *
 * Requests are counted in this process (every HTTPS request the client sends, and the items in
 * each `$batch` body). Run: node --import tsx bench/apply.ts [latencyMs]
 */
import http from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apply } from '../src/app/apply.js'
import { check } from '../src/app/check.js'
import { discover } from '../src/app/discover.js'
import { prerequisites } from '../src/app/schedule.js'
import { newProfile, openSession } from '../src/app/session.js'
import { chooseVendor } from '../src/app/vendor-choice.js'
import type { Change } from '../src/core/change.js'
import { plan as makePlan } from '../src/core/planner/plan.js'
import type { Choices, Plan } from '../src/core/planner/types.js'
import type { SandboxWorld } from '../src/sandbox/contracts.js'
import { createAppCredentials } from '../src/sandbox/identity/index.js'
import { parseWorld, seedWorld, startSandbox } from '../src/sandbox/index.js'
import { openStore } from '../src/store/index.js'

const LATENCY = Number(process.argv[2] ?? 300)
const RULES = 250
const ENTRIES = 1000

// --- counting: every request the client sends, and the items of each $batch ------------------
interface Tally {
  requests: number
  adminapi: number
  batches: number
  batchItems: number
}
const tally: Tally = { requests: 0, adminapi: 0, batches: 0, batchItems: 0 }
const reset = () => Object.assign(tally, { requests: 0, adminapi: 0, batches: 0, batchItems: 0 })
type AddRequest = (this: http.Agent, req: http.ClientRequest, opts: unknown) => void
const proto = http.Agent.prototype as unknown as { addRequest: AddRequest }
const addRequest = proto.addRequest
proto.addRequest = function (req, opts) {
  tally.requests++
  if (req.path.includes('/adminapi/')) tally.adminapi++
  if (req.path.includes('/$batch')) {
    tally.batches++
    const end = req.end.bind(req) as (body?: unknown) => http.ClientRequest
    req.end = ((body?: unknown) => {
      if (typeof body === 'string' || Buffer.isBuffer(body))
        tally.batchItems += (JSON.parse(body.toString()) as { requests: unknown[] }).requests.length
      return end(body)
    }) as typeof req.end
  }
  return addRequest.call(this, req, opts)
}

// --- the tenants: 250 rules and 1,000 entries each --------------------------------------------
function bigWorld(): SandboxWorld {
  const world = seedWorld()
  for (const t of world.tenants) {
    const state = t.snapshot.state
    const model = state.transportRules.find((r) => r.State === 'Enabled')
    if (!model) continue
    for (let i = state.transportRules.length; i < RULES; i++)
      state.transportRules.push({
        ...model,
        Name: `Bench rule ${String(i).padStart(3, '0')}`,
        Guid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        Priority: i,
        Comments: 'bench',
      })
    const kinds = [
      ['Sender', (i: number) => `sender${i}.bench.example`],
      ['Url', (i: number) => `bench${i}.example.org/*`],
      ['FileHash', (i: number) => i.toString(16).padStart(64, '0')],
    ] as const
    for (let i = state.tabl.items.length; i < ENTRIES; i++) {
      const [ListType, value] = kinds[i % 3]!
      state.tabl.items.push({
        Identity: `RgAAAAAbench${String(i).padStart(6, '0')}AAAA0`,
        ListType,
        ListSubType: 'Tenant',
        Action: 'Block',
        Value: value(i),
        ExpirationDate: null,
        RemoveAfter: null,
        LastUsedDate: null,
        Notes: 'bench',
      })
    }
  }
  return parseWorld(JSON.parse(JSON.stringify(world)))
}

// --- the lower bound --------------------------------------------------------------------------
/** The longest chain of changes that must run one after another (in round trips). */
function chain(changes: readonly Change[]): number {
  const pre = prerequisites(changes)
  const depth = new Map<string, number>()
  const of = (id: string): number => {
    const known = depth.get(id)
    if (known !== undefined) return known
    const c = changes.find((x) => x.id === id)!
    const d = c.calls.length + Math.max(0, ...[...(pre.get(id) ?? [])].map(of))
    depth.set(id, d)
    return d
  }
  return Math.max(0, ...changes.map((c) => of(c.id)))
}

interface Row {
  scenario: string
  phase: string
  requests: number
  calls: number
  ms: number
  boundTrips: number
}

const SCENARIOS: {
  prefix: string
  vendor: string
  params: Record<string, string>
  mode: Choices['mode']
}[] = [
  { prefix: 'northwind', vendor: 'trustifi', params: {}, mode: 'recipe' },
  {
    prefix: 'contoso',
    vendor: 'contactmonkey',
    params: { region: 'us', dedicatedIp: '167.89.10.20' },
    mode: 'recommended',
  },
]

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'passage-bench-'))
  const sb = await startSandbox({
    port: 0,
    initialWorld: bigWorld,
    // Every request waits; the tenant's budget is generous (this measures round trips).
    faults: `latency=${LATENCY},scope=all,budget=100000/s,concurrency=1000`,
  })
  const store = await openStore(':memory:')
  const rows: Row[] = []
  try {
    for (const sc of SCENARIOS) {
      const t = sb.world.tenants.find((x) => x.snapshot.tenant.name.startsWith(sc.prefix))!
      const creds = createAppCredentials({
        displayName: 'passage bench',
        appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All', 'Domain.Read.All'],
        roles: ['Exchange Administrator'],
      })
      sb.addApp(t.snapshot.tenant.name, creds.app)
      writeFileSync(join(dir, 'cert.pem'), creds.certificatePem)
      writeFileSync(join(dir, 'key.pem'), creds.privateKeyPem, { mode: 0o600 })
      const session = await openSession(
        newProfile({
          tenant: t.snapshot.tenant.name,
          sandboxUrl: sb.url,
          auth: {
            kind: 'certificate',
            clientId: creds.app.clientId,
            certificateFile: join(dir, 'cert.pem'),
            keyFile: join(dir, 'key.pem'),
          },
        }),
        { caPem: sb.caPem },
      )
      // Tokens are fetched before the clock starts (sign-in is not measured).
      await session.exo.invoke({ cmdlet: 'Get-AcceptedDomain', params: {} })
      await session.graph.organization()
      const name = `${sc.vendor} (${t.snapshot.state.transportRules.length} rules, ${t.snapshot.state.tabl.items.length} entries)`
      const measure = async <T>(phase: string, boundTrips: number, fn: () => Promise<T>) => {
        reset()
        const t0 = performance.now()
        const out = await fn()
        const ms = performance.now() - t0
        rows.push({
          scenario: name,
          phase,
          requests: tally.requests,
          calls: tally.requests - tally.batches + tally.batchItems,
          ms,
          boundTrips,
        })
        return out
      }
      // The groups policies and presets scope by are read once the policies are known.
      const snap = t.snapshot
      const groups = [
        ...snap.presets.flatMap((x) => x.SentToMemberOf),
        ...snap.state.antiSpam.rules.flatMap((r) => r.SentToMemberOf),
        ...snap.state.antiPhish.rules.flatMap((r) => r.SentToMemberOf),
      ].length
      const d = await measure('discover', groups > 0 ? 2 : 1, () => discover(session, store))
      const p: Plan = makePlan(
        chooseVendor(sc.vendor, { ...sc.params }),
        { mode: sc.mode },
        d.snapshot,
        {
          now: new Date().toISOString(),
        },
      )
      const a = await measure('apply', 1 + chain(p.changes), () => apply(session, store, p))
      if (a.status !== 'done') throw new Error(`apply ${a.status}: ${JSON.stringify(a.steps)}`)
      const c = await measure('check', 1, () => check(session, store, p))
      if (!c.green) throw new Error(`check not green: ${JSON.stringify(c.findings)}`)
      session.close()
    }
  } finally {
    await store.close()
    await sb.close()
    rmSync(dir, { recursive: true, force: true })
  }
  print(rows)
}

function print(rows: Row[]): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  const head = [
    'scenario',
    'phase',
    'round trips',
    'cmdlet/Graph calls',
    'wall',
    'lower bound',
    'one after another',
  ]
  const body: string[][] = []
  const scenarios = [...new Set(rows.map((r) => r.scenario))]
  for (const sc of scenarios) {
    const mine = rows.filter((r) => r.scenario === sc)
    const total: Row = {
      scenario: sc,
      phase: 'total',
      requests: mine.reduce((n, r) => n + r.requests, 0),
      calls: mine.reduce((n, r) => n + r.calls, 0),
      ms: mine.reduce((n, r) => n + r.ms, 0),
      boundTrips: mine.reduce((n, r) => n + r.boundTrips, 0),
    }
    for (const r of [...mine, total])
      body.push([
        r.phase === 'discover' ? sc : '',
        r.phase,
        String(r.requests),
        String(r.calls),
        s(r.ms),
        `${s(r.boundTrips * LATENCY)} (${r.boundTrips} × ${LATENCY} ms)`,
        `${s(r.calls * LATENCY)} (${r.calls} × ${LATENCY} ms)`,
      ])
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  console.log(`Latency ${LATENCY} ms per request; sign-in not measured.`)
  console.log(line(head))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const b of body) console.log(line(b))
  console.log(
    [
      '',
      'round trips: HTTPS requests sent ($batch = 1); cmdlet/Graph calls: the same with each $batch item',
      'counted on its own. lower bound: dependent round trips × latency (discover: one batched round,',
      '+1 when policies name groups; apply: the drift read + the longest chain of changes that must run',
      'in order, ignoring the concurrency cap of 4; check: one round). one after another: every call',
      'as its own request, one at a time (computed, not run).',
    ].join('\n'),
  )
}

await main()
