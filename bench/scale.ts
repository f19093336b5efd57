/**
 * Plan and simulate time as a tenant grows: the Defender P2 example tenant (contoso) with 297 mail
 * flow rules (the plans' own rules bring it to Microsoft's limit of 300) and 1k, 5k, 10k, 20k and
 * 40k Tenant Allow/Block List entries (sender, URL, file hash and IP; three blocks to one allow;
 * some expired), for ContactMonkey's recommended plan and Trustifi's recipe.
 *
 * - plan: `plan()` (select, build, limits against the tenant as each change leaves it, freeze);
 * - after: the tenant as the plan leaves it, completed by the model (`afterChanges`);
 * - evaluate: the vendor's typical messages before and after (`simulate`);
 * - simulate: after + evaluate, what the wizard and `passage plan` run beside a plan.
 *
 * Each figure is the median CPU time of several runs (each on a fresh copy of the tenant, so nothing
 * is cached from the run before) after a warm-up, with wall time beside; growth is the time at each
 * size over the time at 1k entries (entries grow 40x from 1k to 40k). Pure core code, one process.
 * Run: node --import tsx bench/scale.ts [entries...]
 */
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { getVendor } from '../src/catalog/index.js'
import type { Choices } from '../src/core/plan-format.js'
import { TenantSnapshot } from '../src/core/model/snapshot.js'
import type { TablItem } from '../src/core/model/tabl.js'
import { plan } from '../src/core/planner/plan.js'
import { afterChanges, simulate, typicalMessages } from '../src/core/simulate/index.js'
import { resolveVendor } from '../src/core/vendor/resolve.js'

const NOW = '2026-12-01T09:00:00Z'
const RULES = 297
const SIZES = process.argv.slice(2).map(Number).filter(Boolean)
const ENTRIES = SIZES.length ? SIZES : [1000, 5000, 10000, 20000, 40000]

const SCENARIOS: { vendor: string; params: Record<string, string>; mode: Choices['mode'] }[] = [
  {
    vendor: 'contactmonkey',
    params: { region: 'us', dedicatedIp: '167.89.10.20' },
    mode: 'recommended',
  },
  { vendor: 'trustifi', params: {}, mode: 'recipe' },
]

const base: unknown = JSON.parse(
  readFileSync(new URL('../examples/defender-p2-standard-preset.json', import.meta.url), 'utf8'),
)

/** The i-th bench entry: sender, URL, file hash and IP in turn; every fourth an allow. */
function entry(i: number): TablItem {
  const kind = i % 4
  const action = Math.floor(i / 4) % 4 === 0 ? 'Allow' : 'Block'
  const value =
    kind === 0
      ? i % 8 === 0
        ? `user${i}@sender${i}.bench.example`
        : `sender${i}.bench.example`
      : kind === 1
        ? i % 3 === 0 && action === 'Block'
          ? `*.bench${i}.example.org`
          : i % 3 === 1
            ? `bench${i}.example.org`
            : `bench${i}.example.org/path/*`
        : kind === 2
          ? i.toString(16).padStart(64, '0')
          : `2001:db8:${(i % 65536).toString(16)}::/48`
  return {
    Identity: `RgAAAAAbench${String(i).padStart(6, '0')}AAAA0`,
    ListType: (['Sender', 'Url', 'FileHash', 'IP'] as const)[kind]!,
    ListSubType: 'Tenant',
    Action: action,
    Value: value,
    // One in ten expired, one in ten expiring later, one in ten kept 45 days after last use.
    ExpirationDate:
      i % 10 === 1 ? '2026-10-01T00:00:00Z' : i % 10 === 2 ? '2027-01-30T00:00:00Z' : null,
    RemoveAfter: i % 10 === 3 ? 45 : null,
    LastUsedDate: i % 10 === 3 ? '2026-11-15T00:00:00Z' : null,
    Notes: 'bench',
  }
}

/** The example tenant with `rules` mail flow rules and `entries` allow/block entries. */
export function tenant(entries: number, rules: number): TenantSnapshot {
  const s = TenantSnapshot.parse(structuredClone(base))
  const model =
    s.state.transportRules.find((r) => r.State === 'Enabled') ?? s.state.transportRules[0]
  if (!model) throw new Error('the example tenant has no mail flow rule to copy')
  for (let i = s.state.transportRules.length; i < rules; i++)
    s.state.transportRules.push({
      ...structuredClone(model),
      Name: `Bench rule ${String(i).padStart(3, '0')}`,
      Guid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      Priority: i,
      Comments: 'bench',
    })
  for (let i = s.state.tabl.items.length; i < entries; i++) s.state.tabl.items.push(entry(i))
  // Through the model, as a discovered snapshot is.
  return TenantSnapshot.parse(s)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** CPU time (this process, GC threads included) and wall time of one call, in ms. */
function measure<T>(fn: () => T): { cpu: number; wall: number; out: T } {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const out = fn()
  const wall = performance.now() - t0
  const c = process.cpuUsage(c0)
  return { cpu: (c.user + c.system) / 1000, wall, out }
}

interface Figure {
  cpu: number
  wall: number
}

interface Row {
  scenario: string
  entries: number
  rules: number
  plan: Figure
  after: Figure
  evaluate: Figure
  simulate: Figure
}

/**
 * One scenario at one size: a warm-up, then `runs` runs, each on its own copy of the tenant (as a
 * command that loads a snapshot and plans it has: nothing cached from an earlier run).
 */
function scenario(snapshot: TenantSnapshot, sc: (typeof SCENARIOS)[number], runs: number): Row {
  const vendor = resolveVendor(getVendor(sc.vendor), sc.params)
  const figures = { plan: [] as Figure[], after: [] as Figure[], evaluate: [] as Figure[] }
  let changes = 0
  let messages = 0
  let rules = 0
  for (let i = 0; i <= runs; i++) {
    const s = structuredClone(snapshot)
    const p = measure(() => plan(vendor, { mode: sc.mode }, s, { now: NOW }))
    const typical = typicalMessages(vendor, s)
    const a = measure(() => afterChanges(s, p.out.changes))
    const e = measure(() => simulate(s, a.out, typical, NOW))
    if (i === 0) continue // warm-up
    figures.plan.push(p)
    figures.after.push(a)
    figures.evaluate.push(e)
    changes = p.out.changes.length
    messages = typical.length
    rules = a.out.state.transportRules.length
  }
  const med = (xs: Figure[]): Figure => ({
    cpu: median(xs.map((x) => x.cpu)),
    wall: median(xs.map((x) => x.wall)),
  })
  const sims = figures.after.map((a, i) => ({
    cpu: a.cpu + figures.evaluate[i]!.cpu,
    wall: a.wall + figures.evaluate[i]!.wall,
  }))
  return {
    scenario: `${sc.vendor} ${sc.mode} (${changes} changes, ${messages} messages)`,
    entries: snapshot.state.tabl.items.length,
    rules,
    plan: med(figures.plan),
    after: med(figures.after),
    evaluate: med(figures.evaluate),
    simulate: med(sims),
  }
}

function main(): void {
  const rows: Row[] = []
  for (const n of ENTRIES) {
    const snapshot = tenant(n, RULES)
    for (const sc of SCENARIOS) rows.push(scenario(snapshot, sc, n >= 20000 ? 5 : 9))
  }
  print(rows)
}

function print(rows: Row[]): void {
  const ms = (x: number) => `${x.toFixed(1)} ms`
  const head = [
    'scenario',
    'entries',
    'rules',
    'plan',
    'after',
    'evaluate',
    'simulate',
    'wall plan / simulate',
    'growth plan / simulate',
  ]
  const body: string[][] = []
  for (const sc of [...new Set(rows.map((r) => r.scenario))]) {
    const mine = rows.filter((r) => r.scenario === sc)
    const first = mine[0]!
    for (const r of mine) {
      const growth = `${(r.plan.cpu / first.plan.cpu).toFixed(1)}x / ${(r.simulate.cpu / first.simulate.cpu).toFixed(1)}x`
      body.push([
        r === first ? sc : '',
        r.entries.toLocaleString('en'),
        `${RULES} -> ${r.rules}`,
        ms(r.plan.cpu),
        ms(r.after.cpu),
        ms(r.evaluate.cpu),
        ms(r.simulate.cpu),
        `${ms(r.plan.wall)} / ${ms(r.simulate.wall)}`,
        `${growth} (${(r.entries / first.entries).toFixed(0)}x entries)`,
      ])
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  console.log(line(head))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const b of body) console.log(line(b))
  console.log(
    [
      '',
      'CPU ms (medians; the machine may be shared, so CPU time is the steadier figure; wall beside).',
      'plan: plan(); after: the tenant as the plan leaves it (afterChanges); evaluate: the typical',
      'messages before and after (simulate); simulate = after + evaluate. Each run on a fresh copy',
      'of the tenant (nothing cached from the run before), after one warm-up run. growth: over the',
      '1k-entry figure. Target: plan and simulate under 100 ms at 40k entries.',
    ].join('\n'),
  )
}

// Run when invoked (bench/run.ts runs each file); importing it only builds tenants (for profiling).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main()
